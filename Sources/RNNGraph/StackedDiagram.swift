import RNNCore

/// Deep (stacked) and bidirectional networks as a grid: the course's a^[l]<t>, layer l = 1 … L
/// upwards, time t = 1 … T left to right; a bidirectional layer has a forward row (→) and a
/// backward row (←), concatenated into the layer's output.
///
/// The grid is placed here (Graphviz `nop2`, straight edges): one column per step holding every
/// node of that step, rows in layer order, a bidirectional layer's forward node a little left of
/// the column's middle and its backward node a little right, so the edges between layers pass
/// beside the nodes they skip. (`dot` staggered the columns.) Steps past `maxVisible` fold into
/// a narrow "…" column, the recurrence drawn dashed across it.
public struct StackedDiagram: Sendable {
    public var spec: NetworkSpec
    /// The steps drawn (at most 8 of the recorded sequence).
    public var steps: Int
    public var language: DiagramLanguage = .en
    public var maxVisible: Int?

    public init(spec: NetworkSpec, steps: Int, language: DiagramLanguage = .en) {
        self.spec = spec
        self.steps = max(1, min(steps, 8))
        self.language = language
    }

    public static func dot(spec: NetworkSpec, steps: Int, language: DiagramLanguage = .en) -> DOTGraph {
        StackedDiagram(spec: spec, steps: steps, language: language).dot
    }

    static let rowHeight = 62.0, offset = 46.0, foldWidth = 70.0

    public var dot: DOTGraph {
        let L = spec.hiddenSizes.count, T = steps
        let kind = spec.cell.rawValue.uppercased()
        let title: String
        switch (spec.bidirectional, language) {
        case (false, .en): title = "Deep \(kind): \(L) stacked layers, a^[l]<t>"
        case (false, .ko): title = "심층 \(kind): \(L)층으로 쌓은 a^[l]<t>"
        case (true, .en): title = "Bidirectional \(kind)\(L > 1 ? ", \(L) layers" : ""): [a→; a←] at every step"
        case (true, .ko): title = "양방향 \(kind)\(L > 1 ? ", \(L)층" : ""): 매 시점 [a→; a←]"
        }
        var g = Style.graph("stacked", extra: ["label": title, "labelloc": "t", "layout": "nop2", "splines": "line"])
        let rowCount = 2 + L * (spec.bidirectional ? 2 : 1)
        let columnWidth = spec.bidirectional ? 190.0 : 120.0
        // Each drawn step's column, and the folds between them.
        let shown = foldedSteps(T, limit: maxVisible ?? T)
        var x: [Int: Double] = [:]
        var at = 0.0
        for (k, t) in shown.enumerated() {
            if k > 0 && t > shown[k - 1] + 1 { at += Self.foldWidth }
            at += columnWidth
            x[t] = at
        }
        func pos(_ t: Int, row: Int, shift: Double = 0) -> String {
            String(format: "%.1f,%.1f!", x[t]! + shift, Double(row) * Self.rowHeight + 24)
        }
        func folded(_ a: Int, _ b: Int) -> Bool { b > a + 1 }
        for (k, t) in shown.enumerated() where k > 0 && folded(shown[k - 1], t) {
            let id = "fold_\(shown[k - 1] + 1)_\(t - 1)"
            let n = t - 1 - shown[k - 1]
            g.node(id, ["label": "…", "shape": "plaintext", "style": "", "fontsize": "16",
                        "tooltip": language == .ko ? "\(n)단계 생략" : "\(n) steps folded",
                        "pos": String(format: "%.1f,%.1f!", (x[shown[k - 1]]! + x[t]!) / 2, Double(rowCount - 1) / 2 * Self.rowHeight + 24)])
        }
        var row = 0
        var xs: [Int: String] = [:]
        for t in shown {
            g.node("x_\(t)", ["label": "x<\(t)>", "fillcolor": Style.input, "pos": pos(t, row: 0)])
            xs[t] = "x_\(t)"
        }
        var below: [[Int: String]] = [xs]  // the node ids feeding each step from the layer below
        for l in 1...L {
            var directions: [[Int: String]] = []
            for (d, arrow) in spec.bidirectional ? [(0, "→"), (1, "←")] : [(0, "")] {
                row += 1
                let shift = spec.bidirectional ? (d == 0 ? -Self.offset : Self.offset) : 0
                var ids: [Int: String] = [:]
                for t in shown {
                    let id = spec.bidirectional ? "a\(d == 0 ? "f" : "b")_\(l)_\(t)" : "a_\(l)_\(t)"
                    g.node(id, ["label": "a\(arrow)[\(l)]<\(t)>", "fillcolor": d == 0 ? Style.state : "#e6eef8",
                                "tooltip": language == .ko ? "\(l)층 \(t)시점" : "layer \(l), step \(t)", "pos": pos(t, row: row, shift: shift)])
                    ids[t] = id
                    for source in below.map({ $0[t]! }) { g.edge(source, id) }
                }
                // The recurrence: left to right for the forward row, right to left for the
                // backward row; dashed across a fold.
                for (a, b) in zip(shown, shown.dropFirst()) {
                    var attributes = ["color": "#b26b00", "penwidth": "1.6"]
                    if folded(a, b) { attributes["style"] = "dashed" }
                    if d == 0 { g.edge(ids[a]!, ids[b]!, attributes) } else { g.edge(ids[b]!, ids[a]!, attributes) }
                }
                directions.append(ids)
            }
            below = directions
        }
        for t in shown {
            g.node("y_\(t)", ["label": "ŷ<\(t)>", "fillcolor": Style.output, "pos": pos(t, row: rowCount - 1)])
            for source in below.map({ $0[t]! }) { g.edge(source, "y_\(t)") }
        }
        return g
    }
}

extension StackedDiagram: FoldableDiagram {
    public var stepsDrawn: Int { steps }
    public var fewestSteps: Int { min(steps, 2) }
}
