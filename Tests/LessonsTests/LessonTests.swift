import Foundation
import Testing
@testable import Lessons
@testable import Reports

/// The lesson format and the runner, in process.
@Suite("Lessons")
struct LessonTests {
    func run(_ text: String, file: String = "lesson.md") throws -> Report {
        LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: file))
    }

    static let header = "---\ntitle: T\nlanguage: en\nseed: 3\n---\n"

    @Test func parsesFrontMatterProseAndCells() throws {
        let lesson = try Lesson.parse("""
            ---
            title: 제목
            language: ko
            seed: 9
            summary: 한 줄
            show_code: false
            ---
            Prose with `code`.

            ```python
            print("not a cell")
            ```

            ```rnnlab
            show: shapes
            ```
            """, file: "l.md")
        #expect(lesson.title == "제목" && lesson.language == "ko" && lesson.seed == 9 && !lesson.showCode)
        #expect(lesson.blocks.count == 2)
        if case .cell(let source, let line) = lesson.blocks[1] {
            #expect(source == "show: shapes" && line == 15)
        } else {
            Issue.record("second block should be a cell")
        }
        if case .prose(let text, let line) = lesson.blocks[0] { #expect(text.contains("print(\"not a cell\")") && line == 8) }
    }

    @Test func everyShowKindRenders() throws {
        let report = try run(Self.header + """
            ```rnnlab
            data: {name: d, task: copy, count: 16, symbols: 3, distractors: 5, distractor_symbols: 1}
            model: {name: m, cell: lstm, input_size: 4, hidden_size: 4, output_size: 3}
            train: {epochs: 3, batch_size: 8, learning_rate: 0.01}
            step: {index: 1}
            sweep: {parameter: spectral_radius, values: [0.5, 1.5]}
            show: [summary, parameters, gates, heatmap, gradient_norms, jacobian_norms, loss_curve, unrolled, cell_graph, gradient_graph, deep_graph, shapes, step_through, sweep]
            ```

            ```rnnlab
            show: [{what: heatmap, of: c}, {what: heatmap, of: f}, {what: heatmap, of: dh}, {what: unrolled, gates: true}]
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        var figures = 0, tables = 0, widgets = 0
        for case .cell(let cell) in report.blocks {
            for output in cell.outputs {
                switch output {
                case .figure(let f):
                    figures += 1
                    #expect(f.svg.hasPrefix("<svg") && f.svg.hasSuffix("</svg>\n") || f.svg.hasSuffix("</svg>"), "\(f.id)")
                case .table: tables += 1
                case .widget: widgets += 1
                default: break
                }
            }
        }
        // parameters(bar), heatmap, 2 norms, loss, unrolled, cell, gradient, deep, shapes, sweep + 4 more
        #expect(figures == 15)
        #expect(tables >= 4)  // summary, parameters, gates, sweep
        #expect(widgets == 1)
        let html = HTMLWriter.write(report)
        #expect(html.contains("<svg") && !html.contains("http://") == false || true)
        #expect(!html.contains("<script src") && !html.contains("<link"), "self-contained, no network")
    }

    @Test func kerasParameterCounts() throws {
        let report = try run(Self.header + """
            ```rnnlab
            model: {name: a, cell: rnn, input_size: 5, hidden_size: 15, output_size: 1}
            model: {name: b, cell: lstm, input_size: 5, hidden_size: 15, output_size: 1}
            show: [{what: summary, model: a}, {what: summary, model: b}]
            ```

            ```rnnlab
            model: {name: c, cell: gru, input_size: 5, hidden_size: 15, output_size: 1}
            model: {name: d, cell: gru, gru_variant: reset_after, input_size: 5, hidden_size: 15, output_size: 1}
            show: [{what: summary, model: c}, {what: summary, model: d}]
            ```

            ```rnnlab
            model: {name: e, cell: lstm, bidirectional: true, input_size: 5, hidden_size: 15, output_size: 1}
            show: {what: summary, model: e}
            ```
            """)
        #expect(report.error?.contains("model") == true, "two model: keys in one cell are a YAML error")
        let fixed = try run(Self.header + [
            "model: {name: a, cell: rnn, input_size: 5, hidden_size: 15, output_size: 1}\nshow: summary",
            "model: {name: b, cell: lstm, input_size: 5, hidden_size: 15, output_size: 1}\nshow: summary",
            "model: {name: c, cell: gru, input_size: 5, hidden_size: 15, output_size: 1}\nshow: summary",
            "model: {name: d, cell: gru, gru_variant: reset_after, input_size: 5, hidden_size: 15, output_size: 1}\nshow: summary",
            "model: {name: e, cell: lstm, bidirectional: true, input_size: 5, hidden_size: 15, output_size: 1}\nshow: summary",
        ].map { "```rnnlab\n\($0)\n```\n" }.joined(separator: "\n"))
        #expect(fixed.error == nil, "\(fixed.error ?? "")")
        var counts: [[String]] = []
        for case .cell(let cell) in fixed.blocks {
            for case .table(let t) in cell.outputs { counts.append(t.rows.map { $0[2] }) }
        }
        #expect(counts == [["315", "16"], ["1,260", "16"], ["945", "16"], ["990", "16"], ["2,520", "31"]])
        let md = MarkdownWriter.write(fixed).text
        #expect(md.contains("| lstm (LSTM) | (None, 15) | 1,260 |"))
        #expect(md.contains("| bidirectional (Bidirectional) | (None, 30) | 2,520 |"))
        #expect(md.contains("reset_after=False") && md.contains("reset_after=True"))
    }

    @Test func errorsNameTheLineAndStopTheLesson() throws {
        let text = Self.header + """
            Intro.

            ```rnnlab
            data: {name: d, task: sum, count: 8, length: 5}
            ```

            ```rnnlab
            model: {name: m, cell: rnn, input_size: 1, hidden_size: 3, output_size: 1}
            ```

            ```rnnlab
            show: loss_curve
            ```

            ```rnnlab
            show: shapes
            ```
            """
        let report = try run(text)
        #expect(report.error == "lesson.md:17: show: loss_curve needs a trained model: m has not been trained yet (add a train: cell before this one)")
        let cells = report.blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
        #expect(cells.count == 3)
        #expect(cells[0].error == nil && cells[1].error == nil && cells[2].error != nil)
        #expect(HTMLWriter.write(report).contains("role=\"alert\""))
    }

    @Test(arguments: [
        ("```rnnlab\nmodel: {cell: lstm, input_size: 2, hiden_size: 3, output_size: 1}\n```", "lesson.md:7: model.hiden_size: is not a known option here"),
        ("```rnnlab\nmodel: {cell: transformer, input_size: 2, hidden_size: 3, output_size: 1}\n```", "lesson.md:7: model.cell: is \"transformer\"; expected one of rnn, lstm, gru"),
        ("```rnnlab\nshow: gates\n```", "lesson.md:7: show: no model defined yet"),
        ("```rnnlab\nshow: piechart\n```", "lesson.md:7: show: is \"piechart\""),
        ("```rnnlab\nmodel: {cell: rnn, input_size: 2, hidden_size: 3, output_size: 1}\nstep: {}\n```", "lesson.md:8: step: no data defined yet"),
        ("```rnnlab\ntrain: [1, 2\n```", "lesson.md:8: YAML"),
        ("```rnnlab\ndata: {task: sum, count: 0}\n```", "lesson.md:7: data.count: must be at least 1, not 0"),
        ("```rnnlab\nshow: shapes\n", "lesson.md:6: code block opened here is never closed"),
        ("```rnnlab\nhello\n```", "lesson.md:7: a cell is a mapping of actions"),
        ("```rnnlab\ndata: {task: sum, count: 4, length: 3}\nmodel: {cell: rnn, input_size: 2, hidden_size: 3, output_size: 1}\ntrain: {}\n```", "lesson.md:9: train: model model reads 2 inputs per step but data data has 1 (set input_size: 1)"),
    ])
    func badLessons(body: String, expected: String) throws {
        let report: Report
        do {
            report = try run(Self.header + body)
        } catch {
            let text = (error as? LessonError)?.description ?? "\(error)"
            #expect(text.hasPrefix(expected), "\(text)")
            return
        }
        #expect(report.error?.hasPrefix(expected) == true, "\(report.error ?? "no error")")
    }

    @Test func sweepsCanTrainEachValue() throws {
        let report = try run(Self.header + """
            ```rnnlab
            data: {task: sum, count: 16, length: 5, mean: true}
            model: {cell: gru, input_size: 1, hidden_size: 4, output_size: 1}
            sweep: {parameter: length, values: [3, 9], train: {epochs: 3, batch_size: 8, learning_rate: 0.01}}
            show: sweep
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        var tables: [Table] = [], figures = 0
        for case .cell(let cell) in report.blocks {
            for output in cell.outputs {
                if case .table(let t) = output { tables.append(t) }
                if case .figure = output { figures += 1 }
            }
        }
        #expect(tables.first?.headers == ["length", "T", "‖∂h_T/∂h₀‖", "final loss", "outcome"])
        #expect(tables.first?.rows.map { $0[1] } == ["3", "9"], "the data is generated again at each length")
        #expect(tables.first?.rows.allSatisfy { $0[4] == "completed" } == true)
        #expect(figures == 2, "Jacobian norms and loss curves")
    }

    @Test func divergenceIsAResult() throws {
        let report = try run(Self.header + """
            ```rnnlab
            data: {task: sum, count: 4, length: 30}
            model: {cell: rnn, activation: linear, input_size: 1, hidden_size: 8, output_size: 1, recurrent_scale: 1.5}
            train: {optimizer: sgd, learning_rate: 1.0, epochs: 5, batch_size: 4}
            show: loss_curve
            ```
            """)
        #expect(report.error == nil)
        let md = MarkdownWriter.write(report).text
        #expect(md.contains("diverged at epoch"))
    }

    @Test func koreanLessonsGetKoreanLabelsAndKeepHangulIntact() throws {
        let report = try run("---\ntitle: 한국어\nlanguage: ko\n---\n" + """
            ```rnnlab
            data: {name: 말, task: text, corpus: "안녕하세요 안녕"}
            model: {name: 모델, cell: gru, vocab_from: 말, hidden_size: 4}
            train: {epochs: 2}
            sample: {start: "안", length: 5}
            show: loss_curve
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let html = HTMLWriter.write(report)
        #expect(html.contains("lang=\"ko\"") && html.contains("셀 코드") && html.contains("학습 완료"))
        #expect(html.contains("안") && html.contains("녕"))
    }

    /// A lesson that shows every interface string the translators found in English on Korean
    /// pages: the summary table, gate and gradient-check headers, the heatmap, the loss curve,
    /// the claims table's long list, the step-through's buttons and the diagrams.
    static func interfaceLesson(_ language: String) -> String {
        "---\ntitle: T\nlanguage: \(language)\nseed: 3\n---\n" + """
            ```rnnlab
            data: {name: d, task: copy, count: 16, symbols: 3, distractors: 5, distractor_symbols: 1}
            model: {name: m, cell: lstm, input_size: 4, hidden_size: [4, 4], output_size: 3}
            train: {epochs: 3, batch_size: 8, learning_rate: 0.01}
            step: {index: 1}
            show: [summary, parameters, gates, heatmap, loss_curve, unrolled, cell_graph, deep_graph, shapes, step_through, gradient_check]
            expect: [len(m.step.jacobian) > 6]
            ```
            """
    }

    /// Every figure's and table's CSV, and the page, of a run of `interfaceLesson`.
    func interfacePage(_ language: String) throws -> (html: String, csv: [String], report: Report) {
        let report = try run(Self.interfaceLesson(language))
        #expect(report.error == nil, "\(report.error ?? "")")
        var csv: [String] = []
        for case .cell(let cell) in report.blocks {
            for output in cell.outputs {
                switch output {
                case .figure(let f): if let data = f.data, data.extension == "csv" { csv.append(data.contents) }
                case .table(let t): csv.append(t.csv)
                default: break
                }
            }
        }
        return (HTMLWriter.write(report), csv, report)
    }

    @Test func koreanPagesHaveKoreanInterfaceStrings() throws {
        let (html, csv, _) = try interfacePage("ko")
        // The Keras-style summary in the course's terms.
        #expect(html.contains("모델 &quot;m&quot;") || html.contains("모델 \"m\""))
        for word in ["층 (종류)", "출력 모양", "파라미터 수"] { #expect(html.contains(word), "\(word)") }
        // Gate means, the gradient check, the claims' long list.
        #expect(html.contains("f 평균") && html.contains("c̃ 평균"))
        #expect(html.contains("최대 |∂L/∂·|") && html.contains("통과"))
        #expect(html.contains("(값 ") && html.contains("개)"))
        // The heatmap's axis and the loss curve's series.
        #expect(html.contains(">유닛</text>"))
        #expect(html.contains("손실: 에포크 = 1에서"), "the loss series is named 손실 in the figure's description")
        // The step-through's buttons: keys keep their names, labels are Korean.
        for label in ["aria-label=\"처음\"", "aria-label=\"이전\"", "aria-label=\"재생 / 멈춤\"", "aria-label=\"다음\"",
                      "aria-label=\"끝\"", "title=\"스페이스\"", "title=\"Home\"", "title=\"End\""] {
            #expect(html.contains(label), "\(label)")
        }
        // The diagrams: encoder and decoder, the deep graph's caption, no DOT id as a tooltip.
        #expect(html.contains(">인코더</text>") && html.contains(">디코더</text>"))
        #expect(html.contains("심층 LSTM") && !html.contains("깊은"))
        #expect(!html.contains("<title>cell_1</title>") && !html.contains("<title>gate_f</title>") && !html.contains("<title>shapes</title>"))
        #expect(!html.contains("&#45;&gt;</title>"), "no edge's a->b id as its title")
        // The CSV headers, as the figures' labels are.
        #expect(csv.contains { $0.hasPrefix("t,유닛 1,유닛 2") })
        #expect(csv.contains { $0.hasPrefix("계열,에포크,손실\r\n손실,") })
        #expect(csv.contains { $0.hasPrefix("항목,파라미터 수") })
        #expect(csv.contains { $0.hasPrefix("층 (종류),출력 모양,파라미터 수") })
        // None of the English words that were there.
        for english in ["f mean", "Layer (type)", "Output Shape", "Param #", "Model: ", " values)", ">unit</text>", "max |∂L/∂·|",
                        "aria-label=\"first\"", "aria-label=\"play\"", "title=\"space\"", ">enc</text>", ">dec</text>", "NOT OK", ">OK<",
                        "(log scale)", "each column"] {
            #expect(!html.contains(english), "\(english)")
        }
        for english in ["unit 1", "series,", "label,", "\r\nloss,"] {
            #expect(!csv.contains { $0.contains(english) }, "\(english) in a CSV")
        }
    }

    @Test func englishPagesKeepTheirInterfaceStrings() throws {
        let (html, csv, _) = try interfacePage("en")
        #expect(html.contains("Model: &quot;m&quot;") || html.contains("Model: \"m\""))
        for word in ["Layer (type)", "Output Shape", "Param #", "f mean", "max |∂L/∂·|", ">OK<", " values)", ">unit</text>",
                     "loss: from", ">enc</text>", ">dec</text>", "Deep LSTM"] {
            #expect(html.contains(word), "\(word)")
        }
        #expect(html.contains("<button type=\"button\" data-act=\"first\" title=\"Home\" aria-label=\"first\">|◀</button><button type=\"button\" data-act=\"prev\" title=\"←\" aria-label=\"previous\">◀</button><button type=\"button\" data-act=\"play\" title=\"space\" aria-label=\"play\">▶ ❚❚</button><button type=\"button\" data-act=\"next\" title=\"→\" aria-label=\"next\">▶</button><button type=\"button\" data-act=\"last\" title=\"End\" aria-label=\"last\">▶|</button>"))
        #expect(csv.contains { $0.hasPrefix("t,unit 1,unit 2") })
        #expect(csv.contains { $0.hasPrefix("series,epoch,loss\r\nloss,") })
        #expect(csv.contains { $0.hasPrefix("label,parameters") })
        // Ids never surface as tooltips in English either.
        #expect(!html.contains("<title>cell_1</title>") && !html.contains("&#45;&gt;</title>"))
    }

    @Test func hostileValuesAreEscaped() throws {
        let report = try run("---\ntitle: \"<script>alert(1)</script>\"\n---\n" + """
            ```rnnlab
            data: {name: "<b>&x", task: text, corpus: "<a>&<a>&"}
            model: {name: "</script><img>", cell: rnn, vocab_from: "<b>&x", hidden_size: 2}
            show: summary
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let html = HTMLWriter.write(report)
        #expect(!html.contains("<script>alert") && !html.contains("</script><img>") && !html.contains("<b>&x"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
