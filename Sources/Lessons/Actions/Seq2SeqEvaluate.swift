import Foundation
import RNNCore
import Reports

/// `evaluate:` of an encoder–decoder: greedy decoding of every held-out source, exact match
/// against its target (every token, then EOS), overall and by source length.
///
/// | option | meaning |
/// | --- | --- |
/// | `model`, `data` | which (defaults: the last model, the data it reads) |
/// | `on` | `test` (default) or `train` |
/// | `name` | the prefix of the values (default `MODEL.test` or `MODEL.train`) |
///
/// Records `P.accuracy`, `P.loss` (teacher-forced), `P.count`, by length `P.accuracy[S]` and
/// `P.count[S]`, and, when the evaluated lengths are not all training lengths,
/// `P.trained_lengths.accuracy` and `P.other_lengths.accuracy`.
extension Actions {
    static func evaluateSeq2Seq(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "on", "name"])
        let (model, data) = try seq2seqOperands(o, state: state)
        let on = try o["on"]?.choice(["test", "train"]) ?? "test"
        let pairs = on == "test" ? data.test : data.pairs
        guard !pairs.isEmpty else {
            throw (o["on"] ?? o.field).error("data \(data.name) has no held-out part (give it test: N or test: {count: N, length: [...]})")
        }
        // Greedy decoding costs about one forward pass per pair, teacher forcing another.
        try state.checkWork(seq2seqWork(model.model, pairs), "evaluating \(model.name) on \(NumberFormat.grouped(pairs.count)) pairs", at: o.field)
        let e = model.model.evaluate(parameters: model.parameters, pairs: pairs)
        let prefix = try o["name"]?.string() ?? "\(model.name).\(on)"
        let values = state.values
        values.set(prefix + ".count", e.count)
        values.set(prefix + ".loss", e.meanLoss)
        values.set(prefix + ".accuracy", e.exactMatchAccuracy)
        for row in e.byLength {
            values.set(ValueStore.key(prefix + ".accuracy", Double(row.sourceLength)), row.accuracy)
            values.set(ValueStore.key(prefix + ".count", Double(row.sourceLength)), row.count)
        }
        let seen = e.byLength.filter { data.lengths.contains($0.sourceLength) }
        let other = e.byLength.filter { !data.lengths.contains($0.sourceLength) }
        func accuracy(_ rows: [Seq2SeqEvaluation.Row]) -> Double {
            Double(rows.reduce(0) { $0 + $1.exactMatches }) / Double(max(rows.reduce(0) { $0 + $1.count }, 1))
        }
        if !other.isEmpty {
            if !seen.isEmpty { values.set(prefix + ".trained_lengths.accuracy", accuracy(seen)) }
            values.set(prefix + ".other_lengths.accuracy", accuracy(other))
        }
        let ko = state.language == "ko"
        let where_ = on == "test"
            ? (ko ? "학습에 쓰지 않은 숫자열 \(NumberFormat.grouped(e.count))개" : "\(NumberFormat.grouped(e.count)) held-out strings, none seen in training")
            : (ko ? "학습 데이터 \(NumberFormat.grouped(e.count))개" : "the \(NumberFormat.grouped(e.count)) training strings")
        let overall = Table(
            caption: ko ? "\(model.name)의 완전 일치 정확도 (\(where_), 탐욕적 디코딩)" : "\(model.name): exact-match accuracy on \(where_) (greedy decoding)",
            headers: [ko ? "모델" : "model", ko ? "손실 (교사 강요)" : "loss (teacher forcing)", ko ? "완전 일치" : "exact matches", ko ? "정확도" : "accuracy"],
            rows: [[model.name, NumberFormat.short(e.meanLoss), "\(NumberFormat.grouped(e.exactMatches)) / \(NumberFormat.grouped(e.count))",
                    percent(e.exactMatchAccuracy)]],
            numeric: [1, 2, 3])
        var out: [Output] = [.table(overall)]
        if e.byLength.count > 1 {
            let rows = e.byLength.map { r in
                [String(r.sourceLength), data.lengths.contains(r.sourceLength) ? (ko ? "예" : "yes") : (ko ? "아니요" : "no"),
                 NumberFormat.grouped(r.count), NumberFormat.grouped(r.exactMatches), percent(r.accuracy)]
            }
            out.append(.table(Table(
                caption: ko ? "입력 길이별 완전 일치 정확도" : "Exact-match accuracy by source length",
                headers: [ko ? "길이" : "length", ko ? "학습한 길이" : "trained on", ko ? "숫자열" : "strings", ko ? "완전 일치" : "exact matches", ko ? "정확도" : "accuracy"],
                rows: rows, numeric: [0, 2, 3, 4])))
        }
        return out
    }
}
