/// A feed-forward network over a sequence: the baseline a recurrent network is measured against
/// (course notes 05: a fixed-size input and no memory), and the notes' Embedding example
/// (course notes 01, "Embedding code").
///
/// It first turns the sequence x_1 … x_T (each x_t the raw input, or row w_t of an embedding E)
/// into one vector u, in one of two ways:
/// ```
/// window W:        u_t = [x_{t−W+1}; …; x_{t−1}; x_t]    (W·X numbers, oldest first; x_s = 0 for s < 1)
/// average pooling: u   = (1/T) Σ_t x_t                    (X numbers; Keras GlobalAveragePooling1D)
/// ```
/// then applies dense layers l = 1 … L with the activation φ, and a linear output:
/// ```
/// h^[0] = u,   h^[l] = φ(W_l h^[l−1] + b_l),   y = W_y h^[L] + b_y
/// ```
/// A window reads only the last W steps: a longer sequence's earlier steps are never seen, a
/// shorter one is zero-padded in front. For a loss over every step (`mse_all`, `xent_all`) the
/// window slides: y_t reads the W steps ending at t (a language model of the last W symbols).
/// Average pooling makes one output per sequence, so it takes `mse_last` and `xent_last` only.
/// Softmax is the loss's, as for the recurrent networks' readout.
///
/// Weights, in this order: `E` (V × X, with an embedding), `W_1` (H_1 × R, R = W·X or X),
/// `b_1`, …, `W_L`, `b_L`, `W_y` (Y × H_L), `b_y`. Keras counts the same numbers: the
/// notes' Embedding(256, 128) → GlobalAveragePooling1D → Dense(128) → relu → Dense(10) has
/// 32,768 + 0 + 16,512 + 1,290 = 50,570.
public struct FeedForwardSpec: Sendable, Hashable {
    /// How the sequence becomes the first dense layer's input.
    public enum Reader: Sendable, Hashable {
        /// The last `W` steps flattened, oldest first, zero-padded in front.
        case window(Int)
        /// The mean of x_t over every step.
        case averagePooling
    }

    /// Size of x_t: the raw input, or the embedding dimension when `vocabularySize` is set.
    public var inputSize: Int
    public var vocabularySize: Int?
    public var reader: Reader
    /// One entry per hidden dense layer; empty for a linear (or softmax) model of u.
    public var hiddenSizes: [Int]
    public var activation: Activation
    public var outputSize: Int

    public init(
        inputSize: Int, reader: Reader, hiddenSizes: [Int], outputSize: Int,
        activation: Activation = .tanh, vocabularySize: Int? = nil
    ) {
        self.inputSize = inputSize
        self.reader = reader
        self.hiddenSizes = hiddenSizes
        self.outputSize = outputSize
        self.activation = activation
        self.vocabularySize = vocabularySize
    }

    /// Width of u, the first dense layer's input.
    public var readWidth: Int {
        switch reader {
        case .window(let w): return w * inputSize
        case .averagePooling: return inputSize
        }
    }

    /// Whether it can make an output at every step (a window can; a pooled average cannot).
    public func reads(_ loss: LossKind) -> Bool {
        if case .averagePooling = reader { return !loss.coversAllSteps }
        return true
    }
}

/// A feed-forward model's structure bound to its parameter layout; the numbers are passed in as
/// one flat vector, as for `Network`.
public struct FeedForward: Sendable {
    public let spec: FeedForwardSpec
    public let layout: ParameterLayout
    let embedding: Int?
    /// Offsets of W_l and b_l for l = 1 … L, then the output's W_y and b_y.
    let dense: [(w: Int, b: Int, rows: Int, cols: Int)]

    public init(_ spec: FeedForwardSpec) {
        self.spec = spec
        var layout = ParameterLayout()
        embedding = spec.vocabularySize.map { layout.addMatrix("E", rows: $0, cols: spec.inputSize) }
        var dense: [(w: Int, b: Int, rows: Int, cols: Int)] = []
        var below = spec.readWidth
        for (l, h) in spec.hiddenSizes.enumerated() {
            let w = layout.addMatrix("W_\(l + 1)", rows: h, cols: below)
            dense.append((w, layout.addVector("b_\(l + 1)", count: h), h, below))
            below = h
        }
        let w = layout.addMatrix("W_y", rows: spec.outputSize, cols: below)
        dense.append((w, layout.addVector("b_y", count: spec.outputSize), spec.outputSize, below))
        self.dense = dense
        self.layout = layout
    }

    public var parameterCount: Int { layout.count }

    /// Keras's defaults on the portable generator: Dense kernels Glorot-uniform,
    /// U(−l, l) with l = √(6 / (fan_in + fan_out)); biases zero; embedding U(−0.05, 0.05).
    public func initialParameters(seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var p = [Double](repeating: 0, count: layout.count)
        if let embedding, let vocab = spec.vocabularySize {
            for k in 0..<(vocab * spec.inputSize) { p[embedding + k] = rng.uniform(-0.05, 0.05) }
        }
        for layer in dense {
            let limit = (6.0 / Double(layer.rows + layer.cols)).squareRoot()
            for k in 0..<(layer.rows * layer.cols) { p[layer.w + k] = rng.uniform(-limit, limit) }
        }
        return p
    }
}

extension FeedForward: SequenceModel {
    public var inputSize: Int { spec.inputSize }
    public var vocabularySize: Int? { spec.vocabularySize }
    public var outputSize: Int { spec.outputSize }

    public func scoredOutputs(parameters: [Double], sample: Sample) -> (y: [Double], loss: Double) {
        let record = forward(parameters: parameters, sample: sample)
        return (record.y, record.loss)
    }

    public func train(
        parameters initial: [Double], samples: [Sample], config: TrainingConfig,
        progress: ((EpochSummary) -> Void)? = nil
    ) -> TrainingResult {
        precondition(initial.count == layout.count, "parameter vector has the wrong size")
        return trainMiniBatches(
            parameters: initial, count: samples.count, config: config, progress: progress
        ) { members, w, total in
            var loss = 0.0
            var record = FeedForwardRecord()
            for index in members {
                forward(weights: w, sample: samples[index], into: &record)
                loss += record.loss
                backward(weights: w, record: &record, sample: samples[index], grads: total.baseAddress!)
            }
            return loss
        }
    }
}
