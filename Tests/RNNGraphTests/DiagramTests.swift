import Foundation
import Testing
@testable import RNNCore
@testable import RNNGraph

/// Every diagram kind for every cell: structure in the SVG, golden DOT, determinism.
@Suite("Diagrams")
struct DiagramTests {
    static let specs: [(String, CellSpec)] = [
        ("rnn", CellSpec(kind: .rnn, inputSize: 2, hiddenSize: 3)),
        ("lstm", CellSpec(kind: .lstm, inputSize: 2, hiddenSize: 3)),
        ("lstm_peephole", CellSpec(kind: .lstm, inputSize: 2, hiddenSize: 3, peephole: true)),
        ("gru_lecture", CellSpec(kind: .gru, inputSize: 2, hiddenSize: 3, gruVariant: .lecture)),
        ("gru_reset_after", CellSpec(kind: .gru, inputSize: 2, hiddenSize: 3, gruVariant: .resetAfter)),
        ("gru_simplified", CellSpec(kind: .gru, inputSize: 2, hiddenSize: 3, gruVariant: .simplified)),
    ]

    static func trace(_ spec: CellSpec, steps: Int, loss: LossKind = .mseAll) -> Trace {
        let network = Network(NetworkSpec(cell: spec.kind, inputSize: spec.inputSize, hiddenSizes: [spec.hiddenSize],
                                          outputSize: 1, gruVariant: spec.gruVariant, peephole: spec.peephole))
        var rng = SplitMix64(seed: 5)
        let x = (0..<(steps * spec.inputSize)).map { _ in rng.uniform(-1, 1) }
        let targets: Targets = loss == .mseAll ? .vectors((0..<steps).map { _ in rng.uniform(-1, 1) }) : .vectors([0.5])
        let sample = Sample(input: .vectors(x, steps: steps), loss: loss, targets: targets)
        return Trace(model: Model(network: network, parameters: network.initialParameters(seed: 3)), sample: sample)
    }

    /// The ids of every <g> element in an SVG.
    static func ids(_ svg: String) -> Set<String> {
        var out = Set<String>()
        var rest = svg[...]
        while let r = rest.range(of: "<g id=\"") {
            rest = rest[r.upperBound...]
            if let end = rest.firstIndex(of: "\"") { out.insert(String(rest[..<end])) }
        }
        return out
    }

    static let gateIds: [CellKind: [String]] = [
        .rnn: ["op_affine", "op_phi"],
        .lstm: ["gate_f", "gate_i", "gate_ctilde", "gate_o", "op_fc", "op_ic", "op_cplus", "op_tanhc", "op_oh"],
        .gru: ["gate_z", "gate_r", "gate_htilde", "op_rh", "op_1mz", "op_keep", "op_new", "op_hplus"],
    ]

    @Test(arguments: specs.map(\.0))
    func unrolledHasEveryStepNodeAndEdge(name: String) throws {
        let spec = Self.specs.first { $0.0 == name }!.1
        let trace = Self.trace(spec, steps: 5)
        let svg = try Graphviz.svg(fromDOT: UnrolledDiagram(trace: trace).dot.text)
        let ids = Self.ids(svg)
        for t in 1...5 {
            for id in ["x_\(t)", "cell_\(t)", "h_\(t)", "y_\(t)", "edge_h_\(t - 1)__cell_\(t)", "edge_cell_\(t)__h_\(t)", "edge_x_\(t)__cell_\(t)"] {
                #expect(ids.contains(id), "\(name): no \(id)")
            }
            if spec.hasCellState {
                #expect(ids.contains("c_\(t)") && ids.contains("edge_c_\(t - 1)__cell_\(t)"), "\(name): no c_\(t)")
            }
            #expect(ids.contains("edge_y_\(t)__loss"), "mse_all: every y feeds the loss")
        }
        #expect(ids.contains("h_0") && ids.contains("loss"))
        #expect(svg.contains("h₃ = ["), "values as tooltips")
    }

    @Test(arguments: specs.map(\.0))
    func gateLevelUnrolledAndCellHaveEveryGate(name: String) throws {
        let spec = Self.specs.first { $0.0 == name }!.1
        let trace = Self.trace(spec, steps: 3)
        var d = UnrolledDiagram(trace: trace)
        d.gateLevel = true
        let unrolled = Self.ids(try Graphviz.svg(fromDOT: d.dot.text))
        let cell = Self.ids(try Graphviz.svg(fromDOT: CellDiagram.dot(spec: spec, record: trace.record.layers[0][0], step: 2).text))
        var expected = Self.gateIds[spec.kind]!
        if spec.kind == .gru && spec.gruVariant == .resetAfter { expected.append("op_whh") }
        if spec.kind == .gru && spec.gruVariant == .simplified {
            // The notes' simplified GRU has no reset gate, so neither r nor r ⊙ h_{t-1}.
            expected.removeAll { $0 == "gate_r" || $0 == "op_rh" }
            #expect(!cell.contains("gate_r_2") && !cell.contains("op_rh_2"), "\(name): a reset gate")
            #expect(cell.contains("edge_h_1__gate_htilde_2"), "\(name): h̃ reads h_{t-1} itself")
        }
        for base in expected {
            for t in 1...3 { #expect(unrolled.contains("\(base)_\(t)"), "\(name): unrolled lacks \(base)_\(t)") }
            #expect(cell.contains("\(base)_2"), "\(name): cell lacks \(base)_2")
        }
        #expect(unrolled.contains("step_2"))
        if spec.peephole { #expect(cell.contains("edge_c_1__gate_f_2")) }
    }

    @Test func longSequencesFoldAndKeepAskedSteps() throws {
        let spec = Self.specs[1].1
        let trace = Self.trace(spec, steps: 1000, loss: .mseLast)
        var d = UnrolledDiagram(trace: trace)
        d.keep = [500]
        let svg = try Graphviz.svg(fromDOT: d.dot.text)
        let ids = Self.ids(svg)
        #expect(ids.contains("fold_3_499") && ids.contains("fold_501_998"))
        for t in [1, 2, 500, 999, 1000] { #expect(ids.contains("cell_\(t)")) }
        #expect(!ids.contains("cell_3") && !ids.contains("cell_700"))
        #expect(svg.contains("… 497 steps …"))
        #expect(svg.utf8.count < 1_000_000)
    }

    @Test func gradientViewScalesEdgesByTheGradient() throws {
        // A linear RNN with a contracting W_hh: the gradient shrinks towards t = 1.
        let spec = Self.specs[0].1
        let trace = Self.trace(spec, steps: 8, loss: .mseLast)
        let dot = UnrolledDiagram(trace: trace, mode: .gradient).dot
        let text = dot.text
        #expect(text.contains("cluster_legend"))
        func width(_ edge: String) -> Double? {
            for case .edge(let from, let to, let a) in dot.statements where "edge_\(from)__\(to)" == edge {
                return a["penwidth"].flatMap(Double.init)
            }
            return nil
        }
        let norms = (0...8).map { euclideanNorm(trace.record.layers[0][0].dhAt($0)) }
        let early = try #require(width("edge_h_0__cell_1")), late = try #require(width("edge_h_7__cell_8"))
        #expect((norms[0] < norms[7]) == (early < late))
        let svg = try Graphviz.svg(fromDOT: text)
        #expect(svg.contains("‖dL/dh₇‖"))
    }

    @Test func shapesAndStackedDiagrams() throws {
        for language in DiagramLanguage.allCases {
            let shapes = Self.ids(try Graphviz.svg(fromDOT: ShapesDiagram.dot(language: language).text))
            for id in ["one_to_one", "one_to_many", "many_to_one", "many_to_many", "encoder_decoder"] {
                #expect(shapes.contains(id), "\(language): \(id)")
            }
        }
        let ko = try Graphviz.svg(fromDOT: ShapesDiagram.dot(language: .ko).text)
        #expect(ko.contains("기계 번역") && ko.contains("Noto Sans CJK KR"))

        let deep = NetworkSpec(cell: .lstm, inputSize: 2, hiddenSizes: [3, 3, 3], outputSize: 1)
        let deepIds = Self.ids(try Graphviz.svg(fromDOT: StackedDiagram.dot(spec: deep, steps: 4).text))
        for l in 1...3 { for t in 1...4 { #expect(deepIds.contains("a_\(l)_\(t)")) } }
        #expect(deepIds.contains("edge_a_1_2__a_2_2") && deepIds.contains("edge_a_2_1__a_2_2"))

        let bi = NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [3], outputSize: 1, bidirectional: true)
        let biIds = Self.ids(try Graphviz.svg(fromDOT: StackedDiagram.dot(spec: bi, steps: 4).text))
        #expect(biIds.contains("edge_af_1_1__af_1_2") && biIds.contains("edge_ab_1_2__ab_1_1"))
        #expect(biIds.contains("edge_af_1_3__y_3") && biIds.contains("edge_ab_1_3__y_3"))
    }

    @Test func theShapesAndDeepGraphsSpeakThePagesLanguage() throws {
        let ko = ShapesDiagram.dot(language: .ko).text, en = ShapesDiagram.dot(language: .en).text
        #expect(ko.contains("label=\"인코더\"") && ko.contains("label=\"디코더\"") && !ko.contains("\"enc\"") && !ko.contains("\"dec\""))
        #expect(en.contains("label=\"enc\"") && en.contains("label=\"dec\""))
        let deep = NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [3, 3], outputSize: 1)
        #expect(StackedDiagram.dot(spec: deep, steps: 2, language: .ko).attributes["label"]?.hasPrefix("심층 GRU") == true)
        #expect(StackedDiagram.dot(spec: deep, steps: 2).attributes["label"]?.hasPrefix("Deep GRU") == true)
    }

    /// Graphviz titles every element with its DOT id, which a browser shows as its tooltip: on
    /// a page, an element takes its tooltip as its title, the drawing its caption, the rest none.
    @Test(arguments: DiagramLanguage.allCases)
    func noDOTIdSurfacesAsATooltip(language: DiagramLanguage) throws {
        var unrolled = UnrolledDiagram(trace: Self.trace(Self.specs[1].1, steps: 3))
        unrolled.gateLevel = true
        unrolled.language = language
        let graphs = [unrolled.dot, ShapesDiagram.dot(language: language), CellDiagram.dot(spec: Self.specs[1].1, language: language),
                      StackedDiagram.dot(spec: NetworkSpec(cell: .lstm, inputSize: 2, hiddenSizes: [3, 3], outputSize: 1), steps: 3, language: language)]
        for g in graphs {
            let raw = try Graphviz.svg(fromDOT: g.text)
            let svg = try Graphviz.svg(g)
            #expect(svg == SVGTitles.human(raw, graphTitle: g.attributes["label"]))
            let ids = Self.ids(raw)
            let titles = svg.components(separatedBy: "<title>").dropFirst().map { String($0.prefix { $0 != "<" }) }
            #expect(!titles.isEmpty || g.attributes["label"] == nil)
            for title in titles {
                #expect(!ids.contains(title) && !title.contains("&#45;&gt;") && !title.hasPrefix("cluster_"), "\(g.name): \(title)")
            }
            if let label = g.attributes["label"] {
                let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
                #expect(titles.first == escaped, "\(g.name)")
            }
            // Elements with a tooltip keep it, as their title too.
            let tooltips = raw.components(separatedBy: "xlink:title=\"").count - 1
            #expect(svg.components(separatedBy: "xlink:title=\"").count - 1 == tooltips)
            // Nothing else changes: every element, id and drawing is as Graphviz wrote it.
            #expect(Self.ids(svg) == ids)
            #expect(svg.replacingOccurrences(of: #"<title>[^<]*</title>\n?"#, with: "", options: .regularExpression)
                    == raw.replacingOccurrences(of: #"<title>[^<]*</title>\n?"#, with: "", options: .regularExpression))
        }
        let shapes = try Graphviz.svg(ShapesDiagram.dot(language: language))
        #expect(shapes.contains(language == .ko ? "<title>시퀀스 문제의 다섯 가지 형태</title>" : "<title>The five shapes of sequence problems</title>"))
    }

    @Test func everyDiagramRendersTheSameBytesTwice() throws {
        let trace = Self.trace(Self.specs[1].1, steps: 6)
        var gates = UnrolledDiagram(trace: trace)
        gates.gateLevel = true
        let graphs = [UnrolledDiagram(trace: trace).dot, UnrolledDiagram(trace: trace, mode: .gradient).dot, gates.dot,
                      ShapesDiagram.dot(language: .ko), CellDiagram.dot(spec: Self.specs[4].1)]
        for g in graphs {
            let a = try Graphviz.svg(fromDOT: g.text)
            _ = try Graphviz.svg(fromDOT: ShapesDiagram.dot().text)  // other work in between
            let b = try Graphviz.svg(fromDOT: g.text)
            #expect(a == b, "\(g.name) differs between renders")
        }
    }

    /// Golden DOT: regenerate with RNNLAB_UPDATE_GOLDEN=1 swift test --filter golden
    @Test(arguments: ["unrolled_lstm", "gradient_rnn", "cell_gru_reset_after", "gates_gru_lecture", "shapes_ko", "deep_bidirectional",
                      "seq2seq_lstm_ko", "seq2seq_folded_gradient", "encoder_hands_over"])
    func golden(name: String) throws {
        let dot: DOTGraph
        switch name {
        case "unrolled_lstm": dot = UnrolledDiagram(trace: Self.trace(Self.specs[1].1, steps: 4)).dot
        case "gradient_rnn": dot = UnrolledDiagram(trace: Self.trace(Self.specs[0].1, steps: 4, loss: .mseLast), mode: .gradient).dot
        case "cell_gru_reset_after": dot = CellDiagram.dot(spec: Self.specs[4].1, language: .ko)
        case "gates_gru_lecture":
            var d = UnrolledDiagram(spec: Self.specs[3].1, steps: 2)
            d.gateLevel = true
            dot = d.dot
        case "shapes_ko": dot = ShapesDiagram.dot(language: .ko)
        case "seq2seq_lstm_ko": dot = Self.seq2seq(sourceLength: 3, language: .ko).dot
        case "seq2seq_folded_gradient":
            var d = Self.seq2seq(sourceLength: 15, bidirectional: true)
            d.gradientView = true
            dot = d.dot
        case "encoder_hands_over":
            var d = UnrolledDiagram(trace: Self.trace(Self.specs[1].1, steps: 3), mode: .gradient)
            d.handsOver = true
            d.handsOverCellState = true
            d.inputLabels = ["3", "1", "4"]
            dot = d.dot
        default: dot = StackedDiagram.dot(spec: NetworkSpec(cell: .rnn, inputSize: 2, hiddenSizes: [3, 3], outputSize: 1, bidirectional: true), steps: 3)
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).dot")
        if ProcessInfo.processInfo.environment["RNNLAB_UPDATE_GOLDEN"] == "1" {
            try dot.text.write(to: source, atomically: true, encoding: .utf8)
        }
        let url = try #require(Bundle.module.url(forResource: "Golden/\(name)", withExtension: "dot"), "missing golden file \(name).dot")
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(dot.text == golden)
    }

    /// A reversal pair "1 2 … S" → "S … 1" whose second prediction is wrong.
    static func seq2seq(sourceLength S: Int, bidirectional: Bool = false, language: DiagramLanguage = .en) -> Seq2SeqDiagram {
        let source = (1...S).map { String($0 % 10) }
        let target = Array(source.reversed())
        var predictions = target + ["EOS"]
        if predictions.count > 1 { predictions[1] = "7" }
        var d = Seq2SeqDiagram(source: source, decoderInputs: ["BOS"] + target, targets: target + ["EOS"], predictions: predictions,
                               encoderCell: .lstm, decoderCell: .lstm)
        d.bidirectional = bidirectional
        d.encoderGradient = (0...S).map { pow(0.7, Double(S - $0)) }
        d.lossValue = 0.25
        d.language = language
        return d
    }

    @Test func theEncoderDecoderGraphHandsOverFoldsLongHalvesAndEscapesTokens() throws {
        let short = Self.seq2seq(sourceLength: 3).dot.text
        // Every source step, the hand-off of h_S and c_S, and the fed-back outputs.
        for id in ["x_1", "h_3", "in_1", "s_4", "out_4"] { #expect(short.contains("\"\(id)\""), "\(id)") }
        #expect(short.contains("h₃, c₃ handed over"))
        #expect(short.contains("\"out_1\" -> \"in_2\""))
        #expect(short.contains("≠"))  // the wrong prediction says what the target was
        // A long source folds: the diagram does not grow with S.
        let long = Self.seq2seq(sourceLength: 30).dot.text
        #expect(long.contains("enc_fold_3_28") && long.contains("… 26 steps …") && long.contains("dec_fold_3_29"))
        #expect(!long.contains("\"x_10\""))
        // Hostile tokens reach DOT and SVG escaped.
        var hostile = Self.seq2seq(sourceLength: 3)
        hostile.source[0] = "<b>\"&\\"
        let svg = try Graphviz.svg(fromDOT: hostile.dot.text)
        #expect(!svg.contains("<b>") && svg.contains("&lt;b&gt;"))
        _ = try Graphviz.svg(fromDOT: Self.seq2seq(sourceLength: 30, bidirectional: true).dot.text)
    }
}
