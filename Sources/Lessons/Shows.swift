import Foundation
import RNNCore
import RNNGraph
import Reports

/// `show:` — everything a lesson can display. A show of something that does not exist yet
/// (a loss curve before training, gates before a step) is an error at the cell's line.
enum Shows {
    static let kinds = ["summary", "parameters", "gates", "heatmap", "gradient_norms", "jacobian_norms", "loss_curve",
                        "unrolled", "cell_graph", "gradient_graph", "deep_graph", "shapes", "step_through", "sweep", "gradient_check", "predictions", "neighbours", "connectivity", "what_if"]

    static func show(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        var outputs: [Output] = []
        for item in try field.listOrSingle() {
            if item.isScalar {
                let kind = try item.choice(kinds)
                let empty = Options(field: item, entries: [])
                outputs += try one(kind, empty, state: state)
            } else {
                let o = try item.mapping(allowed: ["what", "model", "data", "of", "unit", "step", "steps", "log", "gates", "sweep",
                                                   "on", "index", "count", "top", "tolerance", "caption", "half", "tokens", "name",
                                                   "layer", "direction"])
                var shown = try one(try o.required("what").choice(kinds), o, state: state)
                if let c = o["caption"] { try caption(c, on: &shown) }
                outputs += shown
            }
        }
        return outputs
    }

    /// `caption:` — the lesson's own caption (text with `$…$` math) for what a show draws: every
    /// figure and table it produced (a summary's table, a heatmap).
    private static func caption(_ field: Field, on outputs: inout [Output]) throws(LessonError) {
        let text = try field.string()
        if let problem = InlineMath.problem(in: text) {
            throw field.error(atCharacter: problem.column, problem.message)
        }
        var captioned = false
        for k in outputs.indices {
            switch outputs[k] {
            case .figure(var f):
                f.caption = text
                outputs[k] = .figure(f)
                captioned = true
            case .table(var t):
                t.caption = text
                outputs[k] = .table(t)
                captioned = true
            default: break
            }
        }
        guard captioned else { throw field.error("this show draws no figure or table to caption") }
    }

    private static func trace(_ o: Options, _ state: LessonState, _ what: String) throws(LessonError) -> Trace {
        let model = try state.model(o["model"], options: o)
        guard let t = state.steps[model.name] else {
            throw o.error("\(what) needs a recorded step: model \(model.name) has none yet (add a step: cell before this one)")
        }
        return t
    }

    /// A chart as a figure, with the numbers it plots as CSV beside the report.
    static func figure(_ state: LessonState, _ svg: (String) -> String, caption: String = "", alt: String,
                       csv: String) -> Output {
        let id = state.nextFigureId()
        return .figure(Figure(id: id, svg: svg(id), caption: caption, alt: alt, data: ("csv", csv)))
    }

    /// A Graphviz figure; drawn from a recorded step, its data is that step's trace (the JSON of
    /// `rnnlab trace`). Its title is set above the drawing (so that a wide drawing scrolling in
    /// its box never takes it out of view) and its colour key under it (`GraphLegend`, plus
    /// `key`); a foldable diagram (`fitting`) is drawn once per width it must read at, folded to
    /// fit (`FoldableDiagram.fitted`). The stand-alone file is Graphviz's drawing of `dot`,
    /// title included.
    static func graphviz(_ state: LessonState, _ dot: DOTGraph, caption: String, o: Options,
                         trace: Trace? = nil, traceJSON: [UInt8]? = nil, fitting diagram: (any FoldableDiagram)? = nil,
                         key: LegendEntry? = nil) throws(LessonError) -> Output {
        do {
            let file = try Graphviz.svg(dot)
            let id = state.nextFigureId()
            let title = dot.attributes["label"]
            var variants: [FigureVariant]
            if let diagram {
                variants = try diagram.fitted()
            } else {
                variants = [FigureVariant(svg: try Graphviz.untitledSVG(dot), widths: FitWidth.allCases, steps: 0)]
            }
            // Every drawing's ids prefixed, the drawings of other widths' by their width too.
            for k in variants.indices {
                let prefix = id + "-" + (k == 0 ? "" : variants[k].widths[0].rawValue + "-")
                variants[k].svg = prefixIds(svgBody(variants[k].svg), with: prefix)
            }
            var figure = Figure(id: id, svg: variants[0].svg, caption: caption, alt: title ?? "computation graph", file: file,
                                data: (trace?.json() ?? traceJSON).map { ("json", String(decoding: $0, as: UTF8.self)) })
            figure.title = title
            figure.legend = GraphLegend.entries(dot, language: state.language == "ko" ? .ko : .en) + (key.map { [$0] } ?? [])
            if variants.count > 1 { figure.variants = variants }
            return .figure(figure)
        } catch {
            throw o.error(error.description)
        }
    }

    /// `layer: all`: a step-through of every cell of a stacked or bidirectional network, one
    /// shown at a time, chosen by a menu (the fragment of any of them opens it).
    static func everyLayer(_ trace: Trace, _ o: Options, language: String,
                           stepThrough: (Trace) throws(LessonError) -> Output) throws(LessonError) -> Output {
        let spec = trace.model.network.spec
        guard spec.hiddenSizes.count > 1 || spec.bidirectional else {
            throw o["layer"]!.error("is \"all\", but this network has one cell (all needs a stacked or bidirectional network)")
        }
        if let f = o["direction"] { throw f.error("is not taken with layer: all, which shows every direction") }
        let ko = language == "ko"
        var options = "", panels = "", markdown = ""
        var k = 0
        for l in spec.hiddenSizes.indices {
            for d in 0..<(spec.bidirectional ? 2 : 1) {
                let arrow = spec.bidirectional ? (d == 0 ? (ko ? " 정방향 →" : " forward →") : (ko ? " 역방향 ←" : " backward ←")) : ""
                let name = (ko ? "\(l + 1)층" : "layer \(l + 1)") + arrow
                guard case .widget(let html, let md) = try stepThrough(l == 0 && d == 0 ? trace : trace.layerView(layer: l, direction: d)) else { continue }
                options += "<option value=\"\(k)\">\(Escape.html(name))</option>"
                panels += "<div class=\"st-layer-panel\" data-k=\"\(k)\"\(k == 0 ? "" : " hidden")>\n\(html)\n</div>\n"
                markdown += "*\(name)*\n\n" + md + "\n"
                k += 1
            }
        }
        let label = ko ? "셀" : "cell"
        let html = "<div class=\"st-layers\"><p class=\"st-layer-choice\"><label>\(label) <select data-act=\"layer\">\(options)</select></label></p>\n\(panels)</div>"
        return .widget(html: html, markdown: markdown)
    }

    /// The trace of the layer and direction a step-through asks for (`layer: 2`, `direction:
    /// backward`), as a trace of its own (`Trace.layerView`); the first layer's forward cell
    /// when it asks for neither.
    static func layerOf(_ trace: Trace, _ o: Options) throws(LessonError) -> Trace {
        let spec = trace.model.network.spec
        let L = spec.hiddenSizes.count
        var layer = 1, direction = 0
        if let f = o["layer"] {
            guard L > 1 else { throw f.error("this network has one layer; layer applies to a stacked network (hidden_size: [a, b, …])") }
            layer = try f.int(min: 1, max: L)
        }
        if let f = o["direction"] {
            let d = try f.choice(["forward", "backward"])
            guard spec.bidirectional || d == "forward" else {
                throw f.error("is \"backward\", but this network is not bidirectional")
            }
            direction = d == "forward" ? 0 : 1
        }
        return layer == 1 && direction == 0 ? trace : trace.layerView(layer: layer - 1, direction: direction)
    }

    /// Every `id="…"` in an SVG prefixed, so that several inline figures can share a page.
    static func prefixIds(_ svg: String, with prefix: String) -> String {
        svg.replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)")
    }

    /// Graphviz's SVG without the XML prolog and doctype, to sit inline in HTML.
    static func svgBody(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return String(svg[start.lowerBound...])
    }

    static func one(_ kind: String, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        let language: DiagramLanguage = ko ? .ko : .en
        if seq2seqKinds.contains(kind), namesSeq2Seq(o, state) { return try seq2seq(kind, o, state: state) }
        if let half = o["half"] { throw half.error("half applies to the step_through of an encoder–decoder only") }
        for key in ["layer", "direction"] where kind != "step_through" {
            if let f = o[key] { throw f.error("applies to step_through only (which layer or direction of a stacked or bidirectional network to step through)") }
        }
        // A feed-forward model takes the shows that read its weights or outputs (FeedForwardShows.swift).
        if kind != "shapes" && kind != "sweep" && kind != "what_if", let model = try state.feedForward(o["model"]) {
            return try feedForward(kind, model, o, state: state)
        }
        switch kind {
        case "summary":
            let model = try state.model(o["model"], options: o)
            let data = model.dataName.flatMap { state.datasets[$0] } ?? state.lastData.flatMap { state.datasets[$0] }
            let steps = data?.steps
            let (table, note) = Summary.table(model.network, name: model.name, steps: steps,
                                              perStepOutput: data?.loss.coversAllSteps ?? false, language: state.language)
            return [.table(table), .note(note)]
        case "parameters":
            return parameters(try state.model(o["model"], options: o), state: state)
        case "gates":
            let trace = try trace(o, state, kind)
            let r = trace.record.layers[0][0]
            guard !r.spec.gateNames.isEmpty else { throw o.error("gates: a vanilla RNN has no gates (show a heatmap instead)") }
            let H = r.hiddenSize, shown = min(H, 3)
            var headers = ["t"]
            for name in r.spec.gateNames {
                headers.append(ko ? "\(display(name)) 평균" : "\(display(name)) mean")
                for j in 0..<shown { headers.append("\(display(name))[\(j + 1)]") }
            }
            let steps = stepsShown(r.steps)
            let rows = steps.map { t -> [String] in
                guard t > 0 else { return ["…"] + Array(repeating: "", count: headers.count - 1) }
                var row = [String(t)]
                for g in r.spec.gateNames.indices {
                    let v = r.gate(g, at: t)
                    row.append(NumberFormat.fixed(v.reduce(0, +) / Double(H), 3))
                    for j in 0..<shown { row.append(NumberFormat.fixed(v[v.startIndex + j], 3)) }
                }
                return row
            }
            var caption = ko ? "게이트 값 (σ 게이트는 0–1, tanh 후보는 −1–1)" : "Gate values (σ gates in 0–1, the tanh candidate in −1–1)"
            if H > shown { caption += ko ? "; 처음 \(shown)개 유닛과 전체 평균" : "; the first \(shown) units and the mean over all \(H)" }
            return [.table(Table(caption: caption, headers: headers, rows: rows, numeric: Set(1..<headers.count)))]
        case "heatmap":
            let trace = try trace(o, state, kind)
            let r = trace.record.layers[0][0]
            let of = try o["of"]?.string() ?? "h"
            let H = r.hiddenSize, T = r.steps
            var values: [Double], scale = Heatmap.Scale.diverging, title: String
            switch of {
            case "h": values = Array(r.h[H...]); title = ko ? "은닉 상태 h_t" : "Hidden state h_t"
            case "c":
                guard r.spec.hasCellState else { throw o["of"]!.error("only an LSTM has a cell state c") }
                values = Array(r.c[H...]); title = ko ? "셀 상태 c_t" : "Cell state c_t"
            case "dh": values = Array(r.dh[H...]); title = "dL/dh_t"
            default:
                guard let g = r.spec.gateNames.firstIndex(where: { $0 == of || display($0) == of }) else {
                    throw (o["of"] ?? o.field).error("is \"\(of)\"; expected h, c, dh or a gate of this cell (\(r.spec.gateNames.joined(separator: ", ")))")
                }
                values = (1...T).flatMap { Array(r.gate(g, at: $0)) }
                title = (ko ? "게이트 " : "Gate ") + display(r.spec.gateNames[g])
                if r.spec.gateNames[g] != "c_tilde" && r.spec.gateNames[g] != "h_tilde" { scale = .unitInterval }
            }
            var map = Heatmap(title: title, values: values, steps: T, units: H, scale: scale)
            map.language = state.language
            return [figure(state, { map.svg(id: $0) }, caption: map.caption, alt: map.title + (map.caption.isEmpty ? "" : " (\(map.caption))"),
                           csv: map.csv)]
        case "gradient_norms":
            let trace = try trace(o, state, kind)
            let r = trace.record.layers[0][0]
            var series = [LineChart.Series(name: "‖dL/dh_t‖", points: (0...r.steps).map { (Double($0), euclideanNorm(r.dhAt($0))) })]
            if r.spec.hasCellState {
                series.append(.init(name: "‖dL/dc_t‖", points: (0...r.steps).map { (Double($0), euclideanNorm(r.dcAt($0))) }))
            }
            let chart = LineChart(language: state.language, title: ko ? "시점별 기울기 크기" : "Gradient norm at every step", xLabel: "t",
                                  yLabel: "‖dL/dh_t‖", logY: try o["log"]?.bool() ?? true, series: series)
            return [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
        case "jacobian_norms":
            let trace = try trace(o, state, kind)
            let norms = trace.jacobianNorms[0][0]
            let symbol = jacobianSymbol(trace.model.network.spec.cell)
            let chart = LineChart(language: state.language, title: ko ? "야코비안 노름 \(symbol)" : "Jacobian norm \(symbol)", xLabel: "t",
                                  yLabel: symbol, logY: try o["log"]?.bool() ?? true,
                                  series: [.init(name: symbol, points: norms.enumerated().map { (Double($0.offset), $0.element) })])
            return [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
        case "loss_curve":
            return try lossCurve(try state.model(o["model"], options: o), o, state: state)
        case "unrolled", "gradient_graph":
            let trace = try trace(o, state, kind)
            var d = UnrolledDiagram(trace: trace, mode: kind == "gradient_graph" ? .gradient : .forward)
            d.gateLevel = try o["gates"]?.bool() ?? false
            d.language = language
            if let s = o["steps"] { d.keep = Set(try s.list().map { (f: Field) throws(LessonError) -> Int in try f.int(min: 1) }) }
            // On the page the gradient's key goes under the drawing; the file keeps it inside.
            var onPage = d
            onPage.legendInGraph = false
            return [try graphviz(state, d.dot, caption: "", o: o, trace: trace, fitting: onPage, key: d.gradientKey)]
        case "cell_graph":
            let model = try state.model(o["model"], options: o)
            let spec = model.network.spec
            let cellSpec = CellSpec(kind: spec.cell, inputSize: spec.inputSize, hiddenSize: spec.hiddenSizes[0],
                                    activation: spec.activation, gruVariant: spec.gruVariant, peephole: spec.peephole)
            let record = state.steps[model.name]?.record.layers[0][0]
            let t = try o["step"]?.int(min: 1, max: record?.steps ?? 1) ?? 1
            return [try graphviz(state, CellDiagram.dot(spec: cellSpec, record: record, step: t, language: language), caption: "", o: o),
                    .note(CellEquations.markdown(spec, language: state.language))]
        case "deep_graph":
            let model = try state.model(o["model"], options: o)
            let steps = state.steps[model.name]?.record.steps ?? 4
            let d = StackedDiagram(spec: model.network.spec, steps: steps, language: language)
            return [try graphviz(state, d.dot, caption: "", o: o, fitting: d)]
        case "shapes":
            return [try graphviz(state, ShapesDiagram.dot(language: language), caption: "", o: o)]
        case "predictions":
            return try predictions(o, state: state)
        case "neighbours":
            return try neighbours(try state.model(o["model"], options: o), o, state: state)
        case "connectivity":
            return try connectivity(o, state: state)
        case "what_if":
            return try WhatIf.output(o, state: state)
        case "step_through":
            let recorded = try trace(o, state, kind)
            // The symbols of the data the model was stepped on, for token models.
            let model = try state.model(o["model"], options: o)
            let symbols = (model.dataName ?? state.lastData).flatMap { state.datasets[$0]?.vocabulary } ?? []
            func stepThrough(_ trace: Trace) throws(LessonError) -> Output {
                state.stepThroughs?.shown.append(ShownStepThrough(line: o.field.line, trace: trace, language: state.language, symbols: symbols))
                return try StepThrough.output(trace, state: state, o: o, symbols: symbols)
            }
            if let f = o["layer"], f.isScalar, (try? f.string()) == "all" {
                return [try everyLayer(recorded, o, language: state.language, stepThrough: stepThrough)]
            }
            return [try stepThrough(try layerOf(recorded, o))]
        case "gradient_check":
            // Backprop through time against finite differences, for the recorded step's sequence.
            let trace = try trace(o, state, kind)
            let network = trace.model.network
            guard network.parameterCount * trace.record.steps <= 2_000_000 else {
                throw o.error("gradient_check: \(network.parameterCount) weights over \(trace.record.steps) steps is too large for finite differences here; check a smaller model")
            }
            let check = GradientCheck()
            let entries = check.checkParameters(network: network, parameters: trace.model.parameters, sample: trace.sample)
                + check.checkStates(network: network, parameters: trace.model.parameters, sample: trace.sample)
            state.values.set(try state.model(o["model"], options: o).name + ".gradient_check.worst_error",
                             entries.map(\.worstRelativeError).max() ?? 0)
            let rows = entries.map { e -> [String] in
                [e.name, NumberFormat.short(maxMagnitude(e.analytic)), NumberFormat.short(e.worstRelativeError),
                 e.worstRelativeError < 1e-6 ? (ko ? "통과" : "OK") : (ko ? "실패" : "NOT OK")]
            }
            return [.table(Table(caption: ko ? "유한 차분으로 검증한 기울기 (상대 오차 < 1e-6이면 통과)" : "Gradients checked by finite differences (OK below relative error 1e-6)",
                                 headers: [ko ? "텐서" : "tensor", ko ? "최대 |∂L/∂·|" : "max |∂L/∂·|", ko ? "최대 상대 오차" : "worst relative error", ""],
                                 rows: rows, numeric: [1, 2]))]
        default:  // sweep
            let name = try o["sweep"]?.string() ?? state.lastSweep
            guard let name, let sweep = state.sweeps[name] else {
                throw o.error("sweep needs a sweep: none has run yet (add a sweep: cell before this one)")
            }
            let series = zip(sweep.values, sweep.jacobianNorms).map { v, n in
                LineChart.Series(name: "\(sweep.parameter) = \(NumberFormat.short(v))",
                                 points: n.enumerated().map { (Double($0.offset), $0.element) })
            }
            // Time runs along t, as in every other chart (a length sweep's curves end at their own T).
            let symbol = sweep.cell.map { jacobianSymbol($0) } ?? "‖∂h_T/∂h_t‖"
            let chart = LineChart(language: state.language, title: ko ? "스윕: \(symbol)" : "Sweep: \(symbol)", xLabel: "t",
                                  yLabel: symbol, logY: true, series: series)
            var out = [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
            if !sweep.histories.isEmpty {
                let losses = LineChart(
                    language: state.language, title: ko ? "스윕: 학습 손실" : "Sweep: training loss", xLabel: ko ? "에포크" : "epoch", yLabel: ko ? "손실" : "loss",
                    logY: true, series: zip(sweep.values, sweep.histories).map { v, h in
                        LineChart.Series(name: "\(sweep.parameter) = \(NumberFormat.short(v))", points: h.map { (Double($0.epoch), $0.loss) })
                    })
                out.append(figure(state, { losses.svg(id: $0) }, alt: losses.description, csv: losses.csv))
            }
            return out
        }
    }

    /// The Jacobian whose norm is measured: of the state h, or for an LSTM of (h, c) together.
    /// `at` is the step's subscript as written: `_t`, or `₀`.
    static func jacobianSymbol(_ cell: CellKind, at t: String = "_t") -> String {
        cell == .lstm ? "‖∂(h,c)_T/∂(h,c)\(t)‖" : "‖∂h_T/∂h\(t)‖"
    }

    /// c_tilde → c̃, h_tilde → h̃.
    static func display(_ gate: String) -> String {
        gate == "c_tilde" ? "c̃" : gate == "h_tilde" ? "h̃" : gate
    }

    /// All steps when few, else the first 8, a gap (0), and the last 8.
    static func stepsShown(_ T: Int) -> [Int] {
        T <= 20 ? Array(1...T) : Array(1...8) + [0] + Array((T - 7)...T)
    }
}
