import Foundation
import RNNCore

/// Training memoised for the whole process: a lesson's English and Korean versions run the same
/// cells from the same seed, so every model they train is the same function of the same inputs.
/// Training is deterministic (the same inputs give the same bits), so the second language takes
/// the first one's result instead of training again, and its report is byte for byte what
/// training again would write. `rnnlab run lessons` runs every English lesson before the Korean
/// ones for that reason (`RunCommand`).
///
/// The key is the whole input, not a digest: the model (its type and every stored property, as
/// `String(describing:)` prints them), the initial parameters' bits, every example and the
/// training configuration; two keys are equal only when all of that is. A second caller asking
/// for a key that is being computed waits for it rather than computing it twice.
/// `RNNLAB_TRAINING_CACHE=0` turns the cache off (each training runs, as before).
final class TrainingCache: @unchecked Sendable {
    static let shared = TrainingCache()

    struct Key: Hashable {
        var description: String
        var bits: [UInt64]
    }

    struct Entry {
        var result: TrainingResult
        /// Wall-clock seconds the training took when it ran.
        var seconds: Double
        var pair: (result: TrainingResult, seconds: Double) { (result, seconds) }
    }

    private let condition = NSCondition()
    private var done: [Key: Entry] = [:]
    private var running: Set<Key> = []
    let enabled = ProcessInfo.processInfo.environment["RNNLAB_TRAINING_CACHE"] != "0"

    /// The result for `key`, computing it with `compute` unless this process has (or is).
    /// `progress` sees every epoch's summary either way.
    func result(
        _ key: Key?, progress: ((EpochSummary) -> Void)?,
        compute: (((EpochSummary) -> Void)?) -> TrainingResult
    ) -> Entry {
        let clock = ContinuousClock()
        guard enabled, let key else {
            let start = clock.now
            let r = compute(progress)
            return Entry(result: r, seconds: Lessons.seconds(clock.now - start))
        }
        condition.lock()
        while running.contains(key) { condition.wait() }
        if let entry = done[key] {
            condition.unlock()
            if let progress { entry.result.history.forEach(progress) }
            return entry
        }
        running.insert(key)
        condition.unlock()
        let start = clock.now
        let r = compute(progress)
        let entry = Entry(result: r, seconds: Lessons.seconds(clock.now - start))
        condition.lock()
        done[key] = entry
        running.remove(key)
        condition.broadcast()
        condition.unlock()
        return entry
    }

    // MARK: Keys

    /// What determines a model completely, printed without anything whose order can change from
    /// run to run (a layout's dictionary does): its kind and its spec. Nil for a kind this does
    /// not know, which is then trained without the cache.
    static func identity(_ model: Any) -> String? {
        if let n = model as? Network { return "Network|\(n.spec)" }
        if let f = model as? FeedForward { return "FeedForward|\(f.spec)" }
        if let s = model as? Seq2Seq { return "Seq2Seq|\(s.spec)" }
        return nil
    }

    static func key(model: Any, parameters: [Double], samples: [Sample], config: TrainingConfig) -> Key? {
        guard let identity = identity(model) else { return nil }
        var bits = parameters.map(\.bitPattern)
        var text = "\(identity)|\(config)|\(samples.count)"
        for s in samples {
            switch s.input {
            case .vectors(let x, let steps):
                bits.append(UInt64(steps))
                bits.append(UInt64(x.count))
                bits += x.map(\.bitPattern)
            case .tokens(let ids):
                bits.append(UInt64.max)
                bits.append(UInt64(ids.count))
                bits += ids.map { UInt64(bitPattern: Int64($0)) }
            }
            switch s.targets {
            case .vectors(let y):
                bits.append(UInt64(y.count))
                bits += y.map(\.bitPattern)
            case .classes(let c):
                bits.append(UInt64.max - 1)
                bits.append(UInt64(c.count))
                bits += c.map { UInt64(bitPattern: Int64($0)) }
            }
            text += "|\(s.loss)|\(s.h0.map { $0.map(\.bitPattern) } as Any)|\(s.c0.map { $0.map(\.bitPattern) } as Any)"
                + "|\(s.upperH0.map { $0.map { $0.map(\.bitPattern) } } as Any)|\(s.upperC0.map { $0.map { $0.map(\.bitPattern) } } as Any)"
        }
        return Key(description: text, bits: bits)
    }

    static func key(model: Any, parameters: [Double], pairs: [Seq2SeqPair], config: TrainingConfig) -> Key? {
        guard let identity = identity(model) else { return nil }
        var bits = parameters.map(\.bitPattern)
        for p in pairs {
            bits.append(UInt64(p.source.count))
            bits += p.source.map { UInt64(bitPattern: Int64($0)) }
            bits.append(UInt64(p.target.count))
            bits += p.target.map { UInt64(bitPattern: Int64($0)) }
        }
        return Key(description: "\(identity)|\(config)|\(pairs.count)", bits: bits)
    }
}

extension SequenceModel {
    /// `train`, through the process's `TrainingCache`; also returns the seconds it took when it ran.
    func trainCached(
        parameters: [Double], samples: [Sample], config: TrainingConfig,
        progress: ((EpochSummary) -> Void)? = nil
    ) -> (result: TrainingResult, seconds: Double) {
        TrainingCache.shared.result(
            TrainingCache.key(model: self, parameters: parameters, samples: samples, config: config), progress: progress
        ) { train(parameters: parameters, samples: samples, config: config, progress: $0) }.pair
    }
}

extension Seq2Seq {
    /// `train`, through the process's `TrainingCache`.
    func trainCached(
        parameters: [Double], pairs: [Seq2SeqPair], config: TrainingConfig,
        progress: ((EpochSummary) -> Void)? = nil
    ) -> (result: TrainingResult, seconds: Double) {
        TrainingCache.shared.result(
            TrainingCache.key(model: self, parameters: parameters, pairs: pairs, config: config), progress: progress
        ) { train(parameters: parameters, pairs: pairs, config: config, progress: $0) }.pair
    }
}
