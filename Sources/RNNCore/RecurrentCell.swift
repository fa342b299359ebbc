/// What every cell (vanilla, LSTM, GRU) provides to the layers, the trace and the Jacobian norms.
///
/// A cell owns no numbers: it knows where its weights sit in the model's flat parameter vector
/// (`base`) and runs a whole sequence at once, so that the input projections and the weight
/// gradients are single matrix products and only the recurrence is stepped.
protocol RecurrentCell: Sendable {
    var spec: CellSpec { get }
    /// Offsets of the stacked input matrix (G·H × X), recurrent matrix (G·H × H) and bias (G·H)
    /// in the flat parameter vector.
    var wx: Int { get }
    var wh: Int { get }
    var b: Int { get }

    /// Runs t = 1 … T forward, filling `record` (h_0 and c_0 must already be in it).
    /// `recurrent` is a 64-byte-aligned copy of the recurrent matrix (see `withRecurrent`), or
    /// nil for the cell to make its own.
    func forward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, perturbation: StatePerturbation?, recurrent: UnsafePointer<Double>?)

    /// Backprop through time. `dhExternal` is (T, H): dL/dh_t arriving directly from above
    /// (the readout, or the next layer) for t = 1 … T. Fills `record.dh`, `dc`, `dPreActivations`,
    /// adds the weight gradients into `grads` (the model's flat gradient vector) and, when
    /// `dInput` is given, writes dL/dx_t into it as (T, X).
    /// With `truncation` k, the gradient is stopped between chunks of k steps. `recurrent` as
    /// for `forward`. `dcLast` (LSTM only; H entries, or nil for none) is dL/dc_T arriving from
    /// outside, as when c_T starts a decoder; dL/dh_T from outside is part of `dhExternal`.
    func backward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, dhExternal: UnsafePointer<Double>,
        dcLast: UnsafePointer<Double>?, truncation: Int?,
        grads: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>?,
        recurrent: UnsafePointer<Double>?)

    /// The Jacobian of the state map s_{t−1} ↦ s_t at step t, as the columns for h_{t−1}
    /// (`dense`, S × H row-major, S the state size) and, for LSTM, the two diagonals of the
    /// columns for c_{t−1}: `cDiagonals[j]` = ∂h_t[j]/∂c_{t−1}[j] and `cDiagonals[H + j]` =
    /// ∂c_t[j]/∂c_{t−1}[j] (every other entry of those columns is zero).
    func stateJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int,
        dense: UnsafeMutablePointer<Double>, cDiagonals: UnsafeMutablePointer<Double>)

    /// The Jacobian of s_t with respect to the step's input x_t, ∂s_t/∂x_t (S × X row-major),
    /// holding s_{t−1} fixed: the first factor of the connectivity ∂s_t/∂x_s (`Connectivity`).
    func inputJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>)
}

extension RecurrentCell {
    /// Fills the pre-activation rows `rows` (steps t − 1) with b + W_x x_t, as one matrix product.
    /// `wx` is the stacked (G·H × X) input matrix, `b` the stacked bias.
    func projectInputs(
        weights: UnsafePointer<Double>, wx: Int, b: Int, input: UnsafePointer<Double>,
        rows: Range<Int>, into pre: UnsafeMutablePointer<Double>, oneThread: Bool
    ) {
        let gw = spec.gateCount * spec.hiddenSize, X = spec.inputSize
        // A plain loop: a small cell's rows are a few doubles, and a memmove call per row cost
        // more than the copying.
        let bias = weights + b
        for t in rows {
            let row = pre + t * gw
            for k in 0..<gw { row[k] = bias[k] }
        }
        BLAS.gemm(
            transposeA: false, transposeB: true, m: rows.count, n: gw, k: X,
            a: input + rows.lowerBound * X, lda: X, b: weights + wx, ldb: X,
            beta: 1, c: pre + rows.lowerBound * gw, ldc: gw, oneThread: oneThread)
    }

    /// The input projections of a whole sequence, filled ahead of the forward recurrence
    /// (see `InputProjection`); call `wait(forStep:)` before each step and `finish()` after.
    func inputProjection(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>, steps T: Int,
        into pre: UnsafeMutablePointer<Double>
    ) -> InputProjection {
        InputProjection(
            steps: T, multiplyAdds: T * spec.gateCount * spec.hiddenSize * spec.inputSize
        ) { rows, oneThread in
            projectInputs(
                weights: weights, wx: wx, b: b, input: input, rows: rows, into: pre,
                oneThread: oneThread)
        }
    }

    /// The weight gradients every cell shares, for the steps in `rows` (rows of dPre and of the
    /// input, 0-based): dW_x += dPreᵀ X, db += Σ_t dPre_t, and dL/dx = dPre W_x when the layer
    /// below needs it. `oneThread` when it runs on `GradientPipeline`'s helper thread.
    func accumulateInputGradients(
        weights: UnsafePointer<Double>, wx: Int, b: Int, input: UnsafePointer<Double>,
        rows: Range<Int>, dPre: UnsafePointer<Double>, grads: UnsafeMutablePointer<Double>,
        dInput: UnsafeMutablePointer<Double>?, oneThread: Bool
    ) {
        let gw = spec.gateCount * spec.hiddenSize
        let X = spec.inputSize, first = rows.lowerBound
        BLAS.gemm(
            transposeA: true, transposeB: false, m: gw, n: X, k: rows.count,
            a: dPre + first * gw, lda: gw, b: input + first * X, ldb: X, beta: 1, c: grads + wx,
            ldc: X, oneThread: oneThread)
        let db = grads + b
        for t in rows {
            let row = dPre + t * gw
            for k in 0..<gw { db[k] += row[k] }
        }
        if let dInput {
            BLAS.gemm(
                transposeA: false, transposeB: false, m: rows.count, n: X, k: gw,
                a: dPre + first * gw, lda: gw, b: weights + wx, ldb: X, beta: 0,
                c: dInput + first * X, ldc: X, oneThread: oneThread)
        }
    }

    /// Entries of the recurrent matrix (G·H × H).
    var recurrentCount: Int { spec.gateCount * spec.hiddenSize * spec.hiddenSize }

    /// Runs `body` with a 64-byte-aligned copy of the recurrent matrix: `prepared` when the
    /// caller has one (training makes them once per batch, not once per pass), else a new one.
    /// The recurrences stream their recurrent matrix once per step, and a vector load that
    /// straddles two cache lines costs about twice as much (measured: a 512×128 product takes
    /// 4.1 µs aligned, ~10 µs at the 16-byte alignment the flat parameter vector gives).
    func withRecurrent<R>(
        _ weights: UnsafePointer<Double>, prepared: UnsafePointer<Double>?,
        _ body: (UnsafePointer<Double>) -> R
    ) -> R {
        if let prepared { return body(prepared) }
        let count = recurrentCount
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Double>.stride, alignment: 64)
        defer { raw.deallocate() }
        let copy = raw.bindMemory(to: Double.self, capacity: max(count, 1))
        copy.update(from: weights + wh, count: count)
        return body(copy)
    }

    /// Whether the gradient flows from step t back to step t−1 under truncated BPTT with k:
    /// chunks are steps 1…k, k+1…2k, …; the state is carried across a chunk boundary but its
    /// gradient is not.
    @inline(__always)
    func gradientFlows(into t: Int, truncation: Int?) -> Bool {
        guard let k = truncation else { return true }
        return t == 1 || (t - 1) % k != 0
    }
}

extension StatePerturbation {
    /// Applies the nudge if it targets this state at step t.
    @inline(__always)
    func apply(to state: UnsafeMutablePointer<Double>, kind: State, t: Int) {
        if self.state == kind && self.t == t { state[unit] += delta }
    }
}

/// `count` doubles copied to 64-byte-aligned memory, freed with the object.
final class AlignedCopy {
    let pointer: UnsafeMutablePointer<Double>
    let count: Int

    init(of source: UnsafePointer<Double>, count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Double>.stride, alignment: 64
        ).bindMemory(to: Double.self, capacity: max(count, 1))
        pointer.update(from: source, count: count)
    }

    /// Copies `count` doubles from `source` over this copy's values.
    func update(from source: UnsafePointer<Double>) { pointer.update(from: source, count: count) }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
