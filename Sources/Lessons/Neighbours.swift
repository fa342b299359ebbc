import Foundation
import RNNCore
import Reports

/// `show: neighbours`: what a learned embedding has learned, as the nearest tokens of chosen ones
/// by cosine similarity of their rows of E,
/// ```
/// cos(a, b) = E[a] · E[b] / (‖E[a]‖ ‖E[b]‖)        (0 when either row is all zeros)
/// ```
/// for any model with an embedding (a network's `embedding:`, or a feed-forward model's).
///
/// | option | meaning |
/// | --- | --- |
/// | `model`, `data` | which (the data names the tokens; defaults: the last model, the data it was trained on) |
/// | `tokens` | the tokens to look up, as the data writes them (`["the", "cat"]`); default the `count` most frequent in the training part |
/// | `count` | how many most frequent tokens (default 8) |
/// | `top` | neighbours per token (default 5) |
/// | `name` | the prefix of the values it records (default `MODEL.neighbours`) |
///
/// Candidates are the data's tokens (an embedding may have rows for more ids than the data uses;
/// those were never trained), never the token itself; ties go to the smaller id. Values, for the
/// q-th token of the table (q = 1, 2, …): `S.qN.token`, `S.qN.nearest` and `S.qN.neighbours`
/// (text, the neighbours space-separated), `S.qN.similarity` (the `top` similarities, nearest
/// first: `S.q1.similarity[0]`), and `S.mean_similarity` (the nearest neighbours' mean).
extension Shows {
    static func neighbours(_ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        if let model = try state.feedForward(o["model"]) { return try neighbours(model, o, state: state) }
        return try neighbours(try state.model(o["model"], options: o), o, state: state)
    }

    static func neighbours<M: SequenceModel>(_ model: LessonModel<M>, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        guard let slot = model.network.layout.slot(named: "E"), let vocab = model.network.vocabularySize else {
            throw (o["model"] ?? o.field).error("neighbours needs a learned embedding: \(model.name) has none (give it embedding: {vocab: V, size: D})")
        }
        let D = slot.cols, E = model.parameters[slot.range]
        // The tokens' names, from the data (a model without data knows only ids).
        let dataName = try o["data"]?.string() ?? model.dataName ?? state.lastData
        let data = o["data"] != nil ? try state.dataset(o["data"], options: o) : dataName.flatMap { state.datasets[$0] }
        let vocabulary = data.map { Array($0.vocabulary.prefix(vocab)) } ?? []
        let candidates = vocabulary.isEmpty ? vocab : vocabulary.count
        func symbol(_ k: Int) -> String {
            guard k < vocabulary.count else { return "#\(k)" }
            let s = vocabulary[k]
            return s == " " ? "␣" : s == "\n" ? "↵" : s
        }
        let top = try o["top"]?.int(min: 1, max: 50) ?? 5
        guard candidates >= 2 else { throw o.error("neighbours needs at least two tokens; \(model.name)'s embedding reads \(candidates)") }
        var queries: [Int] = []
        if let list = o["tokens"] {
            for f in try list.listOrSingle() {
                let text = try f.string()
                guard let id = (0..<candidates).first(where: { vocabulary.isEmpty ? "#\($0)" == text || String($0) == text
                                                                                 : vocabulary[$0] == text || symbol($0) == text }) else {
                    let known = (0..<min(candidates, 12)).map(symbol).joined(separator: " ")
                    throw f.error("is \"\(InputError.excerpt(text))\", not a token of \(data.map { "data \($0.name)" } ?? model.name) (its tokens: \(known)\(candidates > 12 ? " …" : ""))")
                }
                queries.append(id)
            }
            guard !queries.isEmpty else { throw list.error("needs at least one token") }
        } else {
            // The most frequent tokens of the training part (ties: the smaller id).
            let count = try o["count"]?.int(min: 1, max: 200) ?? 8
            var frequency = [Int](repeating: 0, count: candidates)
            for sequence in data?.tokens ?? [] { for id in sequence where id < candidates { frequency[id] += 1 } }
            queries = Array((0..<candidates).filter { data == nil || frequency[$0] > 0 }
                .sorted { frequency[$0] != frequency[$1] ? frequency[$0] > frequency[$1] : $0 < $1 }.prefix(count))
        }
        guard !queries.isEmpty else {
            throw o.error("neighbours: data \(data?.name ?? "") has no tokens to count; name the tokens to look up (tokens: [...])")
        }
        func row(_ k: Int) -> ArraySlice<Double> { E[(slot.offset + k * D)..<(slot.offset + (k + 1) * D)] }
        let norms = (0..<candidates).map { euclideanNorm(row($0)) }
        func cosine(_ a: Int, _ b: Int) -> Double {
            guard norms[a] > 0, norms[b] > 0 else { return 0 }
            var dot = 0.0
            for (u, v) in zip(row(a), row(b)) { dot += u * v }
            return dot / (norms[a] * norms[b])
        }
        let prefix = try o["name"]?.string() ?? "\(model.name).neighbours"
        var rows: [[String]] = [], nearest: [Double] = []
        for (q, id) in queries.enumerated() {
            var scored: [(id: Int, similarity: Double)] = []
            for k in 0..<candidates where k != id { scored.append((k, cosine(id, k))) }
            scored.sort { a, b in a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id }
            let ranked = Array(scored.prefix(top))
            let key = "\(prefix).q\(q + 1)"
            state.values.set(key + ".token", .text(symbol(id)))
            // At least two candidates (checked above), so every token has a nearest one.
            state.values.set(key + ".nearest", .text(symbol(ranked[0].id)))
            state.values.set(key + ".neighbours", .text(ranked.map { symbol($0.id) }.joined(separator: " ")))
            state.values.set(key + ".similarity", .list(ranked.map(\.similarity)))
            nearest.append(ranked[0].similarity)
            rows.append([String(q + 1), symbol(id), ranked.map { "\(symbol($0.id)) \(NumberFormat.fixed($0.similarity, 2))" }.joined(separator: " · ")])
        }
        state.values.set(prefix + ".mean_similarity", nearest.reduce(0, +) / Double(nearest.count))
        let caption = ko
            ? "\(model.name)의 임베딩에서 가장 가까운 토큰 \(top)개 (코사인 유사도, 임베딩 크기 \(D))"
            : "The \(top) nearest tokens in \(model.name)'s embedding (cosine similarity, \(D) dimensions)"
        return [.table(Table(caption: caption, headers: ["#", ko ? "토큰" : "token", ko ? "가장 가까운 토큰 (코사인 유사도)" : "nearest tokens (cosine similarity)"],
                             rows: rows, numeric: [0]))]
    }
}
