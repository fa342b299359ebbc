/// The architecture of a model: an optional embedding, one or more recurrent layers (each one
/// direction or two), and a linear readout y_t = W_hy h_t + b_y on the top layer.
public struct NetworkSpec: Sendable, Hashable {
    public var cell: CellKind
    public var activation: Activation
    public var gruVariant: GRUVariant
    public var peephole: Bool
    /// Size of x_t: the raw input, or the embedding dimension when `vocabularySize` is set.
    public var inputSize: Int
    /// One entry per stacked layer (the course's a^[l]<t>, l = 1 … L).
    public var hiddenSizes: [Int]
    /// Each layer runs a forward and a backward cell and concatenates [h→_t, h←_t].
    public var bidirectional: Bool
    /// With an embedding, inputs are token ids 0 ..< vocabularySize, looked up in E (V × inputSize).
    public var vocabularySize: Int?
    /// Size of y_t. 0 means no readout at all (no W_hy, b_y, loss): an encoder, whose states
    /// something else reads (see `Seq2Seq`).
    public var outputSize: Int

    public init(
        cell: CellKind, inputSize: Int, hiddenSizes: [Int], outputSize: Int,
        activation: Activation = .tanh, gruVariant: GRUVariant = .lecture,
        peephole: Bool = false, bidirectional: Bool = false, vocabularySize: Int? = nil
    ) {
        self.cell = cell
        self.activation = activation
        self.gruVariant = gruVariant
        self.peephole = peephole
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.bidirectional = bidirectional
        self.vocabularySize = vocabularySize
        self.outputSize = outputSize
    }

    /// A single unidirectional layer with raw inputs: exactly the model of the trace contract.
    public var isContractModel: Bool {
        hiddenSizes.count == 1 && !bidirectional && vocabularySize == nil
    }
}

/// A model's structure bound to its parameter layout. Holds no numbers: parameters are passed
/// in as one flat vector, so training, clipping and gradient checks see a single vector.
public struct Network: Sendable {
    public let spec: NetworkSpec
    public let layout: ParameterLayout
    /// layers[l][0] runs forward in time; layers[l][1] (bidirectional only) runs backward.
    let layers: [[any RecurrentCell]]
    let embedding: Int?
    let readoutW: Int, readoutB: Int

    public init(_ spec: NetworkSpec) {
        self.spec = spec
        var layout = ParameterLayout()
        embedding = spec.vocabularySize.map {
            layout.addMatrix("E", rows: $0, cols: spec.inputSize)
        }
        var layers: [[any RecurrentCell]] = []
        var below = spec.inputSize
        for (l, hidden) in spec.hiddenSizes.enumerated() {
            let cellSpec = CellSpec(
                kind: spec.cell, inputSize: below, hiddenSize: hidden,
                activation: spec.activation, gruVariant: spec.gruVariant, peephole: spec.peephole)
            let layerPrefix = spec.hiddenSizes.count > 1 ? "layer\(l + 1)." : ""
            let directions = spec.bidirectional ? ["forward.", "backward."] : [""]
            layers.append(directions.map {
                Network.makeCell(cellSpec, prefix: layerPrefix + $0, layout: &layout)
            })
            below = spec.bidirectional ? 2 * hidden : hidden
        }
        self.layers = layers
        if spec.outputSize > 0 {
            readoutW = layout.addMatrix("W_hy", rows: spec.outputSize, cols: below)
            readoutB = layout.addVector("b_y", count: spec.outputSize)
        } else {
            readoutW = layout.count  // empty: nothing is read or written there
            readoutB = layout.count
        }
        self.layout = layout
    }

    private static func makeCell(
        _ spec: CellSpec, prefix: String, layout: inout ParameterLayout
    ) -> any RecurrentCell {
        switch spec.kind {
        case .rnn: return VanillaCell(spec: spec, prefix: prefix, layout: &layout)
        case .lstm: return LSTMCell(spec: spec, prefix: prefix, layout: &layout)
        case .gru where spec.gruVariant == .simplified:
            return SimplifiedGRUCell(spec: spec, prefix: prefix, layout: &layout)
        case .gru: return GRUCell(spec: spec, prefix: prefix, layout: &layout)
        }
    }

    /// Width of the top layer's output, which the readout reads.
    public var topWidth: Int {
        (spec.bidirectional ? 2 : 1) * (spec.hiddenSizes.last ?? 0)
    }

    public var parameterCount: Int { layout.count }

    /// Whether the network ends in a readout and a loss (false for an encoder).
    public var hasReadout: Bool { spec.outputSize > 0 }
}

/// One sequence and what the loss compares it with.
public struct Sample: Sendable {
    public enum Input: Sendable {
        /// Flat (T, X) real inputs.
        case vectors([Double], steps: Int)
        /// Token ids for a model with an embedding.
        case tokens([Int])
    }

    public var input: Input
    /// Initial states of the first layer's forward cell (zeros when nil).
    public var h0: [Double]?
    public var c0: [Double]?
    /// Initial states of the forward cells of layers 2, 3, …: entry k is layer k + 2's (zeros
    /// when nil). With `h0` and `c0` they let a stacked model go on from where an earlier run
    /// stopped, as sampling one symbol at a time does.
    public var upperH0: [[Double]]?
    public var upperC0: [[Double]]?
    public var loss: LossKind
    public var targets: Targets

    public init(
        input: Input, loss: LossKind, targets: Targets, h0: [Double]? = nil, c0: [Double]? = nil
    ) {
        self.input = input
        self.loss = loss
        self.targets = targets
        self.h0 = h0
        self.c0 = c0
    }

    public var steps: Int {
        switch input {
        case .vectors(_, let steps): return steps
        case .tokens(let ids): return ids.count
        }
    }
}

/// Everything one forward (and backward) pass of a network recorded.
public struct NetworkRecord: Sendable {
    public internal(set) var steps: Int
    /// (T, X) the first layer's inputs (embedded vectors for token input).
    public var input: [Double]
    /// records[l][d]: layer l, direction d (1 = the backward-in-time cell, whose own step s is
    /// the sequence's step T + 1 − s).
    public var layers: [[CellRecord]]
    /// (T, width) each layer's output, in sequence order.
    public var outputs: [[Double]]
    /// (T, Y) readout outputs.
    public var y: [Double]
    public var loss: Double
    /// (T, Y) dL/dy_t (empty until backward).
    public var dy: [Double]
}
