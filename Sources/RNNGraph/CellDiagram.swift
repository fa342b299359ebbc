import RNNCore

/// The inside of one cell at the gate level, node for node as the equations of
/// `shared/spec/trace-format.md` (σ, tanh, ⊙, +, 1 − z), used alone (`rnnlab graph --kind cell`)
/// and for every step of the gate-level unrolled network.
///
/// Node ids carry the step: `gate_f_3`, `gate_ctilde_3`, `op_fc_3`, … so the step-through can
/// highlight them.
enum CellInternals {
    /// The ids of the nodes a step reads and writes.
    struct Ports {
        var x: String
        var hPrev: String
        var cPrev: String?
        var h: String
        var c: String?
    }

    /// Adds the gate-level nodes and edges of step t to `g`. With a record, every node's tooltip
    /// holds its values at that step.
    static func add(to g: inout DOTGraph, spec: CellSpec, t: Int, ports: Ports, record: CellRecord?) {
        let s = Style.subscripted(t)
        func tip(_ name: String, gate: Int) -> [String: String] {
            guard let record, t >= 1, t <= record.steps, !record.gates.isEmpty else { return [:] }
            return ["tooltip": Style.vector(name, record.gate(gate, at: t))]
        }
        func gate(_ id: String, _ label: String, _ fn: String, _ attrs: [String: String] = [:]) {
            g.node(id, ["label": "\(fn)\n\(label)", "shape": "box", "fillcolor": Style.gate].merging(attrs) { _, b in b })
        }
        func op(_ id: String, _ label: String, _ attrs: [String: String] = [:]) {
            g.node(id, ["label": label, "shape": "circle", "fillcolor": Style.op, "width": "0.35",
                        "fixedsize": "true", "fontsize": "14"].merging(attrs) { _, b in b })
        }
        switch spec.kind {
        case .rnn:
            let affine = "op_affine_\(t)", phi = "op_phi_\(t)"
            g.node(affine, ["label": "W_xh x\(s) + W_hh h\(Style.subscripted(t - 1)) + b_h", "fillcolor": Style.op])
            let name = spec.activation == .linear ? "id" : spec.activation.rawValue
            var phiAttrs: [String: String] = [:]
            if let record, t >= 1 {
                phiAttrs["tooltip"] = Style.vector("a\(s)", record.preActivations[((t - 1) * spec.hiddenSize)..<(t * spec.hiddenSize)])
            }
            op(phi, name, phiAttrs.merging(["width": "0.5"]) { _, b in b })
            g.edge(ports.x, affine)
            g.edge(ports.hPrev, affine)
            g.edge(affine, phi)
            g.edge(phi, ports.h)
        case .lstm:
            let f = "gate_f_\(t)", i = "gate_i_\(t)", c = "gate_ctilde_\(t)", o = "gate_o_\(t)"
            gate(f, "f\(s)", "σ", tip("f\(s)", gate: 0))
            gate(i, "i\(s)", "σ", tip("i\(s)", gate: 1))
            gate(c, "c̃\(s)", "tanh", tip("c̃\(s)", gate: 2))
            gate(o, "o\(s)", "σ", tip("o\(s)", gate: 3))
            for id in [f, i, c, o] {
                g.edge(ports.x, id)
                g.edge(ports.hPrev, id)
            }
            if spec.peephole, let cPrev = ports.cPrev {
                for id in [f, i, o] { g.edge(cPrev, id, ["style": "dashed", "tooltip": "peephole"]) }
            }
            let fc = "op_fc_\(t)", ic = "op_ic_\(t)", plus = "op_cplus_\(t)", tanhC = "op_tanhc_\(t)", oh = "op_oh_\(t)"
            op(fc, "⊙", ["tooltip": "f\(s) ⊙ c\(Style.subscripted(t - 1))"])
            op(ic, "⊙", ["tooltip": "i\(s) ⊙ c̃\(s)"])
            op(plus, "+", ["tooltip": "c\(s) = f\(s) ⊙ c\(Style.subscripted(t - 1)) + i\(s) ⊙ c̃\(s)"])
            op(tanhC, "tanh", ["width": "0.5"])
            op(oh, "⊙", ["tooltip": "h\(s) = o\(s) ⊙ tanh(c\(s))"])
            if let cPrev = ports.cPrev { g.edge(cPrev, fc) }
            g.edge(f, fc)
            g.edge(i, ic)
            g.edge(c, ic)
            g.edge(fc, plus)
            g.edge(ic, plus)
            if let cOut = ports.c {
                g.edge(plus, cOut)
                g.edge(cOut, tanhC)
            } else {
                g.edge(plus, tanhC)
            }
            g.edge(tanhC, oh)
            g.edge(o, oh)
            g.edge(oh, ports.h)
        case .gru where spec.gruVariant == .simplified:
            // Course notes 04's simplified GRU: h̃ = tanh(W_xh x + W_hh h_{t-1} + b_h);  h = z ⊙ h̃ + (1 − z) ⊙ h_{t-1}
            let z = "gate_z_\(t)", hT = "gate_htilde_\(t)"
            gate(z, "z\(s)", "σ", tip("z\(s)", gate: 0))
            gate(hT, "h̃\(s)", "tanh", tip("h̃\(s)", gate: 1))
            for id in [z, hT] {
                g.edge(ports.x, id)
                g.edge(ports.hPrev, id)
            }
            let oneMinus = "op_1mz_\(t)", keep = "op_keep_\(t)", new = "op_new_\(t)", plus = "op_hplus_\(t)"
            op(oneMinus, "1−z", ["width": "0.5", "fontsize": "11"])
            op(keep, "⊙")
            op(new, "⊙")
            op(plus, "+")
            g.edge(z, oneMinus)
            g.edge(oneMinus, keep)
            g.edge(ports.hPrev, keep)
            g.edge(z, new)
            g.edge(hT, new)
            g.edge(keep, plus)
            g.edge(new, plus)
            g.edge(plus, ports.h)
        case .gru:
            let z = "gate_z_\(t)", r = "gate_r_\(t)", hT = "gate_htilde_\(t)"
            gate(z, "z\(s)", "σ", tip("z\(s)", gate: 0))
            gate(r, "r\(s)", "σ", tip("r\(s)", gate: 1))
            gate(hT, "h̃\(s)", "tanh", tip("h̃\(s)", gate: 2))
            for id in [z, r] {
                g.edge(ports.x, id)
                g.edge(ports.hPrev, id)
            }
            g.edge(ports.x, hT)
            let rh = "op_rh_\(t)", oneMinus = "op_1mz_\(t)", keep = "op_keep_\(t)", new = "op_new_\(t)", plus = "op_hplus_\(t)"
            op(oneMinus, "1−z", ["width": "0.5", "fontsize": "11"])
            op(keep, "⊙")
            op(new, "⊙")
            op(plus, "+")
            g.edge(z, oneMinus)
            if spec.gruVariant == .lecture {
                // h̃ = tanh(W_xh x + W_hh (r ⊙ h_{t-1}) + b_h);  h = (1 − z) ⊙ h_{t-1} + z ⊙ h̃
                op(rh, "⊙", ["tooltip": "r\(s) ⊙ h\(Style.subscripted(t - 1))"])
                g.edge(r, rh)
                g.edge(ports.hPrev, rh)
                g.edge(rh, hT)
                g.edge(oneMinus, keep)
                g.edge(ports.hPrev, keep)
                g.edge(z, new)
                g.edge(hT, new)
            } else {
                // h̃ = tanh(W_xh x + b_h + r ⊙ (W_hh h_{t-1} + b_hh));  h = z ⊙ h_{t-1} + (1 − z) ⊙ h̃
                let lin = "op_whh_\(t)"
                g.node(lin, ["label": "W_hh h\(Style.subscripted(t - 1)) + b_hh", "fillcolor": Style.op])
                op(rh, "⊙", ["tooltip": "r\(s) ⊙ (W_hh h\(Style.subscripted(t - 1)) + b_hh)"])
                g.edge(ports.hPrev, lin)
                g.edge(lin, rh)
                g.edge(r, rh)
                g.edge(rh, hT)
                g.edge(z, keep)
                g.edge(ports.hPrev, keep)
                g.edge(oneMinus, new)
                g.edge(hT, new)
            }
            g.edge(keep, plus)
            g.edge(new, plus)
            g.edge(plus, ports.h)
        }
    }
}

/// `rnnlab graph --kind cell`: one cell's inside with its inputs and outputs.
public enum CellDiagram {
    /// The gate-level diagram of the cell of `spec`; with a record, values of step `t` as tooltips.
    public static func dot(spec: CellSpec, record: CellRecord? = nil, step t: Int = 1, language: DiagramLanguage = .en) -> DOTGraph {
        var g = Style.graph("cell", extra: ["label": title(spec, language), "labelloc": "t"])
        let s = Style.subscripted(t), p = Style.subscripted(t - 1)
        func stateTip(_ name: String, _ values: ArraySlice<Double>?) -> [String: String] {
            values.map { ["tooltip": Style.vector(name, $0)] } ?? [:]
        }
        g.node("x_\(t)", ["label": "x\(s)", "fillcolor": Style.input])
        g.node("h_\(t - 1)", ["label": "h\(p)", "fillcolor": Style.state].merging(stateTip("h\(p)", record?.hidden(at: t - 1))) { _, b in b })
        var ports = CellInternals.Ports(x: "x_\(t)", hPrev: "h_\(t - 1)", cPrev: nil, h: "h_\(t)", c: nil)
        if spec.hasCellState {
            g.node("c_\(t - 1)", ["label": "c\(p)", "fillcolor": Style.cellState].merging(stateTip("c\(p)", record?.cell(at: t - 1))) { _, b in b })
            g.node("c_\(t)", ["label": "c\(s)", "fillcolor": Style.cellState].merging(stateTip("c\(s)", record?.cell(at: t))) { _, b in b })
            ports.cPrev = "c_\(t - 1)"
            ports.c = "c_\(t)"
        }
        g.node("h_\(t)", ["label": "h\(s)", "fillcolor": Style.state].merging(stateTip("h\(s)", record?.hidden(at: t))) { _, b in b })
        g.sameRank(["x_\(t)", "h_\(t - 1)"] + (spec.hasCellState ? ["c_\(t - 1)"] : []))
        CellInternals.add(to: &g, spec: spec, t: t, ports: ports, record: record)
        return g
    }

    static func title(_ spec: CellSpec, _ language: DiagramLanguage) -> String {
        switch (spec.kind, language) {
        case (.rnn, .en): return "Vanilla RNN cell (\(spec.activation.rawValue))"
        case (.rnn, .ko): return "기본 RNN 셀 (\(spec.activation.rawValue))"
        case (.lstm, .en): return spec.peephole ? "LSTM cell with peepholes" : "LSTM cell"
        case (.lstm, .ko): return spec.peephole ? "LSTM 셀 (핍홀 연결)" : "LSTM 셀"
        case (.gru, .en): return spec.gruVariant == .simplified ? "Simplified GRU cell (update gate only)" : "GRU cell (\(spec.gruVariant.rawValue))"
        case (.gru, .ko):
            switch spec.gruVariant {
            case .lecture: return "GRU 셀 (강의 노트 형식)"
            case .resetAfter: return "GRU 셀 (reset_after 형식)"
            case .simplified: return "단순화한 GRU 셀 (업데이트 게이트만)"
            }
        }
    }
}
