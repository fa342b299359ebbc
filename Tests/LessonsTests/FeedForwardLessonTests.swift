import Foundation
import Testing
@testable import Lessons
@testable import Reports

/// The models issue 14's curriculum adds: feed-forward models in lessons (beside recurrent ones
/// in a compare), the nearest neighbours of an embedding, and the simplified GRU on the page.
@Suite("Feed-forward models, neighbours and the simplified GRU in lessons")
struct FeedForwardLessonTests {
    func run(_ cells: String) throws -> Report {
        LessonRunner(showProgress: false).run(lesson: try Lesson.parse(LessonTests.header + cells, file: "lesson.md"))
    }

    func values(_ report: Report) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data((report.values ?? "").utf8)) as? [String: Any])
    }

    func error(_ cell: String) throws -> String {
        try run("```rnnlab\n" + cell + "\n```\n").error ?? ""
    }

    static let sums = "data: {name: s, task: sum, count: 60, length: [4, 8], mean: true, test: {count: 30, length: [4, 8, 16]}}"

    @Test func aWindowBaselineTrainsEvaluatesAndCompares() throws {
        let body = """
            ```rnnlab
            \(Self.sums)
            model: {name: ff, kind: feedforward, input_size: 1, window: 8, hidden_size: 16, output_size: 1}
            train: {epochs: 4, learning_rate: 0.01}
            evaluate: {model: ff, tolerance: 0.05}
            show: [summary, parameters, loss_curve, {what: predictions, count: 3, tolerance: 0.05}]
            ```

            ```rnnlab
            compare:
              name: c
              data: s
              model: {input_size: 1, hidden_size: 8, output_size: 1}
              variants: {rnn: {cell: rnn}, w2: {kind: feedforward, window: 2}, w16: {kind: feedforward, window: 16}}
              seeds: 2
              train: {epochs: 2, learning_rate: 0.01}
              tolerance: 0.05
            ```
            """
        let report = try run(body)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        // Keras: Flatten → Dense(16, tanh) → Dense(1) on (8, 1): 8·16 + 16 + 16 + 1
        #expect(v["ff.parameters"] as? Double == 161)
        #expect(v["ff.test.loss[16]"] != nil && v["ff.test.accuracy"] != nil && v["ff.predictions.accuracy"] != nil)
        #expect((v["ff.train.losses"] as? [Double])?.count == 4)
        // The count grows with the window (W·8 + 8 + 8 + 1); the RNN's does not.
        #expect(v["c.w2.parameters"] as? Double == 33 && v["c.w16.parameters"] as? Double == 145 && v["c.rnn.parameters"] as? Double == 89)
        #expect(v["c.w16.test.accuracy[16]"] != nil && v["c.rnn.test.accuracy[16]"] != nil)
        let md = MarkdownWriter.write(report).text
        #expect(md.contains("| flatten (Flatten) | (None, 8) | 0 |") && md.contains("| dense (Dense) | (None, 16) | 144 |"))
        #expect(md.contains("zero-padded in front") && md.contains("u_t &= [x_{t-7}; \\dots; x_{t-1}; x_t]"))
        #expect(md.contains("| W_1 | 16 × 8 | 128 |"))
        // Same seed, same bytes.
        #expect(try run(body).values == report.values)
    }

    @Test func theNotesEmbeddingExampleHasKerasCounts() throws {
        let report = try run("""
            ```rnnlab
            model: {name: notes, kind: feedforward, embedding: {vocab: 256, size: 128}, pooling: average, hidden_size: 128, activation: relu, output_size: 10}
            show: summary
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        #expect(try values(report)["notes.parameters"] as? Double == 50_570)
        let md = MarkdownWriter.write(report).text
        for row in ["| embedding (Embedding) | (None, None, 128) | 32,768 |", "| global_average_pooling1d (GlobalAveragePooling1D) | (None, 128) | 0 |",
                    "| dense (Dense) | (None, 128) | 16,512 |", "| dense_1 (Dense) | (None, 10) | 1,290 |"] {
            #expect(md.contains(row), "\(row)")
        }
        #expect(md.contains("Total params: 50,570") && md.contains("u &= \\frac{1}{T} \\sum_{t=1}^{T} x_t"))
        let html = HTMLWriter.write(report)
        #expect(!html.contains("<code class=\"math-error\""))
    }

    @Test func showsAndActionsThatNeedARecurrenceAreRefusedAtTheirLine() throws {
        let ff = "\(Self.sums)\nmodel: {name: ff, kind: feedforward, input_size: 1, window: 3, hidden_size: 4, output_size: 1}"
        for show in ["step_through", "jacobian_norms", "gates", "cell_graph", "unrolled", "gradient_check", "deep_graph"] {
            let e = try error(ff + "\nshow: \(show)")
            #expect(e.hasPrefix("lesson.md:9: show: \(show) needs a recurrent network: ff is a feed-forward model (kind: feedforward)"), "\(e)")
            #expect(e.contains("it takes show: summary, parameters, predictions, loss_curve, neighbours"))
        }
        #expect(try error(ff + "\nstep: {model: ff}").hasPrefix("lesson.md:9: step.model: ff is a feed-forward model (kind: feedforward), with no recurrence"))
        #expect(try error(ff + "\nsweep: {parameter: length, values: [4, 8]}").hasPrefix("lesson.md:9: sweep: ff is a feed-forward model"))
        #expect(try error(ff + "\ntrain: {truncation: 2}").hasPrefix("lesson.md:9: train.truncation: applies to recurrent networks"))
        // Options of the other kind, misspelt kinds, readers.
        #expect(try error("model: {name: r, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1, window: 3}").hasPrefix("lesson.md:7: model.window: is not a known option here"))
        #expect(try error("model: {kind: feedforward, cell: gru, input_size: 1, window: 3, hidden_size: 2, output_size: 1}").hasPrefix("lesson.md:7: model.cell: is not a known option here"))
        #expect(try error("model: {kind: feedfoward, input_size: 1, window: 3, hidden_size: 2, output_size: 1}")
            == "lesson.md:7: model.kind: is \"feedfoward\"; expected one of feedforward, encoder_decoder")
        #expect(try error("model: {kind: feedforward, input_size: 1, hidden_size: 2, output_size: 1}").hasPrefix("lesson.md:7: model: needs window: W"))
        #expect(try error("model: {kind: feedforward, input_size: 1, window: 2, pooling: average, hidden_size: 2, output_size: 1}").hasPrefix("lesson.md:7: model.pooling: give window or pooling, not both"))
        #expect(try error("model: {kind: feedforward, input_size: 1, window: 0, hidden_size: 2, output_size: 1}").hasPrefix("lesson.md:7: model.window:"))
        #expect(try error("model: {kind: feedforward, input_size: 1, pooling: max, hidden_size: 2, output_size: 1}").hasPrefix("lesson.md:7: model.pooling:"))
        // Pooling makes one output per sequence: a per-step loss is refused where it is trained.
        let text = "data: {name: t, task: text, corpus: \"hello hello\", length: 4}\nmodel: {name: p, kind: feedforward, vocab_from: t, pooling: average, hidden_size: 4}\ntrain: {model: p}"
        #expect(try error(text).hasPrefix("lesson.md:9: train: model p averages every step (pooling: average) into one output per sequence, but data t's loss xent_all"))
        // A compare's variant gets the same checks, at the variant's option.
        let compare = "\(Self.sums)\ncompare: {data: s, model: {input_size: 1, hidden_size: 4, output_size: 1}, variants: {a: {cell: rnn}, b: {kind: feedforward, window: 2, peephole: true}}, seeds: 1}"
        #expect(try error(compare).hasPrefix("lesson.md:8: compare.variants.b.peephole: applies to recurrent networks, not to kind: feedforward"))
        // Sizes are checked before anything is allocated.
        #expect(try error("model: {kind: feedforward, input_size: 100000, window: 100000, hidden_size: 65536, output_size: 1}").contains("of memory, over the limit"))
    }

    @Test func trainingWorkIsEstimatedBeforeItStarts() throws {
        // 52,001 weights, one output per sequence: 10⁴ epochs × 10⁵ sequences × about 6 per weight.
        let cell = """
            data: {task: sum, count: 100000, length: 50}
            model: {name: ff, kind: feedforward, input_size: 1, window: 50, hidden_size: 1000, output_size: 1}
            train: {epochs: 10000}
            """
        let e = try error(cell)
        #expect(e.hasPrefix("lesson.md:9: train: training 52,001 weights for 10,000 epochs over 100,000 sequences (5,000,000 steps) is about 3.337e+14"), "\(e)")
        #expect(e.contains("--max-work"))
    }

    @Test func neighboursOfALearnedEmbedding() throws {
        // Word-level text whose tokens are markup and dollars: every one must reach the page as text.
        let corpus = "the cat sat . the dog sat . a cat ran . a dog ran . <b>bold</b> $x$ a|b . the cat sat ."
        let body = """
            ```rnnlab
            data: {name: t, task: text, level: word, corpus: "\(corpus)", length: 4}
            model: {name: lm, cell: gru, gru_variant: simplified, embedding: {size: 6}, vocab_from: t, hidden_size: 8}
            train: {epochs: 3, learning_rate: 0.01}
            show: [{what: neighbours, tokens: [cat, "<b>bold</b>", "$x$"], top: 3}, {what: neighbours, name: nb, count: 2, top: 2}]
            expect:
              - -1 <= lm.neighbours.q1.similarity[0] <= 1
              - lm.neighbours.q1.token == "cat"
              - nb.q1.token == "."
            ```
            """
        let report = try run(body)
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        let sims = try #require(v["lm.neighbours.q1.similarity"] as? [Double])
        #expect(sims.count == 3 && sims == sims.sorted(by: >))
        #expect((v["lm.neighbours.q2.token"] as? String) == "<b>bold</b>" && v["lm.neighbours.mean_similarity"] != nil)
        #expect((v["lm.neighbours.q1.neighbours"] as? String)?.split(separator: " ").count == 3)
        let html = HTMLWriter.write(report)
        #expect(!html.contains("<b>bold</b>") && html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(!html.contains("<code class=\"math-error\""))
        let md = MarkdownWriter.write(report).text
        #expect(md.contains("a\\|b") || !md.contains("| a|b"))
        #expect(try run(body).values == report.values)
        // A model without an embedding, and a token the data does not have.
        let e = try error("data: {name: t, task: text, corpus: \"abcabc\", length: 3}\nmodel: {name: m, cell: rnn, vocab_from: t, hidden_size: 2}\nshow: neighbours")
        #expect(e.hasPrefix("lesson.md:9: show: neighbours needs a learned embedding: m has none"))
        let unknown = try error("data: {name: t, task: text, corpus: \"abcabc\", length: 3}\nmodel: {name: m, cell: rnn, embedding: {size: 2}, vocab_from: t, hidden_size: 2}\nshow: {what: neighbours, tokens: [z]}")
        #expect(unknown.hasPrefix("lesson.md:9: show.tokens[0]: is \"z\", not a token of data t (its tokens: a b c)") || unknown.contains("not a token of data t"), "\(unknown)")
    }

    @Test func neighboursAreCosineSimilarities() throws {
        // Hand-made embedding: E rows along known directions.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ff-neighbours-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = """
            {"cell":"rnn","input_size":2,"hidden_size":1,"output_size":3,"vocab_size":3,
             "weights":{"E":[[1,0],[1,1],[0,-2]],"W_xh":[[0.1,0.2]],"W_hh":[[0.5]],"b_h":[0],"W_hy":[[1],[0],[-1]],"b_y":[0,0,0]}}
            """
        try model.write(to: dir.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        let text = LessonTests.header + """
            ```rnnlab
            data: {name: t, task: text, corpus: "abcabcab", length: 3}
            model: {name: m, weights: m.json}
            show: {what: neighbours, tokens: [a, b, c], top: 2}
            ```
            """
        let file = dir.appendingPathComponent("l.md")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let report = LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: file.path))
        #expect(report.error == nil, "\(report.error ?? "")")
        let v = try values(report)
        let r = 1 / 2.0.squareRoot()
        // a = (1, 0): b at cos 1/√2, c at 0;  b = (1, 1): a 1/√2, c −1/√2;  c = (0, −2): a 0, b −1/√2
        #expect(v["m.neighbours.q1.nearest"] as? String == "b" && v["m.neighbours.q2.nearest"] as? String == "a")
        #expect(v["m.neighbours.q3.nearest"] as? String == "a")
        func close(_ key: String, _ expected: [Double]) {
            let got = v[key] as? [Double] ?? []
            #expect(got.count == expected.count && zip(got, expected).allSatisfy { abs($0 - $1) < 1e-15 }, "\(key): \(got)")
        }
        close("m.neighbours.q1.similarity", [r, 0])
        close("m.neighbours.q2.similarity", [r, -r])
        close("m.neighbours.q3.similarity", [0, -r])
    }

    @Test func theSimplifiedGRUOnThePage() throws {
        let report = try run("""
            ```rnnlab
            data: {name: s, task: sum, count: 16, length: 6}
            model: {name: g, cell: gru, gru_variant: simplified, input_size: 1, hidden_size: 3, output_size: 1}
            train: {epochs: 2}
            step: {model: g}
            show: [summary, cell_graph, step_through, gates, {what: heatmap, of: h_tilde}, gradient_check]
            expect:
              - g.parameters == 2 * (3 * 1 + 3 * 3 + 3) + 3 + 1
              - g.gradient_check.worst_error < 1e-6
            ```
            """)
        #expect(report.error == nil, "\(report.error ?? "")")
        let md = MarkdownWriter.write(report).text
        #expect(md.contains("simplified_gru (SimplifiedGRU)") && md.contains("Keras has no simplified GRU layer"))
        #expect(md.contains("h_t &= z_t \\odot \\tilde h_t + (1 - z_t) \\odot h_{t-1}"))
        let html = HTMLWriter.write(report)
        #expect(html.contains("Simplified GRU cell (update gate only)") && !html.contains("gate_r_1") && !html.contains("<code class=\"math-error\""))
        let e = try error("model: {cell: rnn, gru_variant: simplified, input_size: 1, hidden_size: 2, output_size: 1}")
        #expect(e == "lesson.md:7: model.gru_variant: applies to cell gru only")
    }
}
