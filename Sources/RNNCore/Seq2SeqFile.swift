/// A MODEL.json of either kind: one network, or an encoder–decoder.
public enum TraceModel: Sendable {
    case network(Model)
    case encoderDecoder(Seq2SeqModel)
}

/// The encoder–decoder MODEL.json and its SEQUENCE.json (README: "Trace file extensions"):
/// ```
/// { "cell": "lstm",                        // both halves' cell, unless a half names its own
///   "encoder": { "input_size": 8, "hidden_size": 16, "num_layers": 1, "bidirectional": false },
///   "decoder": { "cell": "gru", "input_size": 8, "hidden_size": 16 },
///   "source_vocab_size": 10, "target_vocab_size": 12, "bos": 0, "eos": 1,
///   "weights": { "encoder.E": …, "encoder.W_xf": …, "decoder.E": …, "decoder.W_xz": …, "W_hy": …, "b_y": … } }
/// { "source": [3, 1, 4], "target": [6, 3, 5] }     // BOS and EOS implicit
/// ```
extension TraceFiles {
    static let encoderDecoderKeys: Set<String> = [
        "cell", "encoder", "decoder", "source_vocab_size", "target_vocab_size", "bos", "eos", "weights",
    ]
    static let halfKeys: Set<String> = [
        "cell", "input_size", "hidden_size", "num_layers", "bidirectional", "activation", "gru_variant", "peephole",
    ]
    static let pairKeys: Set<String> = ["source", "target"]

    /// Parses a model file of either kind: an encoder–decoder if it has `encoder` or `decoder`.
    public static func anyModel(_ bytes: [UInt8], name: String) throws(InputError) -> TraceModel {
        let root = try parse(bytes, name: name)
        if encoderDecoderKey(root) != nil { return .encoderDecoder(try encoderDecoder(root: root, name: name)) }
        return .network(try model(root: root, name: name))
    }

    /// Parses an encoder–decoder model file.
    public static func encoderDecoder(_ bytes: [UInt8], name: String) throws(InputError) -> Seq2SeqModel {
        try encoderDecoder(root: try parse(bytes, name: name), name: name)
    }

    /// `encoder` or `decoder` when the file's top level has that key.
    static func encoderDecoderKey(_ root: JSONNode) -> String? {
        guard case .object(let members) = root.value else { return nil }
        return members.first { $0.key == "encoder" || $0.key == "decoder" }?.key
    }

    static func encoderDecoder(root: JSONNode, name: String) throws(InputError) -> Seq2SeqModel {
        let obj = try FieldReader(file: name, node: root, path: nil).object(allowed: encoderDecoderKeys)
        let defaultCell = try obj.optional("cell").map { (node) throws(InputError) in try cellKind(node) }
        let encoderNode = try obj.required("encoder").object(allowed: halfKeys)
        let decoderNode = try obj.required("decoder").object(allowed: halfKeys)
        let encoder = try half(encoderNode, name: "encoder", defaultCell: defaultCell)
        let decoder = try half(decoderNode, name: "decoder", defaultCell: defaultCell)
        let sourceVocab = try obj.required("source_vocab_size").positiveInteger(atMost: maxVocabulary)
        let targetVocab = try obj.required("target_vocab_size").positiveInteger(atMost: maxVocabulary)
        func id(_ key: String, _ fallback: Int) throws(InputError) -> Int {
            try obj.optional(key)?.integer(below: targetVocab, what: "token id", limitName: "target_vocab_size") ?? fallback
        }
        let spec = Seq2SeqSpec(
            encoder: encoder, decoder: decoder, sourceVocabularySize: sourceVocab,
            targetVocabularySize: targetVocab, bos: try id("bos", 0), eos: try id("eos", 1))
        let seq2seq: Seq2Seq
        do {
            seq2seq = try Seq2Seq(spec)
        } catch {
            // The field is encoder.x, decoder.x or a top-level key: point at its line.
            let parts = error.field.split(separator: ".").map(String.init)
            let node = parts.count == 2
                ? (parts[0] == "encoder" ? encoderNode : decoderNode).optional(parts[1])
                : obj.optional(error.field)
            throw InputError(file: name, line: node?.node.line ?? root.line, field: error.field, message: error.message)
        }
        let parameters = try readWeights(
            obj.required("weights"), layout: seq2seq.layout, model: describe(spec)
        ) { sizeLabels($0, spec: spec) }
        return Seq2SeqModel(seq2seq: seq2seq, parameters: parameters)
    }

    /// One half's object; its cell is its own `cell` or the top-level one.
    private static func half(_ obj: ObjectReader, name: String, defaultCell: CellKind?) throws(InputError) -> Seq2SeqSide {
        let own = try obj.optional("cell").map { (node) throws(InputError) in try cellKind(node) }
        guard let cell = own ?? defaultCell else {
            throw obj.error("cell", line: obj.reader.node.line, "is missing (give it here, or once at the top level for both halves)")
        }
        let embedding = try obj.required("input_size").positiveInteger(atMost: maxSize)
        let hidden = try obj.required("hidden_size").positiveInteger(atMost: maxSize)
        let layers = try obj.optional("num_layers")?.positiveInteger(atMost: maxLayers) ?? 1
        let bidirectional = try obj.optional("bidirectional")?.bool() ?? false
        let (activation, variant, peephole) = try cellOptions(obj, cell: cell)
        return Seq2SeqSide(
            cell: cell, embeddingSize: embedding, hiddenSize: hidden, layers: layers,
            bidirectional: bidirectional, activation: activation, gruVariant: variant, peephole: peephole)
    }

    /// Parses a source/target SEQUENCE.json for an encoder–decoder: token ids, BOS and EOS
    /// implicit (the target holds neither).
    public static func pair(_ bytes: [UInt8], name: String, model: Seq2SeqModel) throws(InputError) -> Seq2SeqPair {
        let spec = model.seq2seq.spec
        let root = try parse(bytes, name: name)
        let obj = try FieldReader(file: name, node: root, path: nil).object(allowed: pairKeys)
        let sourceNode = try obj.required("source"), targetNode = try obj.required("target")
        let source = try sourceNode.integers(below: spec.sourceVocabularySize, what: "token id", limitName: "source_vocab_size")
        let target = try targetNode.integers(below: spec.targetVocabularySize, what: "token id", limitName: "target_vocab_size")
        let pair = Seq2SeqPair(source: source, target: target)
        if let problem = spec.problem(with: pair) {
            let node = problem.field.hasPrefix("source") ? sourceNode : targetNode
            throw InputError(file: name, line: node.node.line, field: problem.field, message: problem.message)
        }
        return pair
    }

    private static func describe(_ spec: Seq2SeqSpec) -> String {
        func side(_ s: Seq2SeqSide) -> String {
            describe(NetworkSpec(cell: s.cell, inputSize: 1, hiddenSizes: [1], outputSize: 1, gruVariant: s.gruVariant, peephole: s.peephole))
        }
        return "encoder \(side(spec.encoder)) → decoder \(side(spec.decoder))"
    }

    /// Which sizes fix a weight's rows and columns, for error messages.
    private static func sizeLabels(_ slot: TensorSlot, spec: Seq2SeqSpec) -> (rows: String, cols: String) {
        switch slot.name {
        case "W_hy": return ("target_vocab_size", "decoder.hidden_size")
        case "b_y": return ("target_vocab_size", "")
        case "encoder.E": return ("source_vocab_size", "encoder.input_size")
        case "decoder.E": return ("target_vocab_size", "decoder.input_size")
        default:
            let parts = slot.name.split(separator: ".")
            let halfName = String(parts[0]), base = String(parts.last ?? "")
            let side = halfName == "encoder" ? spec.encoder : spec.decoder
            let firstLayer = side.layers == 1 || parts.contains("layer1")
            let hidden = "\(halfName).hidden_size"
            let below = firstLayer ? "\(halfName).input_size" : (side.bidirectional ? "2 × \(hidden)" : hidden)
            return (hidden, base.hasPrefix("W_x") ? below : hidden)
        }
    }
}
