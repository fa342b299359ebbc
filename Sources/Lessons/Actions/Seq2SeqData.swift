import Foundation
import RNNCore
import Reports

/// Digit strings and what an encoder–decoder must write for them (`Seq2SeqToyTask`), with a
/// held-out part no training string appears in.
struct Seq2SeqData {
    var name: String
    /// `reverse_digits`, `sort_digits` or `digit_words`.
    var task: String
    var pairs: [Seq2SeqPair]
    var test: [Seq2SeqPair]
    /// The source lengths of the training part, for "lengths seen in training".
    var lengths: [Int]
    var testLengths: [Int]
    /// Display text of every source id (the digits) and target id (BOS, EOS, then digits or words).
    var sourceVocabulary: [String]
    var targetVocabulary: [String]
    /// Separator between tokens on the page: digits and words alike are spaced ("3 1 4").
    func sourceText(_ ids: [Int]) -> String { ids.map { sourceVocabulary[$0] }.joined(separator: " ") }
    func targetText(_ ids: [Int]) -> String { ids.map { targetVocabulary[$0] }.joined(separator: " ") }

    /// The target for any digit string under this data's task.
    func pair(_ digits: [Int]) -> Seq2SeqPair {
        switch task {
        case "sort_digits": return Seq2SeqToyTask.sort.pair(digits)
        case "digit_words": return Seq2SeqPair(source: digits, target: digits.map { $0 + 2 })
        default: return Seq2SeqToyTask.reverse.pair(digits)
        }
    }
}

/// `data:` with `task: reverse_digits`, `sort_digits` or `digit_words`.
///
/// | option | meaning |
/// | --- | --- |
/// | `count` | training strings (default 256, at most 100,000), all distinct |
/// | `length` | digits per string: one length, or a list of lengths the strings are spread evenly over (1 … 30) |
/// | `test` | `N` more strings of the training lengths, or `{count: N, length: [...]}`; never a training string |
/// | `words` | `digit_words` only: `en` ("three one four") or `ko` ("삼 일 사"); default the lesson's language |
/// | `name`, `seed` | as for every dataset |
extension Actions {
    static let seq2seqTasks = ["reverse_digits", "sort_digits", "digit_words"]

    static let digitWords: [String: [String]] = [
        "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
        "ko": ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"],
    ]

    /// Whether a `data:` cell defines digit-string data (its `task` is one of `seq2seqTasks`).
    static func isSeq2SeqData(_ field: Field) -> Bool {
        guard case .mapping(let m) = field.node else { return false }
        for (k, v) in m where k.string == "task" { return seq2seqTasks.contains(v.string ?? "") }
        return false
    }

    static func defineSeq2SeqData(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "task", "seed", "count", "length", "test", "words"])
        let task = try o.required("task").choice(seq2seqTasks)
        let name = try o["name"]?.string() ?? "data"
        let seed = try seedOption(o) ?? state.seed(for: "data:" + name)
        if let w = o["words"], task != "digit_words" { throw w.error("applies to task digit_words only") }
        let words = try o["words"]?.choice(["en", "ko"]) ?? (state.language == "ko" ? "ko" : "en")
        let count = try o["count"]?.int(min: 1, max: 100_000) ?? 256
        let lengths = try digitLengths(o["length"]) ?? [3, 4, 5]
        var testCount = 0, testLengths = lengths
        if let t = o["test"] {
            if t.isScalar {
                testCount = try t.int(min: 1, max: 100_000)
            } else {
                let to = try t.mapping(allowed: ["count", "length"])
                testCount = try to.required("count").int(min: 1, max: 100_000)
                testLengths = try digitLengths(to["length"]) ?? lengths
            }
        }
        let data = Seq2SeqData(name: name, task: task, pairs: [], test: [], lengths: lengths, testLengths: testLengths,
                               sourceVocabulary: (0...9).map(String.init),
                               targetVocabulary: ["BOS", "EOS"] + (task == "digit_words" ? digitWords[words]! : (0...9).map(String.init)))
        var d = data
        d.pairs = spread(count, over: lengths, seed: seed, excluding: [], as: data)
        if testCount > 0 {
            d.test = spread(testCount, over: testLengths, seed: seed &+ 0x9E37_79B9_7F4A_7C15,
                            excluding: Set(d.pairs.map(\.source)), as: data)
        }
        state.seq2seqData[name] = d
        state.lastData = name
        let values = state.values
        values.set(name + ".count", d.pairs.count)
        values.set(name + ".lengths", .list(lengths.map(Double.init)))
        if !d.test.isEmpty {
            values.set(name + ".test.count", d.test.count)
            values.set(name + ".test.lengths", .list(testLengths.map(Double.init)))
        }
        return [.note(seq2seqDataNote(d, language: state.language))]
    }

    /// `length: 5` or `length: [3, 4, 5]`: distinct lengths from 1 to 30, in order.
    private static func digitLengths(_ field: Field?) throws(LessonError) -> [Int]? {
        guard let field else { return nil }
        var out: [Int] = []
        for f in try field.listOrSingle() {
            let n = try f.int(min: 1, max: 30)
            if out.contains(n) { throw f.error("lists length \(n) twice") }
            out.append(n)
        }
        guard !out.isEmpty else { throw field.error("needs at least one length") }
        return out.sorted()
    }

    /// `count` distinct strings spread evenly over `lengths` (the first `count mod n` lengths
    /// get one more), each length drawn from its own stream; fewer where a length has fewer
    /// strings left (10 of length 1).
    private static func spread(_ count: Int, over lengths: [Int], seed: UInt64, excluding: Set<[Int]>,
                               as data: Seq2SeqData) -> [Seq2SeqPair] {
        var seen = excluding, out: [Seq2SeqPair] = []
        for (k, n) in lengths.enumerated() {
            let share = count / lengths.count + (k < count % lengths.count ? 1 : 0)
            let drawn = Seq2SeqToyTask.reverse.pairs(count: share, lengths: n...n, seed: seed &+ UInt64(n), excluding: seen)
            for p in drawn {
                seen.insert(p.source)
                out.append(data.pair(p.source))
            }
        }
        return out
    }

    static func seq2seqDataNote(_ d: Seq2SeqData, language: String) -> String {
        let ko = language == "ko"
        let example = d.pairs.first.map { "\(d.sourceText($0.source)) → \(d.targetText($0.target))" } ?? ""
        let lengths = d.lengths.map(String.init).joined(separator: ", ")
        var text = ko
            ? "**\(Escape.markdown(d.name))**: 숫자열 \(NumberFormat.grouped(d.pairs.count))개 (길이 \(lengths)), 예: \(Escape.markdown(example))"
            : "**\(Escape.markdown(d.name))**: \(NumberFormat.grouped(d.pairs.count)) digit strings of length \(lengths), e.g. \(Escape.markdown(example))"
        if !d.test.isEmpty {
            let t = d.testLengths.map(String.init).joined(separator: ", ")
            text += ko
                ? "; 테스트용 \(NumberFormat.grouped(d.test.count))개 (길이 \(t), 학습 데이터에 없는 숫자열만)"
                : "; \(NumberFormat.grouped(d.test.count)) held-out strings of length \(t), none of them in training"
        }
        return text
    }
}
