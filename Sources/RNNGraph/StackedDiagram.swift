import RNNCore

/// Deep (stacked) and bidirectional networks as a grid: the course's a^[l]<t>, layer l = 1 … L
/// upwards, time t = 1 … T left to right; a bidirectional layer has a forward row (→) and a
/// backward row (←), concatenated into the layer's output.
public enum StackedDiagram {
    public static func dot(spec: NetworkSpec, steps: Int, language: DiagramLanguage = .en) -> DOTGraph {
        let L = spec.hiddenSizes.count, T = max(1, min(steps, 8))
        let kind = spec.cell.rawValue.uppercased()
        let title: String
        switch (spec.bidirectional, language) {
        case (false, .en): title = "Deep \(kind): \(L) stacked layers, a^[l]<t>"
        case (false, .ko): title = "심층 \(kind): \(L)층으로 쌓은 a^[l]<t>"
        case (true, .en): title = "Bidirectional \(kind)\(L > 1 ? ", \(L) layers" : ""): [a→; a←] at every step"
        case (true, .ko): title = "양방향 \(kind)\(L > 1 ? ", \(L)층" : ""): 매 시점 [a→; a←]"
        }
        var g = Style.graph("stacked", extra: ["label": title, "labelloc": "t"])
        var rows: [[String]] = []
        var xs: [String] = []
        for t in 1...T {
            g.node("x_\(t)", ["label": "x<\(t)>", "fillcolor": Style.input])
            xs.append("x_\(t)")
        }
        rows.append(xs)
        var below: [[String]] = [xs]  // the node ids feeding each step from the layer below
        for l in 1...L {
            var directions: [[String]] = []
            for (d, arrow) in spec.bidirectional ? [(0, "→"), (1, "←")] : [(0, "")] {
                var row: [String] = []
                for t in 1...T {
                    let id = spec.bidirectional ? "a\(d == 0 ? "f" : "b")_\(l)_\(t)" : "a_\(l)_\(t)"
                    g.node(id, ["label": "a\(arrow)[\(l)]<\(t)>", "fillcolor": d == 0 ? Style.state : "#e6eef8",
                                "tooltip": language == .ko ? "\(l)층 \(t)시점" : "layer \(l), step \(t)"])
                    row.append(id)
                    for source in below.map({ $0[t - 1] }) { g.edge(source, id) }
                }
                // The recurrence: left to right for the forward row, right to left for the backward row.
                let pairs = d == 0 ? Array(zip(row, row.dropFirst())) : Array(zip(row.dropFirst(), row))
                for (a, b) in pairs { g.edge(a, b, ["color": "#b26b00", "penwidth": "1.6", "constraint": "false"]) }
                directions.append(row)
                rows.append(row)
            }
            if directions.count == 2 {
                // The backward row sits just above the forward row of the same layer.
                for t in 0..<T {
                    g.edge(directions[0][t], directions[1][t], ["style": "invis", "id": "order_\(directions[0][t])__\(directions[1][t])"])
                }
            }
            below = directions
        }
        var ys: [String] = []
        for t in 1...T {
            g.node("y_\(t)", ["label": "ŷ<\(t)>", "fillcolor": Style.output])
            for source in below.map({ $0[t - 1] }) { g.edge(source, "y_\(t)") }
            ys.append("y_\(t)")
        }
        rows.append(ys)
        for row in rows {
            g.sameRank(row)
            for (a, b) in zip(row, row.dropFirst()) { g.edge(a, b, ["style": "invis", "id": "order_\(a)__\(b)"]) }
        }
        return g
    }
}
