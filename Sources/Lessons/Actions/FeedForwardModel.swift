import Foundation
import RNNCore
import Reports

/// `model: {kind: feedforward, …}`: a feed-forward network over a sequence (`FeedForward` in the
/// core): the window baseline a recurrent network is measured against, and the notes' Embedding
/// example.
///
/// | option | meaning |
/// | --- | --- |
/// | `kind` | `feedforward` |
/// | `window` | read the last W steps, flattened oldest first (a shorter sequence is zero-padded in front; a longer one's earlier steps are not read); with a loss over every step the window slides, y_t reading the W steps ending at t |
/// | `pooling` | `average`: read the mean of x_t over every step (Keras `GlobalAveragePooling1D`; one output per sequence) |
/// | `input_size`, `embedding`, `vocab_from`, `output_size` | as for a network |
/// | `hidden_size` | units of the hidden dense layer; a list such as `[32, 16]` stacks several, `[]` none |
/// | `layers` | this many hidden layers of `hidden_size` |
/// | `activation` | of the hidden layers: `tanh` (default), `relu`, `linear` |
/// | `name`, `seed` | as for every model |
///
/// Exactly one of `window` and `pooling`.
extension Actions {
    static let feedForwardOptions = ["kind", "input_size", "embedding", "vocab_from", "window", "pooling", "hidden_size", "layers",
                                     "activation", "output_size"]

    /// Whether a `model:` cell defines a feed-forward model: a `kind` other than the
    /// encoder–decoder's (a misspelt kind is reported here, with both kinds named).
    static func isFeedForwardModel(_ field: Field) -> Bool {
        guard case .mapping(let m) = field.node else { return false }
        for (k, v) in m where k.string == "kind" { return v.string != "encoder_decoder" }
        return false
    }

    static func defineFeedForward(_ field: Field, state: LessonState, lessonDirectory: URL) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "seed"] + feedForwardOptions)
        let name = try o["name"]?.string() ?? "model"
        let (model, parameters) = try makeFeedForward(o, state: state, seed: try seedOption(o) ?? state.seed(for: "model:" + name))
        state.feedForwards[name] = LessonModel(name: name, network: model, parameters: parameters)
        state.models[name] = nil
        state.seq2seqs[name] = nil
        state.lastModel = name
        state.values.set(name + ".parameters", model.parameterCount)
        let count = NumberFormat.grouped(model.parameterCount)
        return [.note("**\(Escape.markdown(name))**: \(Escape.markdown(FeedForwardSummary.describe(model))) — "
                      + (state.language == "ko" ? "파라미터 \(count)개" : "\(count) parameters"))]
    }

    /// A feed-forward model and its starting parameters from model options. Options that only a
    /// recurrent network has (a `compare` shares its `model:` options with every variant) are
    /// refused at their line.
    static func makeFeedForward(_ o: Options, state: LessonState, seed: UInt64) throws(LessonError) -> (FeedForward, [Double]) {
        _ = try o.required("kind").choice(["feedforward", "encoder_decoder"])
        for (key, f) in o.entries where networkOptions.contains(key) && !feedForwardOptions.contains(key) {
            throw f.error("applies to recurrent networks, not to kind: feedforward")
        }
        let (inputSize, vocabulary, outputSize) = try modelSizes(o, state: state)
        let reader: FeedForwardSpec.Reader
        switch (o["window"], o["pooling"]) {
        case (let w?, nil): reader = .window(try w.int(min: 1, max: 100_000))
        case (nil, let p?): _ = try p.choice(["average"]); reader = .averagePooling
        case (_?, let p?): throw p.error("give window or pooling, not both")
        case (nil, nil): throw o.error("needs window: W (read the last W steps) or pooling: average (the mean of every step)")
        }
        var hidden: [Int] = []
        let hf = try o.required("hidden_size")
        if case .sequence = hf.node {
            if let l = o["layers"] { throw l.error("give layers with a single hidden_size, not a list") }
            for h in try hf.list() { hidden.append(try h.int(min: 1, max: 65_536)) }
        } else {
            let h = try hf.int(min: 1, max: 65_536)
            hidden = Array(repeating: h, count: try o["layers"]?.int(min: 1, max: 16) ?? 1)
        }
        let activation = Activation(rawValue: try o["activation"]?.choice(Activation.allCases.map(\.rawValue)) ?? "tanh")!
        let spec = FeedForwardSpec(inputSize: inputSize, reader: reader, hiddenSizes: hidden, outputSize: outputSize,
                                   activation: activation, vocabularySize: vocabulary)
        // The weights' count before anything is allocated: a window of 100,000 steps of 100,000
        // inputs is 10¹⁰ numbers per hidden unit.
        let weights = Budget.feedForwardWeights(spec)
        try state.checkMemory(weights * 8 * 6, "a feed-forward model of \(NumberFormat.short(weights)) weights", at: o.field)
        let model = FeedForward(spec)
        return (model, model.initialParameters(seed: seed))
    }
}
