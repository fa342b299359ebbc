/// How to train: Keras-style mini-batches over a fixed set of sequences.
public struct TrainingConfig: Sendable {
    public var optimizer: OptimizerKind
    public var epochs: Int
    public var batchSize: Int
    public var clipping: Clipping?
    /// Truncated BPTT: stop the gradient between chunks of k steps (nil: full BPTT).
    public var truncation: Int?
    /// Seeds the shuffling of the sequences before every epoch.
    public var seed: UInt64
    public var shuffle: Bool

    public init(
        optimizer: OptimizerKind = .adam(), epochs: Int = 10, batchSize: Int = 32,
        clipping: Clipping? = nil, truncation: Int? = nil, seed: UInt64 = 0, shuffle: Bool = true
    ) {
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.clipping = clipping
        self.truncation = truncation
        self.seed = seed
        self.shuffle = shuffle
    }
}

/// One epoch's summary.
public struct EpochSummary: Sendable, Equatable {
    public var epoch: Int
    /// Mean loss over the epoch's batches (before each batch's update, as Keras reports it).
    public var loss: Double
    /// Mean gradient norm over the epoch's batches, before clipping.
    public var gradientNorm: Double
}

/// How a training run ended. Divergence is a result to show, not a crash.
public enum TrainingOutcome: Sendable, Equatable {
    case completed
    /// The loss or gradient became NaN or infinite at this epoch and update step (both 1-based).
    case diverged(epoch: Int, step: Int)

    public var message: String {
        switch self {
        case .completed: return "completed"
        case .diverged(let e, let s): return "diverged at epoch \(e), step \(s)"
        }
    }
}

public struct TrainingResult: Sendable {
    /// The parameters after the last finite update.
    public var parameters: [Double]
    public var history: [EpochSummary]
    public var outcome: TrainingOutcome
}

extension Network {
    /// Trains on `samples`, calling `progress` after every epoch.
    public func train(
        parameters initial: [Double], samples: [Sample], config: TrainingConfig,
        progress: ((EpochSummary) -> Void)? = nil
    ) -> TrainingResult {
        precondition(initial.count == layout.count, "parameter vector has the wrong size")
        // One set of pass arrays for the whole run: small models take microseconds per
        // sequence, and allocating for each one was a good part of that.
        let buffers = PassBuffers()
        return trainMiniBatches(
            parameters: initial, count: samples.count, config: config, progress: progress
        ) { members, w, total in
            alignRecurrent(buffers, weights: w)  // the parameters are fixed until the update
            var loss = 0.0
            for index in members {
                loss += lossAndGradient(
                    weights: w, sample: samples[index], truncation: config.truncation,
                    buffers: buffers)
                // Each sequence's gradient is summed on its own, then added in.
                buffers.gradient.withUnsafeBufferPointer { g in
                    for k in 0..<total.count { total[k] += g[k] }
                }
            }
            return loss
        }
    }
}

/// The mini-batch loop every model trains with (`Network.train`, `Seq2Seq.train`): shuffle the
/// `count` examples every epoch (Fisher–Yates on SplitMix64), and for each batch take the mean
/// loss and gradient over its members, clip, stop on a non-finite value, update.
///
/// `batch(members, weights, total)` returns the summed loss of the examples `members` and adds
/// their summed gradient into `total` (zeroed by the caller); the loop divides both by the
/// batch's size.
func trainMiniBatches(
    parameters initial: [Double], count: Int, config: TrainingConfig,
    progress: ((EpochSummary) -> Void)?,
    batch batchLossAndGradient: (
        _ members: ArraySlice<Int>, _ weights: UnsafePointer<Double>,
        _ total: UnsafeMutableBufferPointer<Double>
    ) -> Double
) -> TrainingResult {
    var parameters = initial
    var gradient = [Double](repeating: 0, count: initial.count)
    var optimizer = Optimizer(config.optimizer, parameterCount: initial.count)
    var rng = SplitMix64(seed: config.seed)
    var order = Array(0..<count)
    var history: [EpochSummary] = []
    let batch = max(1, config.batchSize)
    for epoch in 1...max(1, config.epochs) {
        if config.shuffle {
            // Fisher–Yates with the portable generator.
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        var lossSum = 0.0, normSum = 0.0, batches = 0
        var start = 0
        while start < order.count {
            let members = order[start..<min(start + batch, order.count)]
            start += batch
            gradient.refillWithZeros(count: initial.count)
            var loss = parameters.withUnsafeBufferPointer { pBuf in
                gradient.withUnsafeMutableBufferPointer { total in
                    batchLossAndGradient(members, pBuf.baseAddress!, total)
                }
            }
            let scale = 1 / Double(members.count)
            loss *= scale
            for k in gradient.indices { gradient[k] *= scale }
            let norm = config.clipping?.apply(to: &gradient) ?? euclideanNorm(gradient)
            batches += 1
            if !loss.isFinite || !norm.isFinite {
                return TrainingResult(
                    parameters: parameters, history: history,
                    outcome: .diverged(epoch: epoch, step: batches))
            }
            lossSum += loss
            normSum += norm
            optimizer.update(&parameters, gradient: gradient)
        }
        let summary = EpochSummary(
            epoch: epoch, loss: lossSum / Double(batches), gradientNorm: normSum / Double(batches))
        history.append(summary)
        progress?(summary)
    }
    return TrainingResult(parameters: parameters, history: history, outcome: .completed)
}
