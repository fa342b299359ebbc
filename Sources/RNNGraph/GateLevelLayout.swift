import Foundation
import RNNCore

/// The gate-level unrolled network laid out by hand, one column per time step.
///
/// Graphviz's `dot` ranks a gate-level unrolling by the depth of each node, so every step sat
/// one band lower than the one before (a diagonal staircase) and no step looked like the next.
/// Here every step is the same column: the state lines run straight across the figure (the
/// LSTM's c on top, h below; a GRU's or a vanilla RNN's h on top), the gates are stacked in one
/// fixed order (f, i, c̃, o; z, r, h̃), x_t comes in at the bottom and y_t leaves at the bottom
/// right. The nodes are placed here and Graphviz (`nop2`) only routes the edges, orthogonally
/// (its spline router took 2.5 s for seven LSTM steps, the orthogonal one 0.1 s).
///
/// Folded runs of steps take a narrow column of their own, between the states they join.
extension UnrolledDiagram {
    /// Where a node of a step sits: a fraction of the column's width from its left edge (where
    /// h_{t−1} is), and a row counted from the top.
    struct Place: Sendable {
        var dx: Double
        var row: Double
    }

    /// One kind of cell's column.
    struct ColumnPlan: Sendable {
        var width: Double
        /// The rows of the state lines and of x_t / y_t.
        var hRow: Double
        var cRow: Double?
        var ioRow: Double
        /// Step nodes by their id without the step (`gate_f`, `op_fc`, …).
        var places: [String: Place]
    }

    static let rowHeight = 56.0
    static let foldWidth = 120.0
    /// Room at the left for h₀ and at the right for the loss.
    static let margin = 30.0

    static func columnPlan(_ spec: CellSpec) -> ColumnPlan {
        switch spec.kind {
        case .rnn:
            return ColumnPlan(width: 240, hRow: 0, cRow: nil, ioRow: 2.4, places: [
                "op_affine": Place(dx: 0.4, row: 1.2), "op_phi": Place(dx: 0.82, row: 1.2),
            ])
        case .lstm:
            return ColumnPlan(width: 220, hRow: 5, cRow: 0, ioRow: 6, places: [
                "gate_f": Place(dx: 0.38, row: 1), "gate_i": Place(dx: 0.38, row: 2),
                "gate_ctilde": Place(dx: 0.38, row: 3), "gate_o": Place(dx: 0.38, row: 4),
                "op_fc": Place(dx: 0.58, row: 0), "op_ic": Place(dx: 0.6, row: 2.5), "op_cplus": Place(dx: 0.74, row: 0),
                "op_tanhc": Place(dx: 0.82, row: 1.5), "op_oh": Place(dx: 0.82, row: 4),
            ])
        case .gru where spec.gruVariant == .simplified:
            return ColumnPlan(width: 230, hRow: 0, cRow: nil, ioRow: 3.6, places: [
                "gate_z": Place(dx: 0.35, row: 1), "gate_htilde": Place(dx: 0.35, row: 2.4),
                "op_1mz": Place(dx: 0.58, row: 1), "op_keep": Place(dx: 0.58, row: 0),
                "op_new": Place(dx: 0.74, row: 1.7), "op_hplus": Place(dx: 0.8, row: 0),
            ])
        case .gru:
            let resetAfter = spec.gruVariant == .resetAfter
            var places: [String: Place] = [
                "gate_z": Place(dx: 0.32, row: 1), "gate_r": Place(dx: 0.32, row: 2),
                "op_rh": Place(dx: 0.32, row: 2.8), "gate_htilde": Place(dx: 0.32, row: 3.6),
                "op_1mz": Place(dx: 0.56, row: 1), "op_keep": Place(dx: 0.56, row: 0),
                "op_new": Place(dx: 0.74, row: 2), "op_hplus": Place(dx: 0.8, row: 0),
            ]
            if resetAfter { places["op_whh"] = Place(dx: 0.62, row: 2.8) }
            return ColumnPlan(width: resetAfter ? 270 : 240, hRow: 0, cRow: nil, ioRow: 4.7, places: places)
        }
    }

    /// The gate-level forward graph, every node placed.
    var gateLevelDOT: DOTGraph {
        let plan = Self.columnPlan(spec)
        let hasC = spec.hasCellState
        let R = Self.rowHeight
        // Graphviz's y grows upwards; rows count down from the top. The cluster's label needs a
        // little room above the top row.
        let bottom = plan.ioRow + 0.9
        func y(_ row: Double) -> Double { (bottom - row) * R + 24 }
        func pos(_ x: Double, _ row: Double) -> String { String(format: "%.1f,%.1f!", x, y(row)) }

        var g = Style.graph("unrolled", extra: ["label": title, "labelloc": "t", "layout": "nop2", "splines": "ortho"])
        var x = Self.margin
        g.node("h_0", stateAttributes("h", t: 0, fill: Style.state).merging(["pos": pos(x, plan.hRow)]) { _, b in b })
        if hasC, let cRow = plan.cRow {
            g.node("c_0", stateAttributes("c", t: 0, fill: Style.cellState).merging(["pos": pos(x, cRow)]) { _, b in b })
        }
        var previous = 0
        for t in visibleSteps {
            if t > previous + 1 {
                // A fold: its own narrow column, from the state before it to the state after it.
                let fold = "fold_\(previous + 1)_\(t - 1)"
                let k = t - 1 - previous
                let mid = plan.cRow.map { ($0 + plan.hRow) / 2 } ?? (plan.hRow + plan.ioRow) / 2
                g.node(fold, ["label": language == .ko ? "… \(k)단계 …" : "… \(k) steps …", "shape": "box",
                              "style": "dashed,rounded", "fillcolor": "#ffffff", "pos": pos(x + Self.foldWidth / 2, mid)])
                let end = x + Self.foldWidth
                g.node("h_\(t - 1)", stateAttributes("h", t: t - 1, fill: Style.state).merging(["pos": pos(end, plan.hRow)]) { _, b in b })
                g.edge("h_\(previous)", fold)
                g.edge(fold, "h_\(t - 1)")
                if hasC, let cRow = plan.cRow {
                    g.node("c_\(t - 1)", stateAttributes("c", t: t - 1, fill: Style.cellState).merging(["pos": pos(end, cRow)]) { _, b in b })
                    g.edge("c_\(previous)", fold, ["color": "#b26b00", "penwidth": "1.6"])
                    g.edge(fold, "c_\(t - 1)", ["color": "#b26b00", "penwidth": "1.6"])
                }
                x = end
            }
            let s = Style.subscripted(t)
            let W = plan.width
            let token = inputLabels.flatMap { t <= $0.count ? $0[t - 1] : nil }
            var cluster = DOTGraph(name: "cluster_step_\(t)", attributes: [
                "label": language == .ko ? "\(t)단계" : "step \(t)", "style": "rounded", "color": "#bbbbbb", "id": "step_\(t)",
                "bb": String(format: "%.1f,%.1f,%.1f,%.1f", x + 21, y(plan.ioRow) - 26, x + W - 21, y(0) + 44),
            ])
            cluster.node("x_\(t)", ["label": "x\(s)" + (token.map { "\n\($0)" } ?? ""), "fillcolor": Style.input,
                                    "pos": pos(x + 0.17 * W, plan.ioRow)].merging(inputTooltip(t)) { _, b in b })
            let ports = CellInternals.Ports(x: "x_\(t)", hPrev: "h_\(t - 1)", cPrev: hasC ? "c_\(t - 1)" : nil,
                                            h: "h_\(t)", c: hasC ? "c_\(t)" : nil)
            var inside = DOTGraph(name: "step")
            CellInternals.add(to: &inside, spec: spec, t: t, ports: ports, record: record)
            // The cell's nodes go into the step's box at their places; its edges follow, after
            // the states they read and write exist.
            var edges: [DOTGraph.Statement] = []
            for statement in inside.statements {
                switch statement {
                case .node(let id, var attributes):
                    let base = id.hasSuffix("_\(t)") ? String(id.dropLast("_\(t)".count)) : id
                    if let place = plan.places[base] { attributes["pos"] = pos(x + place.dx * W, place.row) }
                    cluster.statements.append(.node(id: id, attributes: attributes))
                default:
                    edges.append(statement)
                }
            }
            g.subgraph(cluster)
            g.node("h_\(t)", stateAttributes("h", t: t, fill: Style.state).merging(["pos": pos(x + W, plan.hRow)]) { _, b in b })
            if hasC, let cRow = plan.cRow {
                g.node("c_\(t)", stateAttributes("c", t: t, fill: Style.cellState).merging(["pos": pos(x + W, cRow)]) { _, b in b })
            }
            for case .edge(let from, let to, var attributes) in edges {
                if from.hasPrefix("c_") || to.hasPrefix("c_") || from.hasPrefix("op_cplus") {
                    attributes = attributes.merging(["color": "#b26b00", "penwidth": "1.6"]) { a, _ in a }
                }
                g.statements.append(.edge(from: from, to: to, attributes: attributes))
            }
            if !handsOver {
                g.node("y_\(t)", ["label": outputName + s, "fillcolor": Style.output, "pos": pos(x + W, plan.ioRow + 0.9)]
                    .merging(outputTooltip(t)) { _, b in b })
                g.edge("h_\(t)", "y_\(t)")
            }
            x += W
            previous = t
        }
        if handsOver {
            g.node("decoder", ["label": language == .ko ? "디코더" : "decoder", "shape": "box", "style": "rounded,filled",
                               "fillcolor": Style.output, "pos": pos(x + 60, plan.hRow)])
            g.edge("h_\(steps)", "decoder")
            if hasC && handsOverCellState, let _ = plan.cRow { g.edge("c_\(steps)", "decoder", ["color": "#b26b00", "penwidth": "1.6"]) }
        } else {
            g.node("loss", ["label": "L", "shape": "ellipse", "fillcolor": Style.loss, "pos": pos(x + 60, plan.ioRow + 0.9),
                            "tooltip": lossValue.map { "L = \(Style.number($0))" } ?? "loss"])
            for t in visibleSteps where lossOnAllSteps || t == steps { g.edge("y_\(t)", "loss") }
        }
        return g
    }
}
