/// A model as MODEL.json describes it: architecture and weights.
public struct Model: Sendable {
    public var network: Network
    public var parameters: [Double]

    public init(network: Network, parameters: [Double]) {
        self.network = network
        self.parameters = parameters
    }
}

/// Reads MODEL.json and SEQUENCE.json as `shared/spec/trace-format.md` defines them, plus the
/// project's documented extensions (README: "Trace file extensions"), rejecting everything else.
public enum TraceFiles {
    /// Keys of MODEL.json: the contract's, then rnnlab's extensions.
    static let modelKeys: Set<String> = [
        "cell", "input_size", "hidden_size", "output_size", "activation", "gru_variant", "peephole",
        "weights", "num_layers", "bidirectional", "vocab_size",
    ]
    static let sequenceKeys: Set<String> = ["x", "tokens", "h0", "c0", "loss", "targets", "truncation"]
    /// The largest input_size, hidden_size and output_size; num_layers and vocab_size as a
    /// lesson's `layers` and `embedding.vocab` allow at most 16 and 1,000,000.
    static let maxSize = 100_000, maxLayers = 1_000, maxVocabulary = 1_000_000

    /// Parses a model file's bytes. `name` is how errors refer to the file.
    public static func model(_ bytes: [UInt8], name: String) throws(InputError) -> Model {
        try model(root: try parse(bytes, name: name), name: name)
    }

    static func model(root: JSONNode, name: String) throws(InputError) -> Model {
        let top = FieldReader(file: name, node: root, path: nil)
        if let half = encoderDecoderKey(root) {
            throw InputError(file: name, line: root.line, field: half, message: "makes this an encoder–decoder model, which `rnnlab trace` reads; this reads single networks only")
        }
        let obj = try top.object(allowed: modelKeys)
        let cell = try cellKind(obj.required("cell"))
        // Limits before anything is sized by them (num_layers Int.max must not allocate); the
        // weights' shapes are checked before the parameters are allocated, below.
        let inputSize = try obj.required("input_size").positiveInteger(atMost: maxSize)
        let hiddenSize = try obj.required("hidden_size").positiveInteger(atMost: maxSize)
        let outputSize = try obj.required("output_size").positiveInteger(atMost: maxSize)
        let layers = try obj.optional("num_layers")?.positiveInteger(atMost: maxLayers) ?? 1
        let bidirectional = try obj.optional("bidirectional")?.bool() ?? false
        let vocab = try obj.optional("vocab_size")?.positiveInteger(atMost: maxVocabulary)

        let (activation, variant, peephole) = try cellOptions(obj, cell: cell)
        let spec = NetworkSpec(
            cell: cell, inputSize: inputSize, hiddenSizes: Array(repeating: hiddenSize, count: layers),
            outputSize: outputSize, activation: activation, gruVariant: variant, peephole: peephole,
            bidirectional: bidirectional, vocabularySize: vocab)
        let network = Network(spec)
        let parameters = try readWeights(
            obj.required("weights"), layout: network.layout, model: describe(spec)
        ) { sizeLabels($0, spec: spec) }
        return Model(network: network, parameters: parameters)
    }

    /// The cell kind a `cell` field names.
    static func cellKind(_ node: FieldReader) throws(InputError) -> CellKind {
        let text = try node.string()
        guard let cell = CellKind(rawValue: text.value) else {
            throw node.error("is \"\(InputError.excerpt(text.value))\"; expected one of rnn, lstm, gru")
        }
        return cell
    }

    /// `activation` (rnn), `gru_variant` (gru) and `peephole` (lstm) of an object describing a
    /// cell: each an error for a cell it does not apply to.
    static func cellOptions(_ obj: ObjectReader, cell: CellKind) throws(InputError)
        -> (activation: Activation, gruVariant: GRUVariant, peephole: Bool)
    {
        var activation = Activation.tanh
        if let node = obj.optional("activation") {
            guard cell == .rnn else { throw node.error("applies to cell rnn only, not \(cell.rawValue)") }
            let text = try node.string()
            guard let a = Activation(rawValue: text.value) else {
                throw node.error("is \"\(InputError.excerpt(text.value))\"; expected one of tanh, relu, linear")
            }
            activation = a
        }
        var variant = GRUVariant.lecture
        if let node = obj.optional("gru_variant") {
            guard cell == .gru else { throw node.error("applies to cell gru only, not \(cell.rawValue)") }
            let text = try node.string()
            guard let v = GRUVariant(rawValue: text.value) else {
                throw node.error("is \"\(InputError.excerpt(text.value))\"; expected lecture, reset_after or simplified")
            }
            variant = v
        }
        var peephole = false
        if let node = obj.optional("peephole") {
            guard cell == .lstm else { throw node.error("applies to cell lstm only, not \(cell.rawValue)") }
            peephole = try node.bool()
        }
        return (activation, variant, peephole)
    }

    /// The `weights` object: exactly the layout's names, each of exactly its shape (all checked
    /// before the parameters are allocated), read into one flat vector. `model` describes the
    /// model in the message for a weight it does not have; `labels` names the sizes that fix a
    /// weight's rows and columns.
    static func readWeights(
        _ node: FieldReader, layout: ParameterLayout, model: String,
        labels: (TensorSlot) -> (rows: String, cols: String)
    ) throws(InputError) -> [Double] {
        let weights = try node.object(allowed: nil)
        let expected = Set(layout.slots.map(\.name))
        for (key, node) in weights.members where !expected.contains(key) {
            throw node.error("is not a weight of this model (\(model) has \(layout.slots.map(\.name).joined(separator: ", ")))")
        }
        var given: [(TensorSlot, FieldReader)] = []
        for slot in layout.slots {
            guard let node = weights.optional(slot.name) else {
                throw weights.error(slot.name, line: nil, "is missing")
            }
            try node.checkTensor(slot, labels: labels(slot))
            given.append((slot, node))
        }
        // Every weight has its shape, so the file holds all these numbers: allocating is safe.
        var parameters = [Double](repeating: 0, count: layout.count)
        for (slot, node) in given {
            try node.readTensor(slot, into: &parameters)
        }
        return parameters
    }

    /// Parses a sequence file for the given model.
    public static func sample(_ bytes: [UInt8], name: String, model: Model) throws(InputError)
        -> (sample: Sample, truncation: Int?)
    {
        let spec = model.network.spec
        let root = try parse(bytes, name: name)
        let obj = try FieldReader(file: name, node: root, path: nil).object(allowed: sequenceKeys)
        let input: Sample.Input
        if let vocab = spec.vocabularySize {
            if let x = obj.optional("x") { throw x.error("is not used by a model with an embedding (vocab_size); give token ids in \"tokens\"") }
            let tokens = try obj.required("tokens").integers(below: vocab, what: "token id", limitName: "vocab_size")
            guard !tokens.isEmpty else { throw obj.error("tokens", line: nil, "is empty: a sequence needs at least one step") }
            input = .tokens(tokens)
        } else {
            if let t = obj.optional("tokens") { throw t.error("needs a model with an embedding (vocab_size)") }
            let x = try obj.required("x")
            let (values, rows) = try x.matrix(cols: spec.inputSize, colsLabel: "input_size")
            guard rows > 0 else { throw x.error("is empty: a sequence needs at least one step") }
            input = .vectors(values, steps: rows)
        }
        let T: Int
        switch input {
        case .vectors(_, let steps): T = steps
        case .tokens(let ids): T = ids.count
        }
        let H = spec.hiddenSizes[0]
        let h0 = try obj.optional("h0")?.vector(count: H, label: "hidden_size")
        var c0: [Double]? = nil
        if let node = obj.optional("c0") {
            guard spec.cell == .lstm else { throw node.error("is allowed for cell lstm only, not \(spec.cell.rawValue)") }
            c0 = try node.vector(count: H, label: "hidden_size")
        }
        let lossNode = try obj.required("loss")
        let lossText = try lossNode.string()
        guard let loss = LossKind(rawValue: lossText.value) else {
            throw lossNode.error("is \"\(InputError.excerpt(lossText.value))\"; expected one of mse_last, mse_all, xent_last, xent_all")
        }
        let targetsNode = try obj.required("targets")
        let Y = spec.outputSize
        let targets: Targets
        switch loss {
        case .mseLast:
            targets = .vectors(try targetsNode.vector(count: Y, label: "output_size"))
        case .mseAll:
            let (values, rows) = try targetsNode.matrix(cols: Y, colsLabel: "output_size")
            guard rows == T else { throw targetsNode.error("has \(rows) rows, the sequence has \(T) steps (mse_all needs one target vector per step)") }
            targets = .vectors(values)
        case .xentLast:
            targets = .classes([try targetsNode.integer(below: Y, what: "class index", limitName: "output_size")])
        case .xentAll:
            let classes = try targetsNode.integers(below: Y, what: "class index", limitName: "output_size")
            guard classes.count == T else { throw targetsNode.error("has \(classes.count) class indices, the sequence has \(T) steps (xent_all needs one per step)") }
            targets = .classes(classes)
        }
        let truncation = try obj.optional("truncation")?.positiveInteger()
        return (Sample(input: input, loss: loss, targets: targets, h0: h0, c0: c0), truncation)
    }

    static func parse(_ bytes: [UInt8], name: String) throws(InputError) -> JSONNode {
        do {
            return try JSONReader.parse(bytes)
        } catch {
            throw InputError(file: name, line: error.line, message: "malformed JSON: \(error.message)")
        }
    }

    static func describe(_ spec: NetworkSpec) -> String {
        var s = spec.cell.rawValue
        if spec.cell == .gru { s += " (\(spec.gruVariant.rawValue))" }
        if spec.peephole { s += " with peepholes" }
        return s
    }

    /// Which size fixes a weight's rows and columns, for error messages.
    private static func sizeLabels(_ slot: TensorSlot, spec: NetworkSpec) -> (rows: String, cols: String) {
        let base = slot.name.split(separator: ".").last.map(String.init) ?? slot.name
        switch base {
        case "W_hy": return ("output_size", spec.bidirectional ? "2 × hidden_size" : "hidden_size")
        case "b_y": return ("output_size", "")
        case "E": return ("vocab_size", "input_size")
        default:
            let firstLayer = spec.hiddenSizes.count == 1 || slot.name.hasPrefix("layer1.")
            let below = firstLayer ? "input_size" : (spec.bidirectional ? "2 × hidden_size" : "hidden_size")
            return ("hidden_size", base.hasPrefix("W_x") ? below : "hidden_size")
        }
    }
}
