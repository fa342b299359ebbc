import Foundation
import RNNCore
import Reports

/// `data`: define sequences, generated or given (options in lessons/README.md).
extension Actions {
    static func defineData(_ field: Field, state: LessonState, lessonDirectory: URL) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "task", "count", "length", "input_size", "symbols", "distractors", "mean",
                                            "corpus", "file", "level", "stride", "sequences", "loss", "seed"])
        let name = try o["name"]?.string() ?? "data"
        let task = try o.required("task").choice(["last_value", "copy", "sum", "text", "inline"])
        let seed = try seedOption(o) ?? state.seed(for: "data:" + name)
        var rng = SplitMix64(seed: seed)
        let count = try o["count"]?.int(min: 1, max: 100_000) ?? 256
        var d: Dataset
        switch task {
        case "last_value":
            let inputSize = try o["input_size"]?.int(min: 1, max: 10_000) ?? 1
            d = Dataset.lastValue(name: name, count: count, length: try o["length"]?.int(min: 1, max: 100_000) ?? 7,
                                  inputSize: inputSize, rng: &rng)
            d.withLength = { T in var r = SplitMix64(seed: seed); return Dataset.lastValue(name: name, count: count, length: T, inputSize: inputSize, rng: &r) }
        case "copy":
            let symbols = try o["symbols"]?.int(min: 2, max: 1000) ?? 4
            d = Dataset.copy(name: name, count: count, symbols: symbols,
                             distractors: try o["distractors"]?.int(min: 0, max: 100_000) ?? 10, rng: &rng)
            // The length of a copy sequence is the first symbol plus the distractors.
            d.withLength = { T in var r = SplitMix64(seed: seed); return Dataset.copy(name: name, count: count, symbols: symbols, distractors: max(0, T - 1), rng: &r) }
        case "sum":
            let mean = try o["mean"]?.bool() ?? false
            d = Dataset.sum(name: name, count: count, length: try o["length"]?.int(min: 1, max: 100_000) ?? 10, mean: mean, rng: &rng)
            d.withLength = { T in var r = SplitMix64(seed: seed); return Dataset.sum(name: name, count: count, length: T, mean: mean, rng: &r) }
        case "text":
            var corpus: String
            if let f = o["file"] {
                let path = try f.string()
                guard let text = try? String(contentsOf: URL(fileURLWithPath: path, relativeTo: lessonDirectory), encoding: .utf8) else {
                    throw f.error("cannot read \(path) as UTF-8 text (paths are relative to the lesson)")
                }
                corpus = text
            } else {
                corpus = try o.required("corpus").string()
            }
            corpus = corpus.precomposedStringWithCanonicalMapping  // Korean: one syllable, one symbol
            let level = try o["level"]?.choice(["char", "word"]) ?? "char"
            guard let t = Dataset.text(name: name, corpus: corpus, level: level, length: try o["length"]?.int(min: 1),
                                       stride: try o["stride"]?.int(min: 1)) else {
                throw o.error("the text needs at least two symbols")
            }
            d = t
        default:
            d = try inlineData(name: name, o)
        }
        state.datasets[name] = d
        state.lastData = name
        var note = state.language == "ko"
            ? "**\(Escape.markdown(name))**: 길이 \(d.steps)인 시퀀스 \(NumberFormat.grouped(d.count))개 (`\(task)`), `x_t`의 크기 \(d.inputSize), 손실 `\(d.loss.rawValue)`"
            : "**\(Escape.markdown(name))**: \(NumberFormat.grouped(d.count)) \(d.count == 1 ? "sequence" : "sequences") of \(d.steps) steps (`\(task)`), `x_t` of size \(d.inputSize), loss `\(d.loss.rawValue)`"
        if !d.vocabulary.isEmpty && d.vocabulary.count <= 40 {
            note += (state.language == "ko" ? "; 어휘: " : "; vocabulary: ") + d.vocabulary.map { Escape.markdown($0 == " " ? "␣" : $0) }.joined(separator: " ")
        }
        return [.note(note)]
    }

    static func inlineData(name: String, _ o: Options) throws(LessonError) -> Dataset {
        let loss = LossKind(rawValue: try o.required("loss").choice(LossKind.allCases.map(\.rawValue)))!
        var d: Dataset?
        for item in try o.required("sequences").list() {
            let s = try item.mapping(allowed: ["x", "targets"])
            let rows = try s.required("x").rows()
            guard let width = rows.first?.count, width > 0 else { throw try s.required("x").error("needs at least one step") }
            guard rows.allSatisfy({ $0.count == width }) else { throw try s.required("x").error("every step needs \(width) numbers") }
            let tf = try s.required("targets")
            let targets: Targets
            switch loss {
            case .mseLast: targets = .vectors(tf.isScalar ? [try tf.double()] : try tf.doubles())
            case .mseAll: targets = .vectors(try tf.rows().flatMap { $0 })
            case .xentLast: targets = .classes([try tf.int(min: 0)])
            case .xentAll:
                var c: [Int] = []
                for v in try tf.list() { c.append(try v.int(min: 0)) }
                targets = .classes(c)
            }
            let outputs: Int
            switch targets {
            case .vectors(let v): outputs = loss == .mseAll ? v.count / rows.count : v.count
            case .classes(let c): outputs = (c.max() ?? 0) + 1
            }
            if loss.coversAllSteps {
                let n: Int
                switch targets { case .vectors(let v): n = v.count / max(outputs, 1); case .classes(let c): n = c.count }
                guard n == rows.count else { throw tf.error("needs one target per step (\(rows.count))") }
            }
            if d == nil { d = Dataset(name: name, task: "inline", loss: loss, inputSize: width, outputSize: outputs) }
            guard d!.inputSize == width else { throw try s.required("x").error("every sequence needs \(d!.inputSize) numbers per step") }
            d!.outputSize = max(d!.outputSize, outputs)
            d!.vectors.append(rows.flatMap { $0 })
            d!.targets.append(targets)
        }
        guard let d else { throw o.error("sequences needs at least one sequence") }
        return d
    }
}
