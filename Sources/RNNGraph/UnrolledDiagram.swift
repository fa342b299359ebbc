import Foundation
import RNNCore
import Reports

/// The network unrolled over time: x_t → cell → h_t → y_t → loss, with h_{t−1} → cell_t (and
/// c_{t−1} → cell_t for LSTM), and, in the gradient view, every state edge drawn by the size of
/// the gradient flowing back through it.
///
/// Long sequences stay readable: past `foldThreshold` steps, runs of hidden steps become one
/// "… k steps …" node, keeping the first two, the last two and any step asked for, so the
/// diagram's size does not grow with T.
public struct UnrolledDiagram: Sendable {
    public enum Mode: Sendable { case forward, gradient }

    public var spec: CellSpec
    public var steps: Int
    /// Draw each step's gates (`gate_f_3`, …) instead of one box per step.
    public var gateLevel = false
    public var mode: Mode = .forward
    public var foldThreshold = 16
    /// Steps that must stay visible when folding.
    public var keep: Set<Int> = []
    public var language: DiagramLanguage = .en
    /// Values for tooltips and the gradient view (the first layer's forward cell).
    public var record: CellRecord?
    /// (T, Y) outputs, for tooltips on y_t.
    public var outputs: [Double]?
    public var outputSize = 1
    /// Which steps the loss reads (all, or only the last).
    public var lossOnAllSteps = false
    /// (T, X) inputs and the loss, for tooltips.
    public var inputs: [Double]?
    public var inputSize = 1
    public var lossValue: Double?
    /// An encoder: no outputs and no loss; h_T (and c_T when `handsOverCellState`) go on to a
    /// "decoder" node, along which the gradient comes back in the gradient view.
    public var handsOver = false
    public var handsOverCellState = false
    /// What h_t feeds, as its nodes are labelled (`y`; for one layer of a stacked network, the
    /// layer above, `a[3]`).
    public var outputName = "y"
    /// Labels for x_t (the source tokens), shown under x_t.
    public var inputLabels: [String]?

    public init(spec: CellSpec, steps: Int) {
        self.spec = spec
        self.steps = steps
    }

    /// The diagram of a trace's first layer.
    public init(trace: Trace, mode: Mode = .forward) {
        let record = trace.record.layers[0][0]
        self.init(spec: record.spec, steps: record.steps)
        self.record = record
        self.mode = mode
        outputs = trace.model.network.spec.isContractModel ? trace.record.y : nil
        outputSize = trace.model.network.spec.outputSize
        lossOnAllSteps = trace.sample.loss.coversAllSteps
        inputs = trace.record.input
        inputSize = record.spec.inputSize
        lossValue = trace.record.loss
    }

    /// The gradient view's log-scale key drawn inside the graph (a page sets `gradientKey`
    /// under the drawing instead, where it does not scroll away or take the graph's width).
    public var legendInGraph = true

    /// The gradient view's colour key as a page sets it: the log scale's ramp and its decades.
    public var gradientKey: LegendEntry? {
        guard let scale = gradientScale else { return nil }
        let stops = (0...8).map { LogColorScale.color(at: Double($0) / 8) }.joined(separator: ", ")
        let low = Int(scale.lowExponent), high = Int(scale.highExponent)
        let what = language == .ko ? "‖dL/dh‖ (로그 눈금; 굵고 밝을수록 큼)" : "‖dL/dh‖ (log scale; thicker and brighter is larger)"
        return LegendEntry(color: "linear-gradient(to right, \(stops))", label: "1e\(low) … 1e\(high): \(what)", kind: .ramp)
    }

    /// At most this many steps drawn (the first and last, the kept ones, then the newest and the
    /// oldest alternately), the rest folded: how `fitted` makes the diagram fit a width.
    public var maxVisible: Int?

    /// The visible steps in order, and the folded runs between them.
    public var visibleSteps: [Int] {
        if let n = maxVisible { return foldedSteps(steps, keep: keep, limit: n) }
        guard steps > foldThreshold else { return Array(1...max(steps, 1)) }
        var shown: Set<Int> = [1, 2, steps - 1, steps]
        for t in keep where t >= 1 && t <= steps { shown.insert(t) }
        return shown.sorted()
    }

    public var dot: DOTGraph {
        // Gate-level (forward): placed column by column (GateLevelLayout.swift). Compact: x at the
        // bottom, the h chain across the middle with the c "conveyor belt" above it, y on top.
        if gateLevel && mode == .forward { return gateLevelDOT }
        var g = Style.graph("unrolled", rankdir: "BT", extra: ["label": title, "labelloc": "t"])
        let visible = visibleSteps
        let hasC = spec.hasCellState
        // Rows of the compact layout, each kept in time order.
        var inputsRow: [String] = [], chainRow: [String] = [], cRow: [String] = [], outputsRow: [String] = []
        let scale = gradientScale

        // Initial state(s).
        g.node("h_0", stateAttributes("h", t: 0, fill: Style.state))
        chainRow.append("h_0")
        if hasC {
            g.node("c_0", stateAttributes("c", t: 0, fill: Style.cellState))
            cRow.append("c_0")
        }
        if handsOver {
            g.node("decoder", ["label": language == .ko ? "디코더" : "decoder", "shape": "box", "style": "rounded,filled",
                               "fillcolor": Style.output,
                               "tooltip": language == .ko ? "인코더의 마지막 상태가 디코더의 초기 상태가 됩니다" : "the encoder's last state starts the decoder"])
        } else {
            g.node("loss", ["label": "L", "shape": "ellipse", "fillcolor": Style.loss,
                            "tooltip": lossValue.map { "L = \(Style.number($0))" } ?? "loss"])
        }

        var previous = 0  // the last step drawn
        for t in visible {
            var hPrev = "h_\(previous)", cPrev: String? = hasC ? "c_\(previous)" : nil
            if t > previous + 1 {
                // Fold the steps in between into one node.
                let fold = "fold_\(previous + 1)_\(t - 1)"
                let k = t - 1 - previous
                var attrs: [String: String] = ["label": language == .ko ? "… \(k)단계 …" : "… \(k) steps …",
                                               "shape": "box", "style": "dashed,rounded", "fillcolor": "#ffffff"]
                if mode == .gradient, let record {
                    let norms = ((previous + 1)...(t - 1)).map { euclideanNorm(record.dhAt($0)) }
                    let (a, b) = (Style.number(norms.first ?? 0), Style.number(norms.last ?? 0))
                    attrs["tooltip"] = language == .ko
                        ? "‖dL/dh‖: \(a) (t=\(previous + 1))에서 \(b) (t=\(t - 1))까지"
                        : "‖dL/dh‖ from \(a) (t=\(previous + 1)) to \(b) (t=\(t - 1))"
                }
                g.node(fold, attrs)
                chainRow.append(fold)
                g.edge(hPrev, fold, stateEdge("h", from: previous, scale: scale))
                if let c = cPrev {
                    g.edge(c, fold, stateEdge("c", from: previous, scale: scale).merging(["constraint": "false"]) { a, _ in a })
                }
                hPrev = fold
                cPrev = hasC ? fold : nil
            }
            let s = Style.subscripted(t)
            let token = inputLabels.flatMap { t <= $0.count ? $0[t - 1] : nil }
            g.node("x_\(t)", ["label": "x\(s)" + (token.map { "\n\($0)" } ?? ""), "fillcolor": Style.input].merging(inputTooltip(t)) { _, b in b })
            inputsRow.append("x_\(t)")
            g.node("h_\(t)", stateAttributes("h", t: t, fill: Style.state))
            if hasC {
                g.node("c_\(t)", stateAttributes("c", t: t, fill: Style.cellState))
                cRow.append("c_\(t)")
            }
            let hEdge = stateEdge("h", from: t - 1, scale: scale, folded: hPrev.hasPrefix("fold"), labelled: true)
            let cEdge = stateEdge("c", from: t - 1, scale: scale, folded: hPrev.hasPrefix("fold"))
            do {
                let cell = "cell_\(t)"
                g.node(cell, ["label": cellName, "fillcolor": "#ffffff", "penwidth": "1.4",
                              "tooltip": language == .ko ? "\(cellName) \(t)단계" : "\(cellName) step \(t)"])
                chainRow.append(contentsOf: [cell, "h_\(t)"])
                g.edge("x_\(t)", cell)
                g.edge(hPrev, cell, hEdge)
                g.edge(cell, "h_\(t)", stateEdge("h", from: t, scale: scale))
                if let c = cPrev {
                    g.edge(c, cell, cEdge.merging(["constraint": "false"]) { a, _ in a })
                    g.edge(cell, "c_\(t)", stateEdge("c", from: t, scale: scale))
                }
            }
            if !handsOver {
                let y = "y_\(t)"
                g.node(y, ["label": outputName + s, "fillcolor": Style.output].merging(outputTooltip(t)) { _, b in b })
                outputsRow.append(y)
                g.edge("h_\(t)", y)
                if lossOnAllSteps || t == steps { g.edge(y, "loss") }
            }
            previous = t
        }
        if handsOver {
            chainRow.append("decoder")
            g.edge("h_\(steps)", "decoder", stateEdge("h", from: steps, scale: scale))
            if hasC && handsOverCellState {
                g.edge("c_\(steps)", "decoder", stateEdge("c", from: steps, scale: scale).merging(["constraint": "false"]) { a, _ in a })
            }
        }
        for row in [inputsRow, chainRow, cRow, outputsRow] where row.count > 1 {
            g.sameRank(row)
            // Invisible edges keep each row in time order, left to right.
            for (a, b) in zip(row, row.dropFirst()) {
                g.edge(a, b, ["style": "invis", "id": "order_\(a)__\(b)"])
            }
        }
        if mode == .gradient, legendInGraph, let scale { g.subgraph(legend(scale)) }
        return g
    }

    // MARK: - Pieces

    private var cellName: String {
        switch spec.kind {
        case .rnn: return "RNN"
        case .lstm: return "LSTM"
        case .gru: return "GRU"
        }
    }

    var title: String {
        let n = handsOver ? (language == .ko ? "\(cellName) 인코더, S = \(steps)" : "\(cellName) encoder, S = \(steps)") : "\(cellName), T = \(steps)"
        switch (mode, language) {
        case (.forward, .en) where handsOver: return "\(n): the source read step by step, its last state handed to the decoder"
        case (.forward, .ko) where handsOver: return "\(n): 입력을 한 단계씩 읽고 마지막 상태를 디코더에 넘깁니다"
        case (.gradient, .en) where handsOver: return "\(n): the decoder's gradient flowing back through the source (‖dL/dh_s‖, log scale)"
        case (.gradient, .ko) where handsOver: return "\(n): 디코더의 기울기가 입력을 거슬러 흐릅니다 (‖dL/dh_s‖, 로그 눈금)"
        case (.forward, .en): return "\(n): the network unrolled over time"
        case (.forward, .ko): return "\(n): 시간에 따라 펼친 네트워크"
        case (.gradient, .en): return "\(n): gradient flowing back through time (‖dL/dh_t‖, log scale)"
        case (.gradient, .ko): return "\(n): 시간을 거슬러 흐르는 기울기 (‖dL/dh_t‖, 로그 눈금)"
        }
    }

    private var gradientScale: LogColorScale? {
        guard mode == .gradient, let record, !record.dh.isEmpty else { return nil }
        var norms = (0...record.steps).map { euclideanNorm(record.dhAt($0)) }
        if spec.hasCellState { norms += (0...record.steps).map { euclideanNorm(record.dcAt($0)) } }
        return LogColorScale(values: norms)
    }

    private func norm(_ state: String, _ t: Int) -> Double? {
        guard let record, !record.dh.isEmpty, t >= 0, t <= record.steps,
              state == "h" || record.spec.hasCellState else { return nil }
        return euclideanNorm(state == "h" ? record.dhAt(t) : record.dcAt(t))
    }

    /// A state edge: plain going forward; in the gradient view drawn backwards with width and
    /// colour from ‖dL/d(state at `from`)‖.
    private func stateEdge(_ state: String, from t: Int, scale: LogColorScale?, folded: Bool = false, labelled: Bool = false) -> [String: String] {
        var attrs: [String: String] = state == "c" ? ["color": "#b26b00", "penwidth": "1.6"] : [:]
        guard let scale, let n = norm(state, t) else { return attrs }
        attrs["dir"] = "back"
        attrs["color"] = scale.color(n)
        attrs["penwidth"] = String(format: "%.2f", scale.width(n))
        attrs["tooltip"] = "‖dL/d\(state)\(Style.subscripted(t))‖ = \(Style.number(n))"
        if labelled && !folded && state == "h" { attrs["xlabel"] = Style.number(n) }
        return attrs
    }

    func stateAttributes(_ state: String, t: Int, fill: String) -> [String: String] {
        var attrs = ["label": "\(state)\(Style.subscripted(t))", "fillcolor": fill]
        guard let record, t <= record.steps else { return attrs }
        var tip = Style.vector("\(state)\(Style.subscripted(t))", state == "h" ? record.hidden(at: t) : record.cell(at: t))
        if let n = norm(state, t) { tip += "\n‖dL/d\(state)\(Style.subscripted(t))‖ = \(Style.number(n))" }
        attrs["tooltip"] = tip
        return attrs
    }

    func inputTooltip(_ t: Int) -> [String: String] {
        guard let inputs, inputs.count >= t * inputSize else { return [:] }
        return ["tooltip": Style.vector("x\(Style.subscripted(t))", inputs[((t - 1) * inputSize)..<(t * inputSize)])]
    }

    func outputTooltip(_ t: Int) -> [String: String] {
        guard let outputs, outputs.count >= t * outputSize else { return [:] }
        return ["tooltip": Style.vector("y\(Style.subscripted(t))", outputs[((t - 1) * outputSize)..<(t * outputSize)])]
    }

    private func legend(_ scale: LogColorScale) -> DOTGraph {
        var l = DOTGraph(name: "cluster_legend", attributes: [
            "label": language == .ko ? "‖dL/dh‖ (로그 눈금)" : "‖dL/dh‖ (log scale)", "id": "legend",
            "style": "rounded", "color": "#bbbbbb"])
        let low = Int(scale.lowExponent), high = Int(scale.highExponent)
        let stride = max(1, (high - low + 4) / 5)
        var ids: [String] = []
        for e in Swift.stride(from: low, through: high, by: stride) {
            let id = "legend_\(e < 0 ? "m\(-e)" : "\(e)")"
            let p = scale.position(pow(10, Double(e)))
            l.node(id, ["label": "1e\(e)", "shape": "box", "style": "filled", "fillcolor": LogColorScale.color(at: p),
                        "fontcolor": p < 0.6 ? "#ffffff" : "#000000"])
            ids.append(id)
        }
        for (a, b) in zip(ids, ids.dropFirst()) { l.edge(a, b, ["style": "invis", "id": "order_\(a)__\(b)"]) }
        l.sameRank(ids)
        return l
    }
}
