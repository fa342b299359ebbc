import Foundation
import RNNKernels

/// The weight gradients of one cell, accumulated chunk by chunk behind its backward recurrence.
///
/// Backprop through time is two kinds of work: the recurrence, which must go step by step from
/// T down to 1, and the weight gradients (dW_x += Σ_t da_t x_tᵀ, dW_h += Σ_t da_t h_{t−1}ᵀ, …),
/// which are sums over steps and can be taken a block of steps at a time as soon as those steps'
/// da_t exist. For long sequences the second kind runs on another thread, one chunk of
/// `chunkSize` steps behind the first, so it costs (almost) nothing on a machine with two cores.
///
/// The numbers never depend on that choice: chunks are fixed rows [64j, 64j + 64) and are always
/// added in the same order (the last chunk first), whether by the helper thread or by the caller
/// in `finish()`.
final class GradientPipeline: @unchecked Sendable {
    /// Whether a job of `multiplyAdds` over `steps` steps is worth a helper thread.
    static func worthAThread(steps: Int, multiplyAdds: Int) -> Bool {
        multiplyAdds >= parallelThreshold && steps > chunkSize && rk_threads() > 1
    }

    /// Runs `body` on a new thread (the pipelines' helper).
    static func startThread(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Steps per chunk. Fixed, so the summation order is the same for every run and thread count.
    static let chunkSize = 64
    /// Below this many multiply-adds in the chunked products, starting a thread costs more than
    /// it saves (a thread starts in tens of microseconds).
    static let parallelThreshold = 4_000_000

    private let steps: Int
    private let work: (Range<Int>, _ oneThread: Bool) -> Void
    /// Only with a helper thread (a lock costs a few microseconds to make, and small jobs, such
    /// as a lesson's training steps, come by the thousand).
    private let condition: NSCondition?
    /// Every row ≥ `ready` has its da_t (rows are steps t − 1; the recurrence goes downwards).
    private var ready: Int
    private var done = false

    /// `work(rows, oneThread)` adds the gradient contributions of rows (steps t − 1) `rows` to
    /// the weight gradients; it is called once per chunk, last chunk first, with `oneThread` true
    /// on the helper thread (its products must not ask for another). `multiplyAdds` is the size
    /// of the whole job, to decide whether a helper thread pays.
    init(steps: Int, multiplyAdds: Int, work: @escaping (Range<Int>, _ oneThread: Bool) -> Void) {
        self.steps = steps
        self.work = work
        self.ready = steps
        let parallel = Self.worthAThread(steps: steps, multiplyAdds: multiplyAdds)
        condition = parallel ? NSCondition() : nil
        if parallel { Self.startThread { [self] in self.runChunks() } }
    }

    /// The recurrence has produced da_t for step t and every later step.
    @inline(__always)
    func completed(step t: Int) {
        guard let condition, (t - 1) % Self.chunkSize == 0 else { return }
        condition.withLock {
            ready = t - 1
            condition.signal()
        }
    }

    /// Adds every chunk not yet added (all of them without a helper thread) and waits for the
    /// helper. After this the weight gradients are complete.
    func finish() {
        guard let condition else {
            runChunksInOrder()
            return
        }
        condition.withLock {
            ready = 0
            condition.signal()
            while !done { condition.wait() }
        }
    }

    private var chunkStarts: StrideThrough<Int> {
        stride(from: (steps - 1) / Self.chunkSize * Self.chunkSize, through: 0, by: -Self.chunkSize)
    }

    private func runChunksInOrder() {
        for start in chunkStarts { work(start..<min(start + Self.chunkSize, steps), false) }
    }

    private func runChunks() {
        let condition = self.condition!
        for start in chunkStarts {
            condition.withLock { while ready > start { condition.wait() } }
            work(start..<min(start + Self.chunkSize, steps), true)
        }
        condition.withLock {
            done = true
            condition.signal()
        }
    }
}

/// The input projections b + W_x x_t of one cell, computed a chunk of steps ahead of its forward
/// recurrence: the mirror image of `GradientPipeline`. For long sequences another thread fills
/// the pre-activation rows chunk by chunk while the recurrence consumes them; otherwise they are
/// all filled at once before the first step. Each row is the same product either way, so the
/// numbers are the same bits.
final class InputProjection: @unchecked Sendable {
    private let steps: Int
    private let work: (Range<Int>, _ oneThread: Bool) -> Void
    private let condition: NSCondition?  // only with a helper thread
    /// Rows below `ready` are filled (guarded by `condition`); `known` is the caller's copy.
    private var ready = 0
    private var known = 0
    private var done = false

    /// `work(rows, oneThread)` fills the pre-activation rows `rows` (`oneThread` on the helper
    /// thread); `multiplyAdds` is the whole job's size.
    init(steps: Int, multiplyAdds: Int, work: @escaping (Range<Int>, _ oneThread: Bool) -> Void) {
        self.steps = steps
        self.work = work
        let parallel = GradientPipeline.worthAThread(steps: steps, multiplyAdds: multiplyAdds)
        condition = parallel ? NSCondition() : nil
        if parallel {
            GradientPipeline.startThread { [self] in self.runChunks() }
        } else {
            work(0..<steps, false)
            known = steps
        }
    }

    /// Returns once the pre-activations of step t (row t − 1) are filled.
    @inline(__always)
    func wait(forStep t: Int) {
        guard t > known, let condition else { return }
        known = condition.withLock {
            while ready < t { condition.wait() }
            return ready
        }
    }

    /// Waits for the helper thread to end (every row is filled by then).
    func finish() {
        guard let condition else { return }
        condition.withLock { while !done { condition.wait() } }
    }

    private func runChunks() {
        let condition = self.condition!
        let size = GradientPipeline.chunkSize
        for start in stride(from: 0, to: steps, by: size) {
            let end = min(start + size, steps)
            work(start..<end, true)
            condition.withLock {
                ready = end
                condition.signal()
            }
        }
        condition.withLock {
            done = true
            condition.signal()
        }
    }
}
