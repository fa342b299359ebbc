import Foundation
import Testing
import Yams
@testable import Lessons
@testable import Reports

/// The encoder–decoder's lesson cells: their options, their errors at the right line, and the
/// values they record.
@Suite("Seq2Seq lesson cells")
struct Seq2SeqLessonTests {
    static let header = "---\ntitle: T\nlanguage: en\nseed: 3\n---\n"
    static let small = """
        data: {name: d, task: reverse_digits, count: 60, length: [2, 3], test: {count: 30, length: [2, 3, 4]}}
        model: {name: s, kind: encoder_decoder, cell: gru, hidden_size: 6, embedding_size: 4}
        """

    func run(_ cells: String..., language: String = "en") throws -> Report {
        let header = Self.header.replacingOccurrences(of: "language: en", with: "language: \(language)")
        let text = header + cells.map { "```rnnlab\n\($0)\n```\n" }.joined(separator: "\n")
        return LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: "lesson.md"))
    }

    func values(_ report: Report) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data((report.values ?? "{}").utf8)) as? [String: Any] ?? [:]
    }

    @Test func trainsEvaluatesSamplesAndStepsWithEveryValueNamed() throws {
        let report = try run(Self.small + """

            train: {model: s, epochs: 2, learning_rate: 0.01}
            evaluate: {model: s}
            sample: {model: s, count: 3, top: 2}
            step: {model: s, source: "1 2 3 4"}
            show: [loss_curve, unrolled, gradient_graph, gradient_norms, jacobian_norms]
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        #expect(v["d.count"] as? Double == 60)
        #expect(v["d.test.count"] as? Double == 30)
        for name in ["s.parameters", "s.train.final_loss", "s.test.accuracy", "s.test.accuracy[4]", "s.test.count[2]",
                     "s.test.trained_lengths.accuracy", "s.test.other_lengths.accuracy", "sample.matches",
                     "sample.min_probability", "sample.output[0]", "s.step.dh_norm", "s.step.jacobian"] {
            #expect(v[name] != nil, "\(name)")
        }
        #expect((v["s.step.dh_norm"] as? [Double])?.count == 5)  // s = 0 … 4
        #expect((v["s.step.jacobian"] as? [Double])?.last == 1)  // ∂h_S/∂h_S
        #expect(report.timings?.contains("\"s.train\"") == true)
    }

    @Test func heldOutStringsAreNeverTrainingStringsAndSpreadEvenly() throws {
        var s = LessonState(file: "lesson.md", seed: 3, language: "en")
        _ = try Actions.defineSeq2SeqData(try field("data", "{name: d, task: sort_digits, count: 90, length: [2, 3, 4], test: 30}"), state: s)
        let d = try #require(s.seq2seqData["d"])
        #expect(d.pairs.count == 90)
        #expect(Dictionary(grouping: d.pairs, by: \.source.count).mapValues(\.count) == [2: 30, 3: 30, 4: 30])
        #expect(Set(d.pairs.map(\.source)).isDisjoint(with: d.test.map(\.source)))
        #expect(d.pairs.allSatisfy { $0.target == $0.source.sorted().map { $0 + 2 } })
        s = LessonState(file: "lesson.md", seed: 3, language: "ko")
        _ = try Actions.defineSeq2SeqData(try field("data", "{name: w, task: digit_words, count: 5, length: 3}"), state: s)
        let w = try #require(s.seq2seqData["w"])
        #expect(w.targetText([5, 3, 6]) == "삼 일 사")
    }

    func field(_ key: String, _ yaml: String) throws -> Field {
        let node = try #require(try Yams.compose(yaml: yaml))
        return Field(node: node, path: key, baseLine: 1, file: "lesson.md")
    }

    @Test func mistakesStopAtTheirLineWithWhatWouldBeAccepted() throws {
        let cases: [(String, String)] = [
            (Self.small + "\nsample: {model: s, sources: [\"1 x 3\"]}", "lesson.md:9:32: sample.sources[0]: \"x\" is not a digit 0–9"),
            (Self.small + "\ntrain: {model: s, epochs: 0}", "lesson.md:9: train.epochs: must be at least 1, not 0"),
            ("data: {task: reverse_digits, length: [3, 3]}", "lesson.md:7: data.length[1]: lists length 3 twice"),
            ("data: {task: reverse_digits, words: en}", "lesson.md:7: data.words: applies to task digit_words only"),
            ("model: {kind: encoder_decoder, cell: lstm, hidden_size: 4}", "lesson.md:7: model: needs digit-string data first"),
            ("data: {name: d, task: reverse_digits}\nmodel: {kind: encoder_decoder, cell: lstm, hidden_size: 4, encoder: {bidirectional: true}, decoder: {hidden_size: 4}}",
             "lesson.md:8: model.decoder.hidden_size: is 4; the encoder hands over 2 × 4 = 8"),
            (Self.small + "\nshow: gradient_norms", "lesson.md:9: show: gradient_norms needs a recorded pair"),
            (Self.small + "\nshow: summary", "lesson.md:9: show: s is an encoder–decoder"),
            ("data: {name: d, task: reverse_digits}\nmodel: {name: n, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}\ntrain: {model: n}", "lesson.md:9: train: d is encoder–decoder data"),
            (Self.small + "\nevaluate: {model: s, on: train, tolerance: 1}", "lesson.md:9: evaluate.tolerance: is not a known option here"),
        ]
        for (cell, expected) in cases {
            let e = try run(cell).error ?? ""
            #expect(e.hasPrefix(expected), "\(e)")
        }
    }

    @Test func trainingTooLargeIsRefusedBeforeItStarts() throws {
        let e = try run("""
            data: {name: d, task: reverse_digits, count: 100000, length: 30}
            model: {name: s, kind: encoder_decoder, cell: lstm, hidden_size: 256}
            train: {model: s, epochs: 100000}
            """).error ?? ""
        #expect(e.hasPrefix("lesson.md:9: train: training"), "\(e)")
        #expect(e.contains("--max-work"))
    }

    @Test func koreanLabels() throws {
        let report = try run(Self.small + "\ntrain: {model: s, epochs: 1}\nevaluate: {model: s}", language: "ko")
        #expect(report.error == nil)
        let text = MarkdownWriter.write(report).text
        #expect(text.contains("입력 길이별 완전 일치 정확도"))
        #expect(text.contains("학습에 걸린 시간"))
    }
}
