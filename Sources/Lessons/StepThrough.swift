import Foundation
import RNNCore
import RNNGraph
import Reports

/// `show: step_through`: the recorded step, one time step at a time, forward and backward, in
/// the browser — and, for print, a compact row of small multiples.
///
/// The page embeds the values it shows: per-step scalars (norms, loss terms, Jacobian norms) in
/// full, and for the units shown (all of them up to `maxUnits`, else the first `maxUnits` or
/// the ones the lesson picks — the page says which) every gate as a 16-bit integer of
/// value × 10 000 (gates lie in [−1, 1], so four decimals exactly) and every state and
/// gradient as a 32-bit float.
///
/// The equation under the panel is one of `StepEquations`' templates, rendered here once through
/// the MathML converter with empty slots; the script fills the slots with the terms (float32,
/// computed in double from the record) of the step and unit shown. Terms are embedded for at
/// most `equationBudget` numbers: for every unit shown of a lesson's small models (an LSTM of
/// 15 units over 7 steps adds 12 KB of them, and 17 KB of templates), for the first units of a
/// long recording (an LSTM of 128 units over 1000 steps: the first unit's, and 1.3 MB in all).
enum StepThrough {
    static let maxUnits = 32
    static let maxSteps = 10_000
    static let equationBudget = 1 << 15

    /// `inputLabels`: the tokens x_t stands for (an encoder's source), drawn under x_t.
    /// `symbols`: the class (token) names of a cross-entropy model's outputs, for its top-k
    /// probabilities at each step.
    static func output(_ trace: Trace, state: LessonState, o: Options, inputLabels: [String]? = nil, symbols: [String] = [],
                       defaultUnits: Int? = nil, sharedTemplates: String? = nil) throws(LessonError) -> Output {
        let r = trace.record.layers[0][0]
        let T = r.steps, H = r.hiddenSize
        guard T <= maxSteps else {
            // About 1.2 KB a step for 32 units: 10,000 steps make a 12 MB page.
            throw o.error("step_through: a step-through shows at most \(NumberFormat.grouped(maxSteps)) steps (this sequence has \(NumberFormat.grouped(T)); its page would be about \(NumberFormat.short(Double(T) * 1.2e-3)) MB): step over a shorter sequence")
        }
        var units = Array(0..<min(H, defaultUnits ?? maxUnits, maxUnits))
        if let f = o["unit"] {
            var picked: [Int] = []
            for item in try f.listOrSingle() { picked.append(try item.int(min: 1, max: H) - 1) }
            guard picked.count <= maxUnits else { throw f.error("pick at most \(maxUnits) units") }
            units = picked
        }
        let id = "st-" + state.nextFigureId().dropFirst(4)
        let ko = state.language == "ko"
        let network = trace.model.network
        let Y = network.spec.outputSize, X = min(r.spec.inputSize, maxUnits)
        // An encoder (no readout) has no loss of its own: its gradient comes from the decoder.
        let encoder = trace.handedBack != nil
        let perStepLoss = Y == 0 ? [] : trace.sample.loss.stepLosses(y: trace.record.y, steps: T, outputSize: Y, targets: trace.sample.targets)
        let jac = trace.jacobianNorms[0][0]
        func column(_ values: [Double], width: Int, rows: Int, offset: Int = 0) -> [Double] {
            var out: [Double] = []
            out.reserveCapacity(rows * units.count)
            for t in 0..<rows { for j in units { out.append(values[(t + offset) * width + j]) } }
            return out
        }
        var data: [(String, String)] = [
            ("id", json(id)), ("lang", json(state.language)), ("cell", json(r.spec.kind.rawValue)),
            ("variant", json(r.spec.kind == .gru ? r.spec.gruVariant.rawValue : r.spec.kind == .rnn ? r.spec.activation.rawValue : (r.spec.peephole ? "peephole" : ""))),
            ("role", json(encoder ? "encoder" : "network")),
            ("T", "\(T)"), ("H", "\(H)"), ("X", "\(r.spec.inputSize)"), ("Y", "\(Y)"),
            ("units", "[" + units.map(String.init).joined(separator: ",") + "]"),
            ("gates", "[" + r.spec.gateNames.map(json).joined(separator: ",") + "]"),
            ("loss", json(trace.sample.loss.rawValue)), ("lossValue", num(trace.record.loss)),
            ("lossTerms", nums(perStepLoss)), ("jac", nums(jac)),
            ("hNorm", nums((0...T).map { euclideanNorm(r.hidden(at: $0)) })),
            ("dhNorm", nums((0...T).map { euclideanNorm(r.dhAt($0)) })),
            ("xShown", "\(X)"),
            ("x", json(float32(xColumns(trace.record.input, T: T, X: r.spec.inputSize, shown: X)))),
            ("y", json(float32(trace.record.y))),
            ("h", json(float32(column(r.h, width: H, rows: T + 1)))),
            ("dh", json(float32(column(r.dh, width: H, rows: T + 1)))),
        ]
        if trace.sample.loss == .xentAll || trace.sample.loss == .xentLast, case .classes(let targets) = trace.sample.targets {
            // The softmax's most probable classes at each step (computed on the page from y_t),
            // with the class the loss wants where it reads one: every step, or only the last.
            data.append(("xent", "true"))
            data.append(("classes", symbols.count == Y ? "[" + symbols.map(json).joined(separator: ",") + "]" : "null"))
            let perStep = trace.sample.loss == .xentAll
            data.append(("targets", "[" + (1...max(T, 1)).map { t in
                perStep ? (t <= targets.count ? String(targets[t - 1]) : "null") : (t == T ? targets.first.map(String.init) ?? "null" : "null")
            }.joined(separator: ",") + "]"))
        }
        if r.spec.kind == .rnn {
            data.append(("a", json(float32(column(r.preActivations, width: H, rows: T)))))
        } else {
            // gates: (T, G, units) as round(value × 10 000)
            var g: [Int16] = []
            for t in 0..<T {
                for k in 0..<r.spec.gateCount {
                    for j in units { g.append(Int16((r.gates[t * r.gateWidth + k * H + j] * 10_000).rounded())) }
                }
            }
            data.append(("g", json(int16(g))))
        }
        if r.spec.hasCellState {
            data.append(("c", json(float32(column(r.c, width: H, rows: T + 1)))))
            data.append(("dc", json(float32(column(r.dc, width: H, rows: T + 1)))))
            data.append(("dcNorm", nums((0...T).map { euclideanNorm(r.dcAt($0)) })))
        }
        // With `sharedTemplates` (the id of an earlier step-through of the same cell, as the
        // what-if panels have), the page reads that one's templates and this one has none.
        let (equationData, templates) = try equations(trace, units: units, language: state.language, o: o,
                                                      renderTemplates: sharedTemplates == nil)
        data += equationData
        let payload = "{" + data.map { "\(json($0.0)):\($0.1)" }.joined(separator: ",") + "}"

        // The unrolled graph, with ids prefixed so several figures can share a page.
        var diagram = UnrolledDiagram(trace: trace)
        diagram.language = ko ? .ko : .en
        diagram.handsOver = encoder
        diagram.handsOverCellState = trace.handedBack?.dc != nil
        diagram.inputLabels = inputLabels
        if let view = trace.view, view.layer < view.layers - 1 { diagram.outputName = "a[\(view.layer + 2)]" }
        // Backward, the same graph with its arrows reversed and drawn by the gradient's size.
        var gradientDiagram = diagram
        gradientDiagram.mode = .gradient
        gradientDiagram.legendInGraph = false
        // Each graph's title and colour key are set outside the drawing, so that they stay in
        // view while a long graph scrolls in its box.
        func box(_ dot: DOTGraph, pass: String, prefix: String, key: LegendEntry? = nil) throws(LessonError) -> String {
            let svg: String
            do { svg = try Graphviz.untitledSVG(dot) } catch { throw o.error(error.description) }
            return "<div class=\"st-graph st-graph-\(pass)\"><div class=\"fig-title\">\(Escape.html(dot.attributes["label"] ?? ""))</div>"
                + Shows.prefixIds(Shows.svgBody(svg), with: prefix)
                + HTMLWriter.legend(GraphLegend.entries(dot, language: diagram.language) + (key.map { [$0] } ?? []), language: state.language) + "</div>"
        }
        let forwardBox = try box(diagram.dot, pass: "f", prefix: id + "-")
        let backwardBox = try box(gradientDiagram.dot, pass: "b", prefix: id + "-b-", key: gradientDiagram.gradientKey)
        let chart = LineChart(language: state.language, title: ko ? "‖dL/dh_t‖ (현재 시점 표시)" : "‖dL/dh_t‖ (current step marked)", xLabel: "t",
                              yLabel: "‖dL/dh_t‖", logY: true,
                              series: [.init(name: "‖dL/dh_t‖", points: (0...T).map { (Double($0), euclideanNorm(r.dhAt($0))) })],
                              marker: Double(T))
        let unitsNote: String
        if units.count == H {
            unitsNote = ko ? "모든 유닛(\(H)개)을 보여 줍니다." : "All \(H) units are shown."
        } else {
            let list = units.count > 6 ? "\(units[0] + 1)–\(units[units.count - 1] + 1)" : units.map { String($0 + 1) }.joined(separator: ", ")
            unitsNote = ko ? "\(H)개 유닛 중 \(list)번 유닛을 보여 줍니다 (`unit:`으로 고를 수 있습니다). 노름과 손실은 모든 유닛으로 계산합니다."
                           : "Units \(list) of \(H) are shown (pick others with `unit:`); norms and losses use all units."
        }
        // A layer view says which cell it is, and in which order its steps run.
        var layerNote = ""
        if let view = trace.view {
            let which = ko ? "\(view.layers)개 층 중 \(view.layer + 1)층" : "Layer \(view.layer + 1) of \(view.layers)"
            let direction = view.direction == 1
                ? (ko ? ", 역방향 셀: 이 셀의 t단계는 시퀀스의 T + 1 − t번째 입력을 읽습니다" : ", the backward cell: its step t reads the sequence's step T + 1 − t")
                : ""
            let input = view.layer == 0 ? "" : (ko ? "; x_t는 아래층의 출력입니다" : "; its x_t is the layer below's output")
            let from = view.layer < view.layers - 1 ? (ko ? "; 역전파의 e는 위층에서 옵니다" : "; backward, e comes from the layer above") : ""
            layerNote = "<p class=\"st-layer\">" + Escape.html(which + direction + input + from + ".") + "</p>\n"
        }
        let html = """
            <section class="stepthrough"\(sharedTemplates.map { " data-templates=\"\(Escape.html($0))\"" } ?? "") id="\(id)" tabindex="0" aria-label="\(Escape.html(ko ? "시점별 단계 보기" : "Step-through"))">
            <div class="interactive">
            <div class="controls" role="toolbar">
            \(controls(language: state.language))
            <label><span class="l-speed"></span> <select data-act="speed"><option value="1">1/s</option><option value="2">2/s</option><option value="5" selected>5/s</option><option value="10">10/s</option><option value="25">25/s</option></select></label>
            <input type="range" data-act="slider" min="0" max="\(T)" value="1" aria-label="t">
            <span class="pass" role="radiogroup"><label><input type="radio" name="\(id)-pass" value="f" checked> <span class="l-forward"></span></label><label><input type="radio" name="\(id)-pass" value="b"> <span class="l-backward"></span></label></span>
            <label><span class="l-unit"></span> <select data-act="unit"></select></label>
            </div>
            <p class="keys"></p>
            \(layerNote)<div class="st-status" aria-live="polite"></div>
            \(forwardBox)
            \(backwardBox)
            <div class="st-panel"></div>
            <div class="st-equation"></div>\(templates)
            <div class="st-chart">\(Legibility.svg(chart.svg(id: id + "-chart")))</div>
            <p class="st-units">\(Escape.html(unitsNote))</p>
            </div>
            \(printVersion(trace, units: units, language: state.language))
            <script type="application/json" class="st-data">\(Escape.script(payload))</script>
            </section>
            """
        let md = (ko ? "**시점별 단계 보기** (HTML 보고서에서 한 시점씩 넘겨 볼 수 있습니다)\n\n" : "**Step-through** (step through it in the HTML report)\n\n")
            + MarkdownWriter.markdownTable(summaryTable(trace, language: state.language))
        return .widget(html: html, markdown: md)
    }

    /// The buttons that move through the steps: each titled with its key (the keys' own names,
    /// Home, End and the arrows; the space bar by its name in the page's language) and labelled
    /// for screen readers in the page's language.
    static func controls(language: String) -> String {
        let ko = language == "ko"
        let buttons: [(act: String, key: String, label: String, face: String)] = [
            ("first", "Home", ko ? "처음" : "first", "|◀"),
            ("prev", "←", ko ? "이전" : "previous", "◀"),
            ("play", ko ? "스페이스" : "space", ko ? "재생 / 멈춤" : "play", "▶ ❚❚"),
            ("next", "→", ko ? "다음" : "next", "▶"),
            ("last", "End", ko ? "끝" : "last", "▶|"),
        ]
        return buttons.map {
            "<button type=\"button\" data-act=\"\($0.act)\" title=\"\($0.key)\" aria-label=\"\($0.label)\">\($0.face)</button>"
        }.joined()
    }

    /// The equation templates as `<template>` elements, and what their slots need: the terms
    /// (`eqTerms`: float32, term × step × unit), the constants, the gates' letters and where
    /// truncated BPTT cuts the gradient.
    static func equations(_ trace: Trace, units: [Int], language: String, o: Options,
                          renderTemplates: Bool = true) throws(LessonError) -> ([(String, String)], String) {
        let r = trace.record.layers[0][0]
        let perUnit = StepEquations(trace: trace, units: []).terms.count * (r.steps + 1)
        let shown = Array(units.prefix(max(1, equationBudget / max(perUnit, 1))))
        let eq = StepEquations(trace: trace, units: shown)
        var html = ""
        // Does dL/dh_t come from a layer above (rather than the readout)?
        let stacked = trace.view.map { $0.layer < $0.layers - 1 } ?? (trace.model.network.spec.hiddenSizes.count > 1)
        let handOver = trace.handedBack.map { StepEquations.HandOver(cellState: $0.dc != nil) }
        for (key, tex) in StepEquations.templates(r.spec, stacked: stacked, truncated: trace.truncation != nil, handOver: handOver, language: language)
        where renderTemplates {
            do {
                html += "\n<template data-eq=\"\(key)\">" + (try MathML.render(template: tex, display: true)) + "</template>"
            } catch {
                throw o.error("internal error: the step-through's \(key) equation does not render (\(error.description))")
            }
        }
        let data: [(String, String)] = [
            ("eqUnits", "\(shown.count)"),
            ("eqNames", "[" + eq.terms.map { json($0.name) }.joined(separator: ",") + "]"),
            ("eqTerms", json(float32(eq.terms.flatMap(\.values)))),
            ("eqConst", "{" + eq.constants.map { "\(json($0.name)):\(nums($0.values))" }.joined(separator: ",") + "}"),
            ("eqGates", "[" + eq.gateKeys.map(json).joined(separator: ",") + "]"),
            ("truncation", trace.truncation.map(String.init) ?? "null"),
        ]
        return (data, html)
    }

    static func xColumns(_ x: [Double], T: Int, X: Int, shown: Int) -> [Double] {
        var out: [Double] = []
        for t in 0..<T { for k in 0..<shown { out.append(x[t * X + k]) } }
        return out
    }

    /// A few steps side by side for print: first, last, and evenly spaced between.
    static func printSteps(_ T: Int) -> [Int] {
        let n = min(T, 6)
        return Array(Set((0..<n).map { k in n == 1 ? T : 1 + Int((Double(k) * Double(T - 1) / Double(n - 1)).rounded()) })).sorted()
    }

    /// The print version: for each of a few chosen steps, a small table of its numbers — the
    /// input x_t, every gate (and a vanilla RNN's pre-activation), c_t and h_t for the units
    /// shown (each unit's value when there are at most `printUnits` of them, else their mean,
    /// minimum and maximum), and ‖dL/dh_t‖.
    static let printUnits = 4

    static func printVersion(_ trace: Trace, units: [Int], language: String) -> String {
        let r = trace.record.layers[0][0]
        let ko = language == "ko", e = Escape.html
        let H = r.hiddenSize, X = r.spec.inputSize
        let perUnit = units.count <= printUnits
        let consecutive = zip(units, units.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let unitList = units.count > 6 && consecutive
            ? "\(units[0] + 1)–\(units[units.count - 1] + 1)" : units.map { String($0 + 1) }.joined(separator: ", ")
        let columns = perUnit ? units.map { (ko ? "유닛 " : "unit ") + String($0 + 1) }
                              : (ko ? ["평균", "최소", "최대"] : ["mean", "min", "max"])
        func cells(_ values: [Double]) -> String {
            let shown = perUnit ? values : [values.reduce(0, +) / Double(max(values.count, 1)), values.min() ?? .nan, values.max() ?? .nan]
            return shown.map { "<td class=\"num\">\(e(NumberFormat.fixed($0, 3)))</td>" }.joined()
        }
        func row(_ label: String, _ values: [Double]) -> String {
            "<tr><th scope=\"row\">\(e(label))</th>\(cells(values))</tr>"
        }
        func input(_ t: Int) -> String {
            let x = Array(trace.record.input[((t - 1) * X)..<(t * X)])
            if X > 1, x.filter({ $0 != 0 }).count == 1, let k = x.firstIndex(of: 1) {
                return (ko ? "원-핫 " : "one-hot ") + String(k + 1)
            }
            let shown = x.prefix(6).map(NumberFormat.short).joined(separator: ", ")
            return X > 6 ? shown + ", … (\(X))" : shown
        }
        var tables = ""
        for t in printSteps(r.steps) {
            var body = "<tr><th scope=\"row\">x_t</th><td class=\"num st-x\" colspan=\"\(columns.count)\">\(e(input(t)))</td></tr>"
            if r.spec.kind == .rnn {
                body += row("a_t", units.map { r.preActivations[(t - 1) * H + $0] })
            }
            for (g, name) in r.spec.gateNames.enumerated() {
                let v = r.gate(g, at: t)
                let bounded = name != "c_tilde" && name != "h_tilde"
                body += row((bounded ? "σ " : "tanh ") + Shows.display(name) + "_t", units.map { v[v.startIndex + $0] })
            }
            if r.spec.hasCellState { body += row("c_t", units.map { r.c[t * H + $0] }) }
            body += row("h_t", units.map { r.h[t * H + $0] })
            body += "<tr class=\"st-norm\"><th scope=\"row\">‖dL/dh_t‖</th><td class=\"num\" colspan=\"\(columns.count)\">\(e(NumberFormat.short(euclideanNorm(r.dhAt(t)))))</td></tr>"
            tables += "<div class=\"st-step\"><table><caption>t = \(t)</caption><thead><tr><th></th>"
                + columns.map { "<th class=\"num\">\(e($0))</th>" }.joined() + "</tr></thead><tbody>\(body)</tbody></table></div>"
        }
        let what = perUnit ? (ko ? "유닛 \(unitList)의 값" : "values of unit\(units.count == 1 ? "" : "s") \(unitList)")
                           : (ko ? "유닛 \(unitList)의 평균·최소·최대" : "mean, min and max over units \(unitList)")
        let caption = ko ? "선택한 시점 (T = \(r.steps) 중): \(what); ‖dL/dh_t‖는 모든 유닛(\(H)개)으로 계산"
                         : "Chosen steps of T = \(r.steps): \(what); ‖dL/dh_t‖ over all \(H) units"
        return "<div class=\"stepthrough-print\"><div class=\"m-caption\">\(e(caption))</div><div class=\"st-steps\">\(tables)</div></div>"
    }

    static func summaryTable(_ trace: Trace, language: String) -> Table {
        let r = trace.record.layers[0][0]
        let rows = Shows.stepsShown(r.steps).map { t -> [String] in
            guard t > 0 else { return ["…", "", "", ""] }
            return [String(t), NumberFormat.short(euclideanNorm(r.hidden(at: t))), NumberFormat.short(euclideanNorm(r.dhAt(t))),
                    NumberFormat.short(trace.jacobianNorms[0][0][t])]
        }
        return Table(caption: language == "ko" ? "시점별 기록" : "The record, step by step",
                     headers: ["t", "‖h_t‖", "‖dL/dh_t‖", Shows.jacobianSymbol(r.spec.kind)], rows: rows, numeric: [0, 1, 2, 3])
    }

    // MARK: - Compact encodings

    static func float32(_ values: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for v in values {
            let bits = Float(v).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    static func int16(_ values: [Int16]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 2)
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    static func json(_ s: String) -> String { Escape.json(s) }

    static func num(_ v: Double) -> String { v.isFinite ? v.description : (v.isNaN ? "null" : (v > 0 ? "1e999" : "-1e999")) }

    static func nums(_ v: [Double]) -> String { "[" + v.map(num).joined(separator: ",") + "]" }
}
