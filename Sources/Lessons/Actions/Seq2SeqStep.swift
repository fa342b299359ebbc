import Foundation
import RNNCore
import Reports

/// `step:` of an encoder–decoder: one pair forward and backward, every gate and state of both
/// halves recorded (`Seq2SeqTrace`), for `show: unrolled`, `gradient_norms` and `jacobian_norms`.
///
/// | option | meaning |
/// | --- | --- |
/// | `model`, `data` | which (defaults: the last model, the data it reads) |
/// | `on`, `index` | the pair: `index` (default 0) of the `train` (default) or `test` part |
/// | `source` | a digit string instead (its target from the data's task) |
///
/// Records, for the encoder's first layer (its forward reader), `M.step.loss`, `M.step.S` (source
/// length), `M.step.dh_norm` (‖dL/dh_s‖ for s = 0 … S), `M.step.dc_norm` (LSTM) and
/// `M.step.jacobian` (‖∂h_S/∂h_s‖, for an LSTM ‖∂(h,c)_S/∂(h,c)_s‖, s = 0 … S).
extension Actions {
    static func stepSeq2Seq(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "on", "index", "source"])
        let (model, data) = try seq2seqOperands(o, state: state)
        let pair: Seq2SeqPair
        if let s = o["source"] {
            for key in ["on", "index"] where o[key] != nil { throw o[key]!.error("give source or \(key), not both") }
            let text = try s.string()
            let symbols = text.contains(" ") ? text.split(separator: " ").map(String.init) : text.map { String($0) }
            var digits: [Int] = []
            for (k, symbol) in symbols.enumerated() {
                guard symbol.count == 1, let d = Int(symbol) else { throw s.error(atCharacter: k + 1, "\"\(symbol)\" is not a digit 0–9") }
                digits.append(d)
            }
            guard (1...200).contains(digits.count) else { throw s.error("needs 1 to 200 digits, not \(digits.count)") }
            pair = data.pair(digits)
        } else {
            let on = try o["on"]?.choice(["train", "test"]) ?? "train"
            let part = on == "test" ? data.test : data.pairs
            guard !part.isEmpty else { throw (o["on"] ?? o.field).error("data \(data.name) has no held-out part") }
            pair = part[try o["index"]?.int(min: 0, max: part.count - 1) ?? 0]
        }
        try state.checkMemory(seq2seqMemory(model.model, [pair]), "recording \(model.name)", at: o.field)
        let trace = Seq2SeqTrace(model: Seq2SeqModel(seq2seq: model.model, parameters: model.parameters), pair: pair)
        state.seq2seqSteps[model.name] = trace
        let r = trace.record.encoder.layers[0][0]
        let prefix = model.name + ".step"
        let values = state.values
        values.set(prefix + ".loss", trace.record.loss)
        values.set(prefix + ".S", r.steps)
        values.set(prefix + ".dh_norm", .list((0...r.steps).map { euclideanNorm(r.dhAt($0)) }))
        if r.spec.hasCellState { values.set(prefix + ".dc_norm", .list((0...r.steps).map { euclideanNorm(r.dcAt($0)) })) }
        values.set(prefix + ".jacobian", .list(trace.encoderJacobianNorms[0][0]))
        let ko = state.language == "ko"
        let text = "\(data.sourceText(pair.source)) → \(data.targetText(pair.target))"
        return [.note(ko
            ? "**\(Escape.markdown(model.name))**: \(Escape.markdown(text)) 한 쌍을 순전파·역전파로 기록했습니다 (손실 \(NumberFormat.short(trace.record.loss)))"
            : "Recorded **\(Escape.markdown(model.name))** forward and backward on \(Escape.markdown(text)) (loss \(NumberFormat.short(trace.record.loss)))")]
    }
}
