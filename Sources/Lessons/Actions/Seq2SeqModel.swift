import Foundation
import RNNCore
import Reports

/// An encoder–decoder defined in a lesson, with its parameters and training history.
struct LessonSeq2Seq {
    var name: String
    var model: Seq2Seq
    var parameters: [Double]
    var history: [EpochSummary] = []
    var outcome: TrainingOutcome?
    /// The digit-string data it reads (its vocabularies come from there).
    var dataName: String
}

/// `model: {kind: encoder_decoder, …}`: an encoder whose last state starts a decoder.
///
/// | option | meaning |
/// | --- | --- |
/// | `kind` | `encoder_decoder` |
/// | `cell`, `hidden_size`, `embedding_size`, `activation`, `gru_variant`, `peephole` | both halves' (each may be overridden in `encoder:` or `decoder:`) |
/// | `layers` | layers of each half (the same for both: decoder layer l starts from encoder layer l) |
/// | `encoder`, `decoder` | `{cell, hidden_size, embedding_size, activation, gru_variant, peephole}`; the encoder also `bidirectional` |
/// | `vocab_from` | the digit-string data whose vocabularies it reads (default: the last defined) |
/// | `name`, `seed` | as for every model |
///
/// The decoder's `hidden_size` defaults to the width the encoder hands over (twice the encoder's
/// when it is bidirectional).
extension Actions {
    static let seq2seqSideOptions = ["cell", "hidden_size", "embedding_size", "activation", "gru_variant", "peephole"]

    /// Whether a `model:` cell defines an encoder–decoder (`kind: encoder_decoder`).
    static func isSeq2SeqModel(_ field: Field) -> Bool {
        guard case .mapping(let m) = field.node else { return false }
        for (k, _) in m where k.string == "kind" { return true }
        return false
    }

    static func defineSeq2SeqModel(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "kind", "layers", "encoder", "decoder", "vocab_from", "seed"] + seq2seqSideOptions)
        _ = try o.required("kind").choice(["encoder_decoder"])
        let name = try o["name"]?.string() ?? "model"
        let dataName = try o["vocab_from"]?.string() ?? state.lastData
        guard let dataName, let data = state.seq2seqData[dataName] else {
            throw (o["vocab_from"] ?? o.field).error(dataName.map { "no digit-string data named \($0) (define one with data: {task: reverse_digits, …})" }
                ?? "needs digit-string data first (a cell with data: {task: reverse_digits, …} before this one), or vocab_from: DATA")
        }
        let layers = try o["layers"]?.int(min: 1, max: 8) ?? 1
        let encoderOptions = try o["encoder"]?.mapping(allowed: seq2seqSideOptions + ["bidirectional"])
        let decoderOptions = try o["decoder"]?.mapping(allowed: seq2seqSideOptions)
        let encoder = try side(encoderOptions, shared: o, layers: layers, hiddenDefault: nil)
        let decoder = try side(decoderOptions, shared: o, layers: layers, hiddenDefault: encoder.stateWidth)
        let spec = Seq2SeqSpec(encoder: encoder, decoder: decoder, sourceVocabularySize: data.sourceVocabulary.count,
                               targetVocabularySize: data.targetVocabulary.count)
        let model: Seq2Seq
        do {
            model = try Seq2Seq(spec)
        } catch {
            // The core names the field as MODEL.json does; point at the lesson's option.
            let half = error.field.hasPrefix("encoder.") ? encoderOptions : decoderOptions
            let key = error.field.split(separator: ".").last.map(String.init) ?? ""
            let lessonKey = key == "input_size" ? "embedding_size" : key == "num_layers" ? "layers" : key
            let at = half?[lessonKey] ?? o[lessonKey] ?? o.field
            throw at.error(error.message.replacingOccurrences(of: "encoder.num_layers", with: "encoder layers"))
        }
        let bytes = Double(model.parameterCount) * 8 * 6
        try state.checkMemory(bytes, "a model of \(NumberFormat.grouped(model.parameterCount)) weights", at: o.field)
        let parameters = model.initialParameters(seed: try seedOption(o) ?? state.seed(for: "model:" + name))
        state.seq2seqs[name] = LessonSeq2Seq(name: name, model: model, parameters: parameters, dataName: dataName)
        state.models[name] = nil
        state.lastModel = name
        state.values.set(name + ".parameters", model.parameterCount)
        let ko = state.language == "ko"
        let count = NumberFormat.grouped(model.parameterCount)
        func describe(_ s: Seq2SeqSide) -> String {
            (s.bidirectional ? (ko ? "양방향 " : "bidirectional ") : "") + s.cell.rawValue.uppercased()
                + " \(s.hiddenSize)" + (s.layers > 1 ? " × \(s.layers)" : "") + (ko ? ", 임베딩 \(s.embeddingSize)" : ", embedding \(s.embeddingSize)")
        }
        return [.note(ko
            ? "**\(Escape.markdown(name))**: 인코더–디코더 — 인코더 \(describe(encoder)), 디코더 \(describe(decoder)), 출력 어휘 \(data.targetVocabulary.count)개 (BOS, EOS 포함) — 파라미터 \(count)개"
            : "**\(Escape.markdown(name))**: encoder–decoder — encoder \(describe(encoder)), decoder \(describe(decoder)), \(data.targetVocabulary.count) target tokens (BOS and EOS included) — \(count) parameters")]
    }

    /// One half from its own options, falling back to the shared ones.
    private static func side(_ own: Options?, shared: Options, layers: Int, hiddenDefault: Int?) throws(LessonError) -> Seq2SeqSide {
        func option(_ key: String) -> Field? { own?[key] ?? shared[key] }
        let cellField = option("cell")
        guard let cellField else { throw (own ?? shared).error("needs cell (rnn, lstm or gru)") }
        let cell = CellKind(rawValue: try cellField.choice(CellKind.allCases.map(\.rawValue)))!
        func only(_ key: String, for kind: CellKind) throws(LessonError) {
            // A shared option that does not apply to this half's cell is the other half's.
            if let f = own?[key], cell != kind { throw f.error("applies to cell \(kind.rawValue) only") }
        }
        try only("activation", for: .rnn)
        try only("gru_variant", for: .gru)
        try only("peephole", for: .lstm)
        let hidden: Int
        if let h = own?["hidden_size"] ?? (hiddenDefault == nil ? shared["hidden_size"] : nil) {
            hidden = try h.int(min: 1, max: 4096)
        } else if let hiddenDefault {
            hidden = hiddenDefault
        } else {
            throw (own ?? shared).error("needs hidden_size")
        }
        let embedding = try option("embedding_size")?.int(min: 1, max: 4096) ?? 16
        return Seq2SeqSide(
            cell: cell, embeddingSize: embedding, hiddenSize: hidden, layers: layers,
            bidirectional: try own?["bidirectional"]?.bool() ?? false,
            activation: cell == .rnn ? Activation(rawValue: try option("activation")?.choice(Activation.allCases.map(\.rawValue)) ?? "tanh")! : .tanh,
            gruVariant: cell == .gru ? GRUVariant(rawValue: try option("gru_variant")?.choice(GRUVariant.allCases.map(\.rawValue)) ?? "lecture")! : .lecture,
            peephole: cell == .lstm ? try option("peephole")?.bool() ?? false : false)
    }
}
