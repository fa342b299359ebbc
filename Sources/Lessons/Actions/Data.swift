import Foundation
import RNNCore
import Reports
import Yams

/// `data`: define sequences, generated or given, with an optional held-out test part (options
/// in lessons/README.md).
///
/// | task | options besides name, seed, split |
/// | --- | --- |
/// | last_value | count, length, input_size, test |
/// | copy | count, symbols, distractors, distractor_symbols, test |
/// | sum | count, length, mean, test |
/// | adding | count, length, target, test |
/// | temporal_order | count, length, test |
/// | agreement | count, distance, test |
/// | name_tagging | count, test |
/// | text | corpus or file, level, eos, unk or vocab, length, stride |
/// | inline | loss, sequences or file |
/// | series | file and column, or values; window, horizon, stride, normalize |
extension Actions {
    static let dataTasks: [(task: String, options: [String])] = [
        ("last_value", ["count", "length", "input_size", "test"]),
        ("copy", ["count", "symbols", "distractors", "distractor_symbols", "test"]),
        ("sum", ["count", "length", "mean", "test"]),
        ("adding", ["count", "length", "target", "test"]),
        ("temporal_order", ["count", "length", "test"]),
        ("agreement", ["count", "distance", "test"]),
        ("name_tagging", ["count", "test"]),
        ("text", ["corpus", "file", "level", "eos", "unk", "vocab", "length", "stride"]),
        ("inline", ["loss", "sequences", "file"]),
        ("series", ["file", "column", "values", "window", "horizon", "stride", "normalize"]),
    ]
    static let dataCommonOptions = ["name", "task", "seed", "split"]

    /// Numbers a dataset may hold in its inputs (one-hot inputs counted as the model reads
    /// them), so that a one-line lesson cannot fill memory: 160 MB of doubles.
    static let maximumNumbers = 20_000_000

    static func defineData(_ field: Field, state: LessonState, lessonDirectory: URL) throws(LessonError) -> [Output] {
        var known = dataCommonOptions
        for (_, options) in dataTasks { known += options.filter { !known.contains($0) } }
        let o = try field.mapping(allowed: known)
        let task = try o.required("task").choice(dataTasks.map(\.task) + seq2seqTasks)
        let own = dataCommonOptions + (dataTasks.first { $0.task == task }?.options ?? [])
        for (key, f) in o.entries where !own.contains(key) {
            throw f.error("is not an option of task \(task) (its options: \(own.joined(separator: ", ")))")
        }
        let name = try o["name"]?.string() ?? "data"
        let seed = try seedOption(o) ?? state.seed(for: "data:" + name)
        var split: Double?
        if let f = o["split"] {
            let v = try f.double()
            guard v > 0 && v < 1 else { throw f.error("is the fraction held out for testing, between 0 and 1 (such as 0.2), not \(v)") }
            if let t = o["test"] { throw t.error("give test or split, not both") }
            split = v
        }
        var d: Dataset
        if let generated = try generatedTask(task, o) {
            let count = try o["count"]?.int(min: 1, max: 100_000) ?? 256
            try checkSize(count: count, task: generated, at: o["count"] ?? o.field)
            let test = try testPart(o["test"], task: generated, trainCount: count)
            if let test, let f = o["test"] { try checkSize(count: test.count, task: test.lengths.map { generated.withLengths($0) } ?? generated, at: f) }
            if let split, let f = o["split"] { try checkSplit(total: count, fraction: split, at: f) }
            if generated.distinctSentences { try checkSentences(count: count, task: generated, test: test, o) }
            d = Dataset.generated(name: name, task: generated, count: count, seed: seed, test: test, split: split)
        } else {
            switch task {
            case "text": d = try textData(name: name, o, split: split, lessonDirectory: lessonDirectory, allowed: state.allowRead)
            case "series": d = try seriesData(name: name, o, split: split, lessonDirectory: lessonDirectory, allowed: state.allowRead)
            default: d = try inlineData(name: name, o, lessonDirectory: lessonDirectory, allowed: state.allowRead)
            }
            if let split, let f = o["split"], task != "series" && task != "text" {  // these split as they read
                try checkSplit(total: d.count, fraction: split, at: f)
                d = d.holdingOut(last: Dataset.splitCounts(total: d.count, fraction: split).test)
            }
        }
        state.datasets[name] = d
        state.lastData = name
        recordData(d, in: state.values)
        return [.note(dataNote(d, language: state.language))]
    }

    // MARK: - Generated tasks

    /// The recipe of a generated task from its options; nil for the other tasks.
    static func generatedTask(_ task: String, _ o: Options) throws(LessonError) -> GeneratedTask? {
        switch task {
        case "last_value":
            return .lastValue(lengths: try lengthList(o["length"], min: 1) ?? [7],
                              inputSize: try o["input_size"]?.int(min: 1, max: 10_000) ?? 1)
        case "copy":
            let symbols = try o["symbols"]?.int(min: 2, max: 1000) ?? 4
            return .copy(symbols: symbols, distractorSymbols: try o["distractor_symbols"]?.int(min: 1, max: 1000) ?? symbols,
                         distractors: try lengthList(o["distractors"], min: 0) ?? [10])
        case "sum":
            return .sum(lengths: try lengthList(o["length"], min: 1) ?? [10], mean: try o["mean"]?.bool() ?? false)
        case "adding":
            let variant = GeneratedTask.AddingVariant(rawValue: try o["target"]?.choice(["scaled", "sum"]) ?? "scaled") ?? .scaled
            let minimum = GeneratedTask.adding(lengths: [], variant: variant).minimumLength
            return .adding(lengths: try lengthList(o["length"], min: minimum) ?? [100], variant: variant)
        case "temporal_order":
            let minimum = GeneratedTask.temporalOrder(lengths: []).minimumLength
            return .temporalOrder(lengths: try lengthList(o["length"], min: minimum) ?? [100])
        case "agreement":
            return .agreement(distances: try lengthList(o["distance"], min: 0) ?? [10])
        case "name_tagging":
            return .nameTagging
        default:
            return nil
        }
    }

    /// A length or a list of lengths that sequences cycle through.
    static func lengthList(_ f: Field?, min: Int) throws(LessonError) -> [Int]? {
        guard let f else { return nil }
        var lengths: [Int] = []
        for item in try f.listOrSingle() { lengths.append(try item.int(min: min, max: 100_000)) }
        guard !lengths.isEmpty else { throw f.error("needs at least one length") }
        return lengths
    }

    /// `test: N` (N more sequences) or `test: {count: N, length: L}` (lengths unseen in
    /// training). Only the count and the lengths may differ: the model reads both parts.
    static func testPart(_ f: Field?, task: GeneratedTask, trainCount: Int) throws(LessonError) -> TestPartRecipe? {
        guard let f else { return nil }
        if f.isScalar { return TestPartRecipe(count: try f.int(min: 1, max: 100_000), lengths: nil) }
        let options = dataTasks.first { $0.task == task.name }?.options.filter { $0 != "test" } ?? []
        let key = task.lengthKey
        let t = try f.mapping(allowed: options)
        for (k, v) in t.entries where k != "count" && k != key {
            throw v.error("cannot change in the test part, which the same model reads (it may change count and \(key))")
        }
        let counted = key == "distractors" || key == "distance"  // steps after the first
        var lengths = try lengthList(t[key], min: counted ? 0 : task.minimumLength)
        if counted { lengths = lengths?.map { $0 + 1 } }  // sequence lengths
        return TestPartRecipe(count: try t["count"]?.int(min: 1, max: 100_000) ?? trainCount, lengths: lengths)
    }

    /// Refuses a generated dataset larger than `maximumNumbers`, naming the product.
    static func checkSize(count: Int, task: GeneratedTask, at f: Field) throws(LessonError) {
        try checkSize(["count": count, "length": task.longest, "x_t size": task.inputSize], at: f, fix: "make count or length smaller")
    }

    /// Refuses a product of sizes over `maximumNumbers`, with the product spelt out and a fix.
    static func checkSize(_ factors: KeyValuePairs<String, Int>, at f: Field, fix: String) throws(LessonError) {
        var product = 1, overflow = false
        for (_, v) in factors {
            let (p, o) = product.multipliedReportingOverflow(by: v)
            product = p
            overflow = overflow || o
        }
        guard overflow || product > maximumNumbers else { return }
        throw f.error(factors.map(\.key).joined(separator: " × ") + " = " + factors.map { NumberFormat.grouped($0.value) }.joined(separator: " × ")
            + " = \(overflow ? "more than \(NumberFormat.grouped(Int.max))" : NumberFormat.grouped(product)) numbers, more than the \(NumberFormat.grouped(maximumNumbers)) a dataset may hold (\(fix))")
    }

    /// The word tasks draw every sentence once (held-out ones never equal a training one): at
    /// each length, both parts together may take at most half the sentences there are, so that
    /// drawing distinct ones stays quick.
    static func checkSentences(count: Int, task: GeneratedTask, test: TestPartRecipe?, _ o: Options) throws(LessonError) {
        var train: [Int: Int] = [:], held: [Int: Int] = [:]
        for i in 0..<count { train[task.length(of: i), default: 0] += 1 }
        if let test {
            let testTask = test.lengths.map { task.withLengths($0) } ?? task
            for i in 0..<test.count { held[testTask.length(of: i), default: 0] += 1 }
        }
        for T in Set(train.keys).union(held.keys).sorted() {
            let n = train[T, default: 0], m = held[T, default: 0], capacity = task.sentences(ofLength: T)
            guard n + m > capacity / 2 else { continue }
            let at = m > 0 && n <= capacity / 2 ? (o["test"] ?? o.field) : (o["count"] ?? o[task.lengthKey] ?? o.field)
            let which: String
            if case .agreement = task { which = "at distance \(T - 1)" } else { which = "of \(T) words" }
            let parts = m == 0 ? "the training part draws \(NumberFormat.grouped(n))"
                : "the training part draws \(NumberFormat.grouped(n)) and the test part \(NumberFormat.grouped(m))"
            throw at.error("\(task.name) has \(NumberFormat.grouped(capacity)) different sentences \(which); \(parts), more than the half (\(NumberFormat.grouped(capacity / 2))) that can be drawn so that no sentence repeats (use fewer sequences\(task.lengthKey == "distance" ? " or a longer distance" : ""))")
        }
    }

    /// `split` must leave at least one sequence on each side.
    static func checkSplit(total: Int, fraction: Double, at f: Field) throws(LessonError) {
        let (train, test) = Dataset.splitCounts(total: total, fraction: fraction)
        guard train < 1 || test < 1 else { return }
        throw f.error("holding out \(fraction) of \(total) \(total == 1 ? "sequence" : "sequences") leaves \(train) for training and \(test) for testing; at least one sequence must remain on each side")
    }

    // MARK: - Text

    static func textData(name: String, _ o: Options, split: Double?, lessonDirectory: URL, allowed: [String] = []) throws(LessonError) -> Dataset {
        var corpus: String
        let source: Field
        if let f = o["file"] {
            if let c = o["corpus"] { throw c.error("give corpus or file, not both") }
            corpus = try f.lessonFileText(in: lessonDirectory, allowed: allowed).text
            source = f
        } else {
            source = try o.required("corpus")
            corpus = try source.string()
        }
        corpus = corpus.precomposedStringWithCanonicalMapping  // Korean: one syllable, one symbol
        let level = try o["level"]?.choice(["char", "word"]) ?? "char"
        let eos = try o["eos"]?.bool() ?? false
        let rule = try vocabularyRule(o, level: level)
        let length = try o["length"]?.int(min: 1, max: 100_000), stride = try o["stride"]?.int(min: 1, max: 100_000)
        let symbols = TextTokens.symbols(corpus, word: level == "word", eos: eos)
        guard symbols.count >= 2 else { throw o.error("the text needs at least two symbols") }
        if level == "word" {  // the text's own words may not pass for the tokens rnnlab adds
            let words = Set(corpus.split(whereSeparator: { $0.isWhitespace }))
            if eos && words.contains(Substring(TextTokens.eos)) {
                throw source.error("has the word \(TextTokens.eos), which here stands for the end of a sentence (eos: true); write it otherwise")
            }
            if rule != .everyToken && words.contains(Substring(TextTokens.unk)) {
                throw source.error("has the word \(TextTokens.unk), which here stands for words outside the vocabulary; write it otherwise")
            }
        }
        // One-hot windows: windows × length × vocabulary numbers, counted before they exist.
        let L = min(length ?? (symbols.count - 1), symbols.count - 1), windows = (symbols.count - 1 - L) / (stride ?? L) + 1
        try checkSize(["windows": windows, "length": L, "vocabulary": Set(symbols).count], at: o["stride"] ?? o["length"] ?? o.field,
                      fix: "use a larger stride or a shorter text")
        if let split, let f = o["split"] { try checkSplit(total: windows, fraction: split, at: f) }
        do throws(TextTokens.Problem) {
            return try Dataset.text(name: name, symbols: symbols, word: level == "word", eos: eos, rule: rule,
                                    length: length, stride: stride, split: split)
        } catch {
            throw (o["unk"] ?? o["vocab"] ?? o.field).error(error.message)
        }
    }

    /// `unk: N` or `vocab: K` (word level only; course notes 04: a character model needs no UNK).
    static func vocabularyRule(_ o: Options, level: String) throws(LessonError) -> TextTokens.Rule {
        if let u = o["unk"], let v = o["vocab"] { throw (u.line > v.line ? u : v).error("give unk or vocab, not both") }
        guard let (key, f) = o["unk"].map({ ("unk", $0) }) ?? o["vocab"].map({ ("vocab", $0) }) else { return .everyToken }
        guard level == "word" else {
            throw f.error("is for level: word; at character level every character of the text is in the vocabulary, so no token is unknown (course notes 04)")
        }
        let n = try f.int(min: 0, max: 1_000_000_000)
        guard n > 0 else {
            throw f.error(key == "unk"
                ? "must be at least 1 (unk: 1 keeps every training word and makes only the words the training part never has <unk>; with 0 a held-out word outside the vocabulary would have no token)"
                : "must be at least 1: the number of most frequent training words the vocabulary keeps (such as vocab: 50)")
        }
        return key == "unk" ? .minimumCount(n) : .mostFrequent(n)
    }

    // MARK: - Series

    static func seriesData(name: String, _ o: Options, split: Double?, lessonDirectory: URL, allowed: [String] = []) throws(LessonError) -> Dataset {
        let values: [Double]
        if let f = o["file"] {
            if let v = o["values"] { throw v.error("give file or values, not both") }
            values = try csvColumn(file: f, column: try o.required("column"), lessonDirectory: lessonDirectory, allowed: allowed)
        } else {
            if let c = o["column"] { throw c.error("applies to a file only") }
            values = try o.required("values").doubles()
        }
        let windowField = try o.required("window")
        let W = try windowField.int(min: 1, max: 100_000)
        let H = try o["horizon"]?.int(min: 1, max: 100_000) ?? 1, stride = try o["stride"]?.int(min: 1, max: 100_000) ?? 1
        let windows = Dataset.windowCount(values: values.count, window: W, horizon: H, stride: stride)
        guard windows >= 1 else {
            throw windowField.error("a window of \(W) steps predicting \(H) ahead needs at least \(W + H) values; the series has \(values.count)")
        }
        try checkSize(["windows": windows, "window": W], at: windowField, fix: "use a larger stride")
        var trainWindows = windows
        if let split, let f = o["split"] {
            try checkSplit(total: windows, fraction: split, at: f)
            trainWindows = Dataset.splitCounts(total: windows, fraction: split).train
        }
        let normalize = try o["normalize"]?.bool() ?? false
        guard var d = Dataset.series(name: name, values: values, window: W, horizon: H, stride: stride,
                                     normalizeOver: normalize ? trainWindows : nil) else {
            throw (o["normalize"] ?? o.field).error("the training part's values are all equal, so they have no standard deviation to normalize by")
        }
        if trainWindows < windows { d = d.holdingOut(last: windows - trainWindows) }
        return d
    }

    /// One column of a CSV file beside the lesson: `column: close` names it in the header row,
    /// `column: 2` counts from 1 in a file without one. Fields may be quoted ("1,5"); a quoted
    /// field cannot span lines. Blank lines are skipped; line numbers are the file's.
    static func csvColumn(file f: Field, column c: Field, lessonDirectory: URL, allowed: [String] = []) throws(LessonError) -> [Double] {
        let (path, text) = try f.lessonFileText(in: lessonDirectory, allowed: allowed)
        let named: String? = Int(try c.string()) == nil ? try c.string() : nil
        var index = named == nil ? try c.int(min: 1, max: 100_000) - 1 : 0
        var width: Int?, values: [Double] = []
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let cells = csvCells(line)
            guard let w = width else {
                width = cells.count
                if let named {
                    guard let k = cells.firstIndex(of: named) else {
                        throw c.error("\(path) has no column \"\(named)\" (its first row names \(cells.map { "\"\($0)\"" }.joined(separator: ", ")))")
                    }
                    index = k
                    continue  // the header
                }
                guard index < cells.count else { throw c.error("\(path) has \(cells.count) columns, not \(index + 1)") }
                try values.append(number(cells[index], line: n + 1, firstRow: true))
                continue
            }
            guard cells.count == w else {
                throw f.error("\(path):\(n + 1): has \(cells.count) columns, but \(named == nil ? "the first row" : "the header") has \(w)")
            }
            try values.append(number(cells[index], line: n + 1, firstRow: false))
        }
        func number(_ cell: String, line: Int, firstRow: Bool) throws(LessonError) -> Double {
            if let v = Double(cell), v.isFinite { return v }
            let hint = firstRow ? " (if the first row names the columns, give the column's name)" : ""
            throw f.error("\(path):\(line): column \(named ?? String(index + 1)) is \"\(cell)\", not a number\(hint)")
        }
        guard !values.isEmpty else { throw f.error("\(path) has no rows of numbers") }
        return values
    }

    /// The fields of one CSV line, unquoted and trimmed.
    static func csvCells(_ line: Substring) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, wasQuoted = false
        var rest = line[...]
        while let ch = rest.popFirst() {
            if quoted {
                if ch != "\"" { cell.append(ch) } else if rest.first == "\"" { cell.append("\""); rest.removeFirst() } else { quoted = false }
            } else if ch == "\"" && cell.allSatisfy(\.isWhitespace) {
                quoted = true
                wasQuoted = true
                cell = ""
            } else if ch == "," {
                cells.append(wasQuoted ? cell : cell.trimmingCharacters(in: .whitespaces))
                cell = ""
                wasQuoted = false
            } else if !(wasQuoted && ch.isWhitespace) {
                cell.append(ch)
            }
        }
        cells.append(wasQuoted ? cell : cell.trimmingCharacters(in: .whitespaces))
        return cells
    }

    // MARK: - Inline

    /// `sequences: [{x, targets}, …]` in the lesson, or the same list (or a mapping holding
    /// `sequences:`) in a JSON or YAML file beside it; errors in a file name the file's line.
    static func inlineData(name: String, _ o: Options, lessonDirectory: URL, allowed: [String] = []) throws(LessonError) -> Dataset {
        let loss = LossKind(rawValue: try o.required("loss").choice(LossKind.allCases.map(\.rawValue))) ?? .mseLast
        guard let f = o["file"] else { return try inlineData(name: name, loss: loss, sequences: try o.required("sequences")) }
        if let s = o["sequences"] { throw s.error("give sequences or file, not both") }
        let (path, text) = try f.lessonFileText(in: lessonDirectory, allowed: allowed)
        do throws(LessonError) {
            let node = try Lesson.composeYAML(text, file: path, baseLine: 1)
            guard let node else { throw LessonError(file: path, line: 1, message: "is empty") }
            var sequences = Field(node: node, path: "sequences", baseLine: 1, file: path)
            if case .mapping = node {
                let m = try Field(node: node, path: "", baseLine: 1, file: path).mapping(allowed: ["sequences"])
                guard let s = m["sequences"] else { throw LessonError(file: path, line: 1, message: "needs sequences: [{x: …, targets: …}, …]") }
                sequences = s
            }
            return try inlineData(name: name, loss: loss, sequences: sequences)
        } catch {
            throw f.error("\(error.file):\(error.line): \(error.message)")
        }
    }

    static func inlineData(name: String, loss: LossKind, sequences: Field) throws(LessonError) -> Dataset {
        var d: Dataset?
        for item in try sequences.list() {
            let s = try item.mapping(allowed: ["x", "targets"])
            let xf = try s.required("x")
            let rows = try xf.rows()
            guard let width = rows.first?.count, width > 0 else { throw xf.error("needs at least one step") }
            if let bad = rows.firstIndex(where: { $0.count != width }) {
                // Name the row, at its own line.
                let rowField = (try? xf.list())?[bad] ?? xf
                throw rowField.error("step \(bad + 1) has \(rows[bad].count) numbers; every step needs \(width) (as step 1 has)")
            }
            let tf = try s.required("targets")
            let targets: Targets
            switch loss {
            case .mseLast: targets = .vectors(tf.isScalar ? [try tf.double()] : try tf.doubles())
            case .mseAll: targets = .vectors(try tf.rows().flatMap { $0 })
            case .xentLast:
                // A class, or a list of one (as JSON writers tend to give every target).
                let items = try tf.listOrSingle()
                guard let only = items.first, items.count == 1 else { throw tf.error("needs one class, for the last step") }
                targets = .classes([try only.int(min: 0, max: 100_000)])
            case .xentAll:
                var c: [Int] = []
                for v in try tf.list() { c.append(try v.int(min: 0, max: 100_000)) }
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
            var data = d ?? Dataset(name: name, task: "inline", loss: loss, inputSize: width, outputSize: outputs)
            guard data.inputSize == width else { throw xf.error("every sequence needs \(data.inputSize) numbers per step") }
            data.outputSize = max(data.outputSize, outputs)
            data.vectors.append(rows.flatMap { $0 })
            data.targets.append(targets)
            d = data
        }
        guard let d else { throw sequences.error("needs at least one sequence") }
        return d
    }

    // MARK: - The note

    /// One line: how many sequences of what length, the input size and loss, the test part,
    /// and a short vocabulary.
    static func dataNote(_ d: Dataset, language: String) -> String {
        let ko = language == "ko"
        let lengths = describe(d.lengths)
        var note = ko
            ? "**\(Escape.markdown(d.name))**: 길이 \(lengths)인 시퀀스 \(NumberFormat.grouped(d.count))개 (`\(d.task)`), `x_t`의 크기 \(d.inputSize), 손실 `\(d.loss.rawValue)`"
            : "**\(Escape.markdown(d.name))**: \(NumberFormat.grouped(d.count)) \(d.count == 1 ? "sequence" : "sequences") of \(lengths) steps (`\(d.task)`), `x_t` of size \(d.inputSize), loss `\(d.loss.rawValue)`"
        if let t = d.test {
            let other = t.lengths == d.lengths ? nil : describe(t.lengths)
            note += ko
                ? "; 테스트용 \(NumberFormat.grouped(t.count))개" + (other.map { " (길이 \($0))" } ?? "")
                : "; held out for testing: \(NumberFormat.grouped(t.count)) \(t.count == 1 ? "sequence" : "sequences")" + (other.map { " of \($0) steps" } ?? "")
        }
        if !d.vocabulary.isEmpty && d.vocabulary.count <= 40 {
            note += (ko ? "; 어휘: " : "; vocabulary: ") + d.vocabulary.map { Escape.markdown($0 == " " ? "␣" : $0.allSatisfy(\.isNewline) ? "↵" : $0) }.joined(separator: " ")
        }
        if d.unkToken != nil, let t = d.textStats {
            let test = d.test?.textStats
            let rate = { (s: Dataset.TextStats) in percent(Double(s.unknown) / Double(max(s.tokens, 1))) }
            note += ko
                ? "; 어휘 \(d.vocabulary.count)개, `<unk>`: 학습 토큰의 \(rate(t))" + (test.map { ", 테스트 토큰의 \(rate($0))" } ?? "")
                : "; \(d.vocabulary.count) tokens in the vocabulary, `<unk>`: \(rate(t)) of the training tokens" + (test.map { ", \(rate($0)) of the held-out ones" } ?? "")
        }
        return note
    }

    /// `7`, `11, 21, 41`, or `10–110` when there are many.
    static func describe(_ lengths: [Int]) -> String {
        guard let first = lengths.first, let last = lengths.last else { return "0" }
        return lengths.count <= 5 ? lengths.map(String.init).joined(separator: ", ") : "\(first)–\(last)"
    }

    /// `D.count`, `D.steps` (the length of the first sequence; `D.lengths` lists them when they
    /// vary), `D.input_size`, `D.output_size` and, with a held-out part, `D.test.count` and
    /// `D.test.steps`. Text adds `D.vocabulary_size`, `D.tokens`, `D.unk_rate`, `D.sentences`
    /// (with `eos: true`) and for the held-out part `D.test.tokens`, `D.test.unk_rate`,
    /// `D.test.unseen_rate`, `D.test.sentences`.
    static func recordData(_ d: Dataset, in values: ValueStore, prefix: String? = nil) {
        let p = prefix ?? d.name
        values.set(p + ".count", d.count)
        values.set(p + ".steps", d.steps)
        if d.lengths.count > 1 { values.set(p + ".lengths", .list(d.lengths.map(Double.init))) }
        if let t = d.textStats {  // course notes 04: the vocabulary, and how much of the text it cannot name
            if prefix == nil { values.set(p + ".vocabulary_size", d.vocabulary.count) }
            values.set(p + ".tokens", t.tokens)
            values.set(p + ".unk_rate", Double(t.unknown) / Double(max(t.tokens, 1)))
            if prefix != nil { values.set(p + ".unseen_rate", Double(t.unseen) / Double(max(t.tokens, 1))) }
            if d.eosToken != nil { values.set(p + ".sentences", t.sentences) }
        }
        if prefix == nil {
            values.set(p + ".input_size", d.inputSize)
            values.set(p + ".output_size", d.outputSize)
            if let test = d.test { recordData(test, in: values, prefix: p + ".test") }
        }
    }
}
