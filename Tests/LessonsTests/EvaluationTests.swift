import Foundation
import Testing
@testable import Lessons
@testable import Reports

/// Held-out evaluation, comparisons over seeds, predictions, `expect`, numbers in prose and
/// values.json: the lesson language of honest experiments.
@Suite("Evaluation and claims")
struct EvaluationTests {
    func run(_ body: String, language: String = "en", file: String = "lesson.md") throws -> Report {
        let text = "---\ntitle: T\nlanguage: \(language)\nseed: 3\n---\n" + body
        return LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: file))
    }

    func values(_ report: Report) throws -> [String: Any] {
        let data = Data((report.values ?? "").utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func tables(_ report: Report) -> [Table] {
        var out: [Table] = []
        for case .cell(let cell) in report.blocks { for case .table(let t) in cell.outputs { out.append(t) } }
        return out
    }

    func prose(_ report: Report) -> String {
        report.blocks.compactMap { if case .prose(let p) = $0 { return p } else { return nil } }.joined(separator: "\n")
    }

    static let copyTask = """
        ```rnnlab
        data: {name: copy, task: copy, count: 64, symbols: 2, distractors: 3, distractor_symbols: 2, test: 32}
        model: {name: m, cell: gru, input_size: 4, hidden_size: 6, output_size: 2}
        train: {epochs: 15, learning_rate: 0.05, batch_size: 16}
        evaluate: {model: m}
        ```
        """

    @Test func evaluateReportsHeldOutAccuracyBesideBaselines() throws {
        let report = try run(Self.copyTask)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        let accuracy = try #require(v["m.test.accuracy"] as? Double)
        #expect(v["m.test.count"] as? Int == 32)
        #expect(v["m.test.baseline.chance"] as? Double == 0.5)
        let majority = try #require(v["m.test.baseline.majority"] as? Double)
        #expect(majority >= 0.5 - 1e-12 || majority < 0.5, "a fraction")
        #expect(accuracy > 0.9, "a 3-step copy task is easy: \(accuracy)")
        let table = try #require(tables(report).first { $0.caption?.contains("held-out") == true })
        #expect(table.rows.map(\.[0]) == ["m", "chance", "majority class"])
        // Independently: count the argmax hits of the trained model on the test part by hand.
        #expect(table.rows[0][2] == String(format: "%.1f%%", accuracy * 100))
    }

    @Test func regressionAccuracyIsTheFractionWithinTolerance() throws {
        let report = try run("""
            ```rnnlab
            data: {name: s, task: sum, mean: true, count: 64, length: 5, test: 40}
            model: {name: m, cell: rnn, input_size: 1, hidden_size: 4, output_size: 1}
            evaluate: {model: m, tolerance: 1000}
            ```

            ```rnnlab
            evaluate: {model: m, tolerance: 0.000001, name: strict}
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        #expect(v["m.test.accuracy"] as? Double == 1, "everything is within 1000")
        #expect((v["strict.accuracy"] as? Double ?? 1) < 0.1, "almost nothing within 1e-6 untrained")
        #expect(v["m.test.baseline.mean_loss"] is Double)
        #expect(v["m.test.loss"] as? Double == v["strict.loss"] as? Double, "the same model, the same loss")
    }

    @Test func evaluateWithoutHeldOutDataSaysWhatToDo() throws {
        let report = try run("""
            ```rnnlab
            data: {name: s, task: sum, count: 8, length: 3}
            model: {name: m, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            evaluate: {model: m}
            ```
            """)
        #expect(report.error == "lesson.md:9: evaluate: data s has no held-out part (give it test: N or split: 0.2)")
    }

    @Test func compareTrainsEveryVariantOverSeedsAndIsDeterministic() throws {
        let body = """
            ```rnnlab
            data: {name: copy, task: copy, count: 48, symbols: 2, distractors: 4, distractor_symbols: 2, test: 24}
            compare:
              name: cmp
              data: copy
              model: {input_size: 4, hidden_size: 5, output_size: 2}
              variants: {rnn: {cell: rnn}, lstm: {cell: lstm}, wide: {cell: lstm, hidden_size: 8, train: {learning_rate: 0.02}}}
              seeds: 3
              train: {epochs: 4, learning_rate: 0.01, batch_size: 16}
            ```
            """
        let report = try run(body)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        for variant in ["rnn", "lstm", "wide"] {
            let all = try #require(v["cmp.\(variant).test.accuracy.all"] as? [Double])
            #expect(all.count == 3)
            let median = try #require(v["cmp.\(variant).test.accuracy"] as? Double)
            #expect(median == all.sorted()[1])
            #expect(v["cmp.\(variant).test.accuracy.min"] as? Double == all.min())
            #expect(v["cmp.\(variant).seeds"] as? Int == 3)
        }
        #expect(v["cmp.rnn.parameters"] as? Int == 5 * 4 + 5 * 5 + 5 + 5 * 2 + 2)
        #expect((v["cmp.wide.parameters"] as? Int ?? 0) > (v["cmp.lstm.parameters"] as? Int ?? 0))
        let table = try #require(tables(report).first)
        #expect(table.rows.map(\.[0]) == ["rnn", "lstm", "wide", "chance", "majority class"])
        #expect(table.rows[0][4] == "\(v["cmp.rnn.solved"] as? Int ?? -1) / 3")
        // The same lesson twice: the same values and the same report bytes.
        let again = try run(body)
        #expect(again.values == report.values)
        #expect(HTMLWriter.write(again) == HTMLWriter.write(report))
        #expect(MarkdownWriter.write(again).text == MarkdownWriter.write(report).text)
        // One thread gives the same numbers as two.
        setenv("RNNLAB_THREADS", "1", 1)
        defer { unsetenv("RNNLAB_THREADS") }
        #expect(try run(body).values == report.values)
    }

    @Test func compareByLengthRecordsEachLength() throws {
        let report = try run("""
            ```rnnlab
            data: {name: copy, task: copy, count: 32, symbols: 2, distractors: [2, 6], distractor_symbols: 2, test: 16}
            compare: {name: c, model: {input_size: 4, hidden_size: 3, output_size: 2}, variants: {g: {cell: gru}}, seeds: 2, train: {epochs: 2}}
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        #expect(v["c.g.test.accuracy[3]"] is Double && v["c.g.test.accuracy[7]"] is Double)
    }

    @Test func expectChecksClaimsAndShowsThem() throws {
        let report = try run(Self.copyTask + """

            ```rnnlab
            expect: ["m.test.accuracy > m.test.baseline.chance", "m.parameters == 3 * (4 * 6 + 6 * 6 + 6) + 6 * 2 + 2"]
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let claims = try #require(tables(report).last)
        #expect(claims.rows.count == 2 && claims.rows.allSatisfy { $0[2] == "✓" })
        #expect(claims.rows[0][1].contains("m.test.accuracy = ") && claims.rows[0][1].contains("m.test.baseline.chance = 0.5"))
    }

    @Test func aFailingExpectStopsTheLessonAtItsLineAndKeepsTheReport() throws {
        let report = try run(Self.copyTask + """

            Before the claim.

            ```rnnlab
            expect:
              - m.test.accuracy > 0
              - m.test.accuracy > 2
            show: summary
            ```

            After: never reached.

            ```rnnlab
            show: shapes
            ```
            """)
        let error = try #require(report.error)
        #expect(error.hasPrefix("lesson.md:17: expected m.test.accuracy > 2, measured m.test.accuracy = "), "\(error)")
        let cells = report.blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
        #expect(cells.count == 2, "the report ends with the failing cell")
        let last = try #require(cells.last)
        #expect(last.error == error)
        guard case .table(let claims)? = last.outputs.last else { Issue.record("the claims table is kept"); return }
        #expect(claims.rows.map(\.[2]) == ["✓", "✗"])
        #expect(!prose(report).contains("never reached"))
        // The files: values so far, and the error in place in both reports.
        #expect(report.values?.contains("\"m.test.accuracy\"") == true)
        #expect(MarkdownWriter.write(report).text.contains(error))
    }

    @Test func aClaimAboutAnUnknownNameIsAnErrorNotAFailure() throws {
        let report = try run(Self.copyTask + "\n\n```rnnlab\nexpect: m.test.acuracy > 0.5\n```\n")
        let error = try #require(report.error)
        #expect(error.hasPrefix("lesson.md:14: expect: m.test.acuracy > 0.5: "), "\(error)")
        #expect(error.contains("m.test.accuracy"), "suggests the names it knows: \(error)")
    }

    @Test func proseInterpolatesMeasuredValuesInKoreanToo() throws {
        let report = try run(Self.copyTask + """

            테스트 정확도는{{ m.test.accuracy | percent }}이고, 파라미터는 {{ m.parameters | int }}개입니다.
            손실: {{ m.train.first_loss | fixed:3 }} → {{ m.train.final_loss | sci:2 }}, 비율 {{ m.train.first_loss / m.train.final_loss | times }}.
            """, language: "ko")
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        let accuracy = try #require(v["m.test.accuracy"] as? Double)
        let text = prose(report)
        #expect(text.contains("테스트 정확도는\(String(format: "%.1f", accuracy * 100))%이고"), "\(text)")
        #expect(text.contains("파라미터는 212개입니다"), "\(text)")
        #expect(!text.contains("{{"), "\(text)")
    }

    @Test func proseMayQuoteAResultBeforeTheCellThatMeasuresIt() throws {
        let report = try run("The model has {{ m.parameters | int }} weights.\n\n" + Self.copyTask)
        #expect(report.error == nil, "\(report.error ?? "")")
        #expect(prose(report).contains("The model has 212 weights."))
    }

    @Test func anUnknownNameInProseNamesItsLine() throws {
        let report = try run(Self.copyTask + "\n\nFine.\n\nThe loss was {{ m.train.finale_loss }}.\n\n```rnnlab\nshow: shapes\n```\n")
        let error = try #require(report.error)
        #expect(error.hasPrefix("lesson.md:15: "), "\(error)")
        #expect(error.contains("m.train.finale_loss"))
        let cells = report.blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
        #expect(cells.count == 2, "the report stops at the prose that failed")
    }

    @Test func valuesJSONIsCompleteAndTheSameOnEveryRun() throws {
        let body = """
            ```rnnlab
            data: {name: hello, task: text, corpus: "hello"}
            model: {name: lm, cell: rnn, vocab_from: hello, hidden_size: 3}
            train: {epochs: 5, learning_rate: 0.05, batch_size: 1}
            step: {}
            sweep: {name: sw, parameter: spectral_radius, values: [0.5, 1.5]}
            sample: {name: hot, start: "h", length: 6, temperature: 2}
            ```
            """
        let report = try run(body)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        for name in ["lm.parameters", "lm.train.first_loss", "lm.train.final_loss", "lm.train.losses", "lm.train.diverged",
                     "lm.step.loss", "lm.step.dh_norm", "lm.step.jacobian", "sw.values", "sw.jacobian[0.5]", "sw.jacobian[1.5]",
                     "sw.jacobian", "hot.text", "hot.entropy", "hot.novel_bigrams"] {
            #expect(v[name] != nil, "\(name) in values.json")
        }
        #expect((v["lm.train.losses"] as? [Double])?.count == 5)
        #expect((v["lm.step.dh_norm"] as? [Double])?.count == 5, "t = 0…4")
        let sweep = try #require(v["sw.jacobian"] as? [Double])
        #expect(sweep == [v["sw.jacobian[0.5]"] as? Double ?? -1, v["sw.jacobian[1.5]"] as? Double ?? -1])
        #expect(try run(body).values == report.values, "byte-identical on a rerun")
    }

    @Test func predictionsShowTopKForClassesAndErrorsForRegression() throws {
        let report = try run("""
            ```rnnlab
            data: {name: hello, task: text, corpus: "hello"}
            model: {name: lm, cell: rnn, vocab_from: hello, hidden_size: 3}
            show: {what: predictions, top: 2}
            ```

            ```rnnlab
            data: {name: s, task: sum, count: 8, length: 3, test: 5}
            model: {name: r, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            show: {what: predictions, model: r, data: s, tolerance: 0.5}
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let t = tables(report)
        let lm = try #require(t.first)
        #expect(lm.rows.map { $0[1] } == ["h", "e", "l", "l"], "inputs")
        #expect(lm.rows.map { $0[2] } == ["e", "l", "l", "o"], "targets")
        #expect(lm.rows.allSatisfy { $0[3].components(separatedBy: " · ").count == 2 })
        let reg = try #require(t.last)
        #expect(reg.rows.count == 5, "every held-out sequence, up to count")
        for row in reg.rows {
            let target = Double(row[1])!, predicted = Double(row[2])!, error = Double(row[3])!
            #expect(abs(predicted - target - error) < 1.5e-3)
            #expect(row[4] == (abs(error) < 0.5 ? "✓" : "✗"))
        }
    }
}

/// TeX in prose: MathML on the page, `$…$` kept in report.md, unsupported TeX an error at its
/// line and column.
@Suite("Math in lessons")
struct LessonMathTests {
    func run(_ body: String) throws -> Report {
        LessonRunner(showProgress: false).run(lesson: try Lesson.parse("---\ntitle: M\nlanguage: ko\n---\n" + body, file: "lesson.md"))
    }

    @Test func proseMathBecomesMathMLAndStaysTeXInMarkdown() throws {
        let report = try run("은닉 상태 $h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t)$는 매 시점 갱신됩니다.\n\n$$\\frac{\\partial h_T}{\\partial h_t} = \\prod_{k=t+1}^{T} W_{hh}$$\n")
        #expect(report.error == nil, "\(report.error ?? "")")
        let html = HTMLWriter.write(report)
        #expect(html.contains("<math") && html.contains("<math display=\"block\"") && html.contains("<mfrac>"))
        #expect(html.contains("application/x-tex"))
        #expect(MarkdownWriter.write(report).text.contains("$h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t)$"))
    }

    @Test func unsupportedTeXNamesLineAndColumn() throws {
        let report = try run("First line.\n\nSecond: $a + \\foo{b}$ here.\n")
        let error = try #require(report.error)
        #expect(error.hasPrefix("lesson.md:7:14: "), "\(error)")
        #expect(error.contains("\\foo"))
    }
}
