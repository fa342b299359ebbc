/// What training, evaluation and predictions need of a model that maps a sequence to outputs,
/// whatever is inside it: a recurrent `Network`, or a `FeedForward` network that reads a window
/// of the sequence or its average. Every model keeps its weights in one flat vector laid out by
/// `layout`, and is trained by the same mini-batch loop (`trainMiniBatches`), so a comparison can
/// put a feed-forward model beside recurrent ones on the same data and seeds.
public protocol SequenceModel: Sendable {
    var layout: ParameterLayout { get }
    var parameterCount: Int { get }
    /// Width of x_t as the model reads it: the raw input, or the embedding size with an embedding.
    var inputSize: Int { get }
    /// With an embedding, inputs are token ids 0 ..< vocabularySize.
    var vocabularySize: Int? { get }
    /// Size of y_t.
    var outputSize: Int { get }

    /// The outputs at the steps the sample's loss reads, (n, Y) row by row (n = T for `mse_all`
    /// and `xent_all`, 1 for `mse_last` and `xent_last`: the last step), and the loss.
    func scoredOutputs(parameters: [Double], sample: Sample) -> (y: [Double], loss: Double)

    /// Trains on `samples`, calling `progress` after every epoch.
    func train(
        parameters: [Double], samples: [Sample], config: TrainingConfig,
        progress: ((EpochSummary) -> Void)?
    ) -> TrainingResult

    /// Keras's default initial weights, from the portable generator.
    func initialParameters(seed: UInt64) -> [Double]
}

extension LossKind {
    /// The steps (1-based) whose outputs this loss reads in a sequence of T steps.
    public func scoredSteps(_ T: Int) -> [Int] {
        coversAllSteps ? Array(1...max(T, 1)) : [T]
    }
}

extension Network: SequenceModel {
    public var inputSize: Int { spec.inputSize }
    public var vocabularySize: Int? { spec.vocabularySize }
    public var outputSize: Int { spec.outputSize }

    public func scoredOutputs(parameters: [Double], sample: Sample) -> (y: [Double], loss: Double) {
        let record = forward(parameters: parameters, sample: sample)
        let Y = spec.outputSize, T = record.steps
        if sample.loss.coversAllSteps { return (record.y, record.loss) }
        return (Array(record.y[((T - 1) * Y)..<(T * Y)]), record.loss)
    }
}
