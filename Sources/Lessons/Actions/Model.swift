import Foundation
import RNNCore
import Reports

/// `model`: define a network (options in lessons/README.md).
extension Actions {
    /// The options that describe a network (also a `compare` variant's).
    static let networkOptions = ["cell", "input_size", "hidden_size", "layers", "output_size", "activation",
                                 "gru_variant", "peephole", "bidirectional", "embedding", "vocab_from", "recurrent_scale"]

    static func defineModel(_ field: Field, state: LessonState, lessonDirectory: URL) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name"] + networkOptions + ["weights", "seed"])
        let name = try o["name"]?.string() ?? "model"
        let (network, parameters) = try makeNetwork(o, state: state, lessonDirectory: lessonDirectory,
                                                    seed: try seedOption(o) ?? state.seed(for: "model:" + name))
        state.models[name] = LessonModel(name: name, network: network, parameters: parameters)
        state.feedForwards[name] = nil
        state.lastModel = name
        state.values.set(name + ".parameters", network.parameterCount)
        let summary = Summary.describe(network)
        let count = NumberFormat.grouped(network.parameterCount)
        return [.note("**\(Escape.markdown(name))**: \(Escape.markdown(summary)) — " + (state.language == "ko" ? "파라미터 \(count)개" : "\(count) parameters"))]
    }

    /// A network and its starting parameters from model options (`weights` or a description).
    static func makeNetwork(_ o: Options, state: LessonState, lessonDirectory: URL,
                            seed: UInt64) throws(LessonError) -> (Network, [Double]) {
        let network: Network
        var parameters: [Double]
        if let weightsField = o["weights"] {
            // Explicit weights: a MODEL.json file as rnnlab trace reads it, beside the lesson.
            let (path, data) = try weightsField.lessonFileBytes(in: lessonDirectory, allowed: state.allowRead)
            do {
                let model = try TraceFiles.model(data, name: path)
                network = model.network
                parameters = model.parameters
            } catch {
                throw weightsField.error(error.description)
            }
        } else {
            for key in ["window", "pooling"] { if let f = o[key] { throw f.error("applies to kind: feedforward only (a recurrent network reads every step)") } }
            let cell = CellKind(rawValue: try o.required("cell").choice(CellKind.allCases.map(\.rawValue)))!
            let (inputSize, vocabulary, outputSize) = try modelSizes(o, state: state)
            var hidden: [Int]
            let hf = try o.required("hidden_size")
            if case .sequence = hf.node {
                hidden = []
                for h in try hf.list() { hidden.append(try h.int(min: 1, max: 4096)) }
                guard !hidden.isEmpty else { throw hf.error("needs at least one layer") }
            } else {
                let h = try hf.int(min: 1, max: 4096)
                hidden = Array(repeating: h, count: try o["layers"]?.int(min: 1, max: 16) ?? 1)
            }
            func only(_ key: String, for kind: CellKind) throws(LessonError) {
                if let f = o[key], cell != kind { throw f.error("applies to cell \(kind.rawValue) only") }
            }
            try only("activation", for: .rnn)
            try only("gru_variant", for: .gru)
            try only("peephole", for: .lstm)
            let spec = NetworkSpec(
                cell: cell, inputSize: inputSize, hiddenSizes: hidden, outputSize: outputSize,
                activation: Activation(rawValue: try o["activation"]?.choice(Activation.allCases.map(\.rawValue)) ?? "tanh")!,
                gruVariant: GRUVariant(rawValue: try o["gru_variant"]?.choice(GRUVariant.allCases.map(\.rawValue)) ?? "lecture")!,
                peephole: try o["peephole"]?.bool() ?? false, bidirectional: try o["bidirectional"]?.bool() ?? false,
                vocabularySize: vocabulary)
            network = Network(spec)
            try state.checkMemory(Budget.modelBytes(network), "a model of \(NumberFormat.grouped(network.parameterCount)) weights", at: o.field)
            parameters = network.initialParameters(seed: seed)
        }
        if let scaleField = o["recurrent_scale"] {
            let s = try scaleField.positiveDouble()
            scaleRecurrent(network, &parameters, to: s)
        }
        return (network, parameters)
    }

    /// The sizes a model reads and writes, from its options (networks and feed-forward models
    /// alike): `input_size`, or `embedding: {vocab, size}`, or `vocab_from: DATA` (one-hot input
    /// of its symbols, or with `embedding` the size of its vocabulary); `output_size`, by default
    /// the `vocab_from` data's.
    static func modelSizes(_ o: Options, state: LessonState) throws(LessonError) -> (input: Int, vocabulary: Int?, output: Int) {
        var inputSize = try o["input_size"]?.int(min: 1, max: 100_000)
        var vocabulary: Int?
        if let e = o["embedding"] {
            let eo = try e.mapping(allowed: ["vocab", "size"])
            vocabulary = try eo["vocab"]?.int(min: 1, max: 1_000_000)
            inputSize = try eo.required("size").int(min: 1, max: 100_000)
        }
        var outputSize = try o["output_size"]?.int(min: 1, max: 1_000_000)
        if let from = o["vocab_from"] {
            let d = try state.dataset(from, options: o)
            guard !d.vocabulary.isEmpty else { throw from.error("data \(d.name) has no vocabulary (use task text or copy)") }
            if o["embedding"] != nil { vocabulary = d.inputSize } else { inputSize = d.inputSize }
            if outputSize == nil { outputSize = d.outputSize }
        }
        guard let inputSize else { throw o.error("needs input_size (or embedding: {vocab: V, size: D}, or vocab_from: DATA for text)") }
        if let e = o["embedding"], vocabulary == nil { throw e.error("needs vocab: V (or vocab_from: DATA beside it)") }
        guard let outputSize else { throw o.error("needs output_size") }
        return (inputSize, vocabulary, outputSize)
    }

    /// Rescales every recurrent matrix W_h* so that its largest singular value is `s`.
    static func scaleRecurrent(_ network: Network, _ p: inout [Double], to s: Double) {
        for slot in network.layout.slots {
            let base = slot.name.split(separator: ".").last.map(String.init) ?? slot.name
            guard base.hasPrefix("W_h"), base != "W_hy", !slot.isVector else { continue }
            let values = Array(p[slot.range])
            let sigma = spectralNorm(values, rows: slot.rows, cols: slot.cols)
            guard sigma > 0 && sigma.isFinite else { continue }
            for k in slot.range { p[k] *= s / sigma }
        }
    }
}
