import Foundation
import RNNCore
import Reports

/// `sample:` of an encoder–decoder: what the decoder writes for some sources, beside the
/// target, and for one of them the decoder's top-k probabilities at every step.
///
/// | option | meaning |
/// | --- | --- |
/// | `model`, `data` | which (defaults: the last model, the data it reads) |
/// | `sources` | digit strings to translate (`["3 1 4", "2718"]`); else held-out ones |
/// | `on`, `index`, `count` | without `sources`: `count` (default 8, at most 100) strings of the `test` (default) or `train` part from `index` (default 0) |
/// | `temperature` | draw each token from softmax(y/τ) (default: greedy, the most probable token) |
/// | `seed` | the draws' seed (default: derived from the lesson's and the model's name) |
/// | `top`, `detail` | the top `top` (default 3, at most 10) tokens at each decoder step of row `detail` (counted from 0, default 0) |
/// | `max_length` | tokens the decoder may write before it must stop (default: the longest source + 5) |
/// | `name` | the prefix of the values (default `sample`) |
///
/// Records `S.count`, `S.matches`, `S.accuracy`, per row k `S.source[k]`, `S.output[k]`,
/// `S.target[k]` (text), and for the detailed row `S.probability` (the probability the decoder
/// gave each token it wrote, EOS included) and `S.min_probability`; with a temperature,
/// `S.temperature`.
extension Actions {
    static func sampleSeq2Seq(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "sources", "on", "index", "count", "temperature", "seed", "top",
                                            "detail", "max_length", "name"])
        let (model, data) = try seq2seqOperands(o, state: state)
        var pairs: [Seq2SeqPair]
        if let s = o["sources"] {
            for key in ["on", "index", "count"] where o[key] != nil { throw o[key]!.error("give sources or \(key), not both") }
            pairs = []
            for item in try s.listOrSingle() {
                let text = try item.string()
                let symbols = text.contains(" ") ? text.split(separator: " ").map(String.init) : text.map { String($0) }
                var digits: [Int] = []
                for (k, symbol) in symbols.enumerated() {
                    guard let d = Int(symbol), (0...9).contains(d), symbol.count == 1 else {
                        throw item.error(atCharacter: k + 1, "\"\(symbol)\" is not a digit 0–9")
                    }
                    digits.append(d)
                }
                guard !digits.isEmpty, digits.count <= 30 else { throw item.error("needs 1 to 30 digits, not \(digits.count)") }
                pairs.append(data.pair(digits))
            }
            guard !pairs.isEmpty else { throw s.error("needs at least one source") }
        } else {
            let on = try o["on"]?.choice(["test", "train"]) ?? "test"
            let part = on == "test" ? data.test : data.pairs
            guard !part.isEmpty else { throw (o["on"] ?? o.field).error("data \(data.name) has no held-out part (give it test: N)") }
            let index = try o["index"]?.int(min: 0, max: part.count - 1) ?? 0
            let count = try o["count"]?.int(min: 1, max: 100) ?? 8
            pairs = Array(part[index..<min(part.count, index + count)])
        }
        let temperature = try o["temperature"]?.positiveDouble()
        let top = try o["top"]?.int(min: 1, max: 10) ?? 3
        let detail = try o["detail"]?.int(min: 0, max: pairs.count - 1) ?? 0
        let maxLength = try o["max_length"]?.int(min: 1, max: 100) ?? (pairs.map(\.source.count).max()! + 5)
        var rng = SplitMix64(seed: try seedOption(o) ?? state.seed(for: "sample:" + model.name))
        let decoding: Seq2SeqDecoding = temperature.map { .temperature($0) } ?? .greedy
        let outputs = pairs.map { p in
            model.model.generate(parameters: model.parameters, source: p.source, maxLength: maxLength, decoding: decoding, rng: &rng)
        }
        let matches = zip(pairs, outputs).map { $1.endedWithEOS && $1.tokens == $0.target }
        let name = try o["name"]?.string() ?? "sample"
        let values = state.values
        values.set(name + ".count", pairs.count)
        values.set(name + ".matches", matches.filter { $0 }.count)
        values.set(name + ".accuracy", Double(matches.filter { $0 }.count) / Double(pairs.count))
        if let temperature { values.set(name + ".temperature", temperature) }
        let ko = state.language == "ko"
        var rows: [[String]] = []
        for (k, (p, g)) in zip(pairs, outputs).enumerated() {
            let written = data.targetText(g.tokens) + (g.endedWithEOS ? "" : " …")
            values.set(ValueStore.key(name + ".source", Double(k)), .text(data.sourceText(p.source)))
            values.set(ValueStore.key(name + ".output", Double(k)), .text(data.targetText(g.tokens)))
            values.set(ValueStore.key(name + ".target", Double(k)), .text(data.targetText(p.target)))
            rows.append([String(k), data.sourceText(p.source), written, data.targetText(p.target), matches[k] ? "✓" : "✗"])
        }
        let how = temperature.map { ko ? "온도 τ = \(NumberFormat.short($0))로 샘플링" : "sampled at temperature τ = \(NumberFormat.short($0))" }
            ?? (ko ? "탐욕적 디코딩" : "greedy decoding")
        var out: [Output] = [.table(Table(
            caption: ko ? "\(model.name)의 출력 (\(how); …: EOS 없이 길이 제한에 도달)" : "What \(model.name) writes (\(how); …: stopped at the length limit without EOS)",
            headers: ["#", ko ? "입력" : "source", ko ? "출력" : "output", ko ? "정답" : "target", ""], rows: rows, numeric: [0]))]
        // The detailed row: at each step, what was fed in, what was written and the top k.
        let p = pairs[detail], g = outputs[detail]
        var stepRows: [[String]] = [], chosen: [Double] = []
        for t in 1...g.probabilities.count {
            let wrote = t <= g.tokens.count ? g.tokens[t - 1] : model.model.spec.eos
            let fed = t == 1 ? model.model.spec.bos : g.tokens[t - 2]
            chosen.append(g.probabilities[t - 1][wrote])
            let best = g.top(top, atStep: t).map { "\(data.targetVocabulary[$0.token]) \(NumberFormat.fixed($0.probability, 3))" }
            stepRows.append([String(t), data.targetVocabulary[fed], data.targetVocabulary[wrote],
                             NumberFormat.fixed(g.probabilities[t - 1][wrote], 3), best.joined(separator: ", ")])
        }
        values.set(name + ".probability", .list(chosen))
        values.set(name + ".min_probability", chosen.min() ?? 0)
        let source = data.sourceText(p.source)
        out.append(.table(Table(
            caption: ko ? "입력 \(source)에 대한 디코더의 각 단계: 입력으로 받은 토큰, 쓴 토큰과 그 확률, 확률 상위 \(top)개"
                        : "The decoder on \(source), step by step: the token fed in, the token written and its probability, the top \(top)",
            headers: ["t", ko ? "입력" : "fed in", ko ? "출력" : "wrote", "p", ko ? "상위 \(top)개" : "top \(top)"],
            rows: stepRows, numeric: [0, 3])))
        return out
    }
}
