import RNNCore

/// The step-through's equations as TeX templates: the equation of one unit at one step, with
/// `\slot{…}` where the page puts a number. Slots name what fills them:
///
/// - `t`, `t-1`, `t+1`: the step; `j`: the unit (1-based, as the page counts);
/// - `h c dh dc a` (states, derivatives, a vanilla RNN's pre-activation) and `g.f`, `g.z`, …
///   (gate values), optionally `:1` or `:-1` for step t + 1 or t − 1;
/// - every term and constant of `StepEquations` by its name (`x.f`, `rho`, `b.f`).
///
/// One template per case: `f0` the initial state, `f` a forward step, `b` a backward step,
/// `bT` the last step (nothing comes from t + 1), `b0` the initial state (no output at 0) and
/// `bc` a step where truncated BPTT cuts the path from t + 1.
extension StepEquations {
    /// An encoder's end: it has no readout, and at its last step it receives what the decoder
    /// hands back (`hand`, and `dc.hand` when `cellState`).
    struct HandOver {
        var cellState: Bool
    }

    static func templates(_ spec: CellSpec, stacked: Bool, truncated: Bool, handOver: HandOver? = nil, language: String) -> [(key: String, tex: String)] {
        let ko = language == "ko"
        func b(_ position: Case) -> String { backward(spec, stacked: stacked, at: position, handOver: handOver, ko: ko) }
        var out: [(String, String)] = [
            ("f0", forwardInitial(spec, ko: ko)),
            ("f", forward(spec)),
            ("b", b(.middle)),
            ("bT", b(.last)),
            ("b0", b(.initial)),
        ]
        if truncated { out.append(("bc", b(.cut))) }
        return out
    }

    // MARK: - Pieces

    private static func s(_ name: String) -> String { "\\slot{\(name)}" }
    private static let t = s("t"), tm = s("t-1"), tp = s("t+1"), j = s("j")
    /// `name_t[j]`, `name_{t-1}[j]`: one unit of a vector at a step.
    private static func at(_ name: String, _ step: String = t, unit: String = j) -> String { "\(name)_{\(step)}[\(unit)]" }
    /// ∂L/∂(what)
    private static func d(_ what: String) -> String { "\\frac{\\partial L}{\\partial \(what)}" }

    private static func aligned(_ rows: [String]) -> String {
        "\\begin{aligned}" + rows.joined(separator: " \\\\ ") + "\\end{aligned}"
    }

    /// The symbol of each gate as the equations write it, by its weights' letter.
    private static func symbol(_ key: String, _ kind: CellKind) -> String {
        switch (kind, key) {
        case (.lstm, "c"): return "\\tilde c"
        case (.gru, "h"): return "\\tilde h"
        default: return key
        }
    }

    // MARK: - Forward

    private static func forwardInitial(_ spec: CellSpec, ko: Bool) -> String {
        let note = "\\qquad \\text{(\(ko ? "초기 상태" : "initial state"))}"
        var rows = ["\(at("h", "0")) &= \(s("h"))" + (spec.hasCellState ? "" : " \(note)")]
        if spec.hasCellState { rows.append("\(at("c", "0")) &= \(s("c")) \(note)") }
        return aligned(rows)
    }

    private static func forward(_ spec: CellSpec) -> String {
        switch spec.kind {
        case .rnn:
            let (phi, value): (String, String)
            switch spec.activation {
            case .tanh: (phi, value) = ("\\tanh(\(at("a")))", "\\tanh(\(s("a")))")
            case .relu: (phi, value) = ("\\operatorname{relu}(\(at("a")))", "\\max(0, \(s("a")))")
            case .linear: (phi, value) = (at("a"), s("a"))
            }
            return aligned([
                "\(at("a")) &= (W_{xh} x_{\(t)})[\(j)] + (W_{hh} h_{\(tm)})[\(j)] + b_h[\(j)]",
                "&= \(s("x.h")) + \(s("h.h")) + \(s("b.h")) = \(s("a"))",
                "\(at("h")) &= \(phi)" + (spec.activation == .linear ? "" : " = \(value)") + " = \(s("h"))",
            ])
        case .lstm:
            var rows: [String] = []
            for key in gateKeys(.lstm) {
                let peep = spec.peephole && key != "c"
                let f = key == "c" ? "\\tanh" : "\\sigma"
                rows.append("\(at(symbol(key, .lstm))) &= \(f)\\left((W_{x\(key)} x_{\(t)})[\(j)] + (W_{h\(key)} h_{\(tm)})[\(j)] + b_\(key)[\(j)]"
                    + (peep ? " + p_\(key)[\(j)]\\, \(at("c", tm))" : "") + "\\right)")
                rows.append("&= \(f)(\(s("x.\(key)")) + \(s("h.\(key)")) + \(s("b.\(key)"))" + (peep ? " + \(s("p.\(key)"))" : "")
                    + ") = \(f)(\(s("a.\(key)"))) = \(s("g.\(key)"))")
            }
            rows.append("\(at("c")) &= \(at("f"))\\, \(at("c", tm)) + \(at("i"))\\, \(at("\\tilde c"))")
            rows.append("&= \(s("g.f")) \\times \(s("c:-1")) + \(s("g.i")) \\times \(s("g.c")) = \(s("c"))")
            rows.append("\(at("h")) &= \(at("o")) \\tanh(\(at("c")))")
            rows.append("&= \(s("g.o")) \\times \\tanh(\(s("c"))) = \(s("h"))")
            return aligned(rows)
        case .gru where !spec.hasResetGate:
            // The simplified GRU (course notes 04): no reset gate; the candidate reads h_{t-1}.
            var rows: [String] = []
            for (key, f) in [("z", "\\sigma"), ("h", "\\tanh")] {
                rows.append("\(at(symbol(key, .gru))) &= \(f)\\left((W_{x\(key)} x_{\(t)})[\(j)] + (W_{h\(key)} h_{\(tm)})[\(j)] + b_\(key)[\(j)]\\right)")
                rows.append("&= \(f)(\(s("x.\(key)")) + \(s("h.\(key)")) + \(s("b.\(key)"))) = \(f)(\(s("a.\(key)"))) = \(s("g.\(key)"))")
            }
            rows.append("\(at("h")) &= \(at("z"))\\, \(at("\\tilde h")) + (1 - \(at("z")))\\, \(at("h", tm))")
            rows.append("&= \(s("g.z")) \\times \(s("g.h")) + (1 - \(s("g.z"))) \\times \(s("h:-1")) = \(s("h"))")
            return aligned(rows)
        case .gru:
            let after = spec.gruVariant == .resetAfter
            var rows: [String] = []
            for key in ["z", "r"] {
                if after {
                    rows.append("\(at(key)) &= \\sigma\\left((W_{x\(key)} x_{\(t)})[\(j)] + b_\(key)[\(j)] + (W_{h\(key)} h_{\(tm)})[\(j)] + b_{h\(key)}[\(j)]\\right)")
                    rows.append("&= \\sigma(\(s("x.\(key)")) + \(s("b.\(key)")) + \(s("h.\(key)")) + \(s("bh.\(key)"))) = \\sigma(\(s("a.\(key)"))) = \(s("g.\(key)"))")
                } else {
                    rows.append("\(at(key)) &= \\sigma\\left((W_{x\(key)} x_{\(t)})[\(j)] + (W_{h\(key)} h_{\(tm)})[\(j)] + b_\(key)[\(j)]\\right)")
                    rows.append("&= \\sigma(\(s("x.\(key)")) + \(s("h.\(key)")) + \(s("b.\(key)"))) = \\sigma(\(s("a.\(key)"))) = \(s("g.\(key)"))")
                }
            }
            if after {
                rows.append("\(at("\\tilde h")) &= \\tanh\\left((W_{xh} x_{\(t)})[\(j)] + b_h[\(j)] + \(at("r"))\\left((W_{hh} h_{\(tm)})[\(j)] + b_{hh}[\(j)]\\right)\\right)")
                rows.append("&= \\tanh(\(s("x.h")) + \(s("b.h")) + \(s("g.r")) \\times (\(s("h.h")) + \(s("bh.h")))) = \\tanh(\(s("a.h"))) = \(s("g.h"))")
                rows.append("\(at("h")) &= \(at("z"))\\, \(at("h", tm)) + (1 - \(at("z")))\\, \(at("\\tilde h"))")
                rows.append("&= \(s("g.z")) \\times \(s("h:-1")) + (1 - \(s("g.z"))) \\times \(s("g.h")) = \(s("h"))")
            } else {
                rows.append("\(at("\\tilde h")) &= \\tanh\\left((W_{xh} x_{\(t)})[\(j)] + (W_{hh} (r_{\(t)} \\odot h_{\(tm)}))[\(j)] + b_h[\(j)]\\right)")
                rows.append("&= \\tanh(\(s("x.h")) + \(s("h.h")) + \(s("b.h"))) = \\tanh(\(s("a.h"))) = \(s("g.h"))")
                rows.append("\(at("h")) &= (1 - \(at("z")))\\, \(at("h", tm)) + \(at("z"))\\, \(at("\\tilde h"))")
                rows.append("&= (1 - \(s("g.z"))) \\times \(s("h:-1")) + \(s("g.z")) \\times \(s("g.h")) = \(s("h"))")
            }
            return aligned(rows)
        }
    }

    // MARK: - Backward

    private enum Case { case middle, last, initial, cut }

    private static func backward(_ spec: CellSpec, stacked: Bool, at position: Case, handOver: HandOver?, ko: Bool) -> String {
        // An encoder's layer reads no output; only a layer above feeds it at every step.
        let fromOutput = position != .initial && (handOver == nil || stacked)
        let fromNext = position == .middle || position == .initial
        let fromDecoder = handOver != nil && position == .last
        // The part from the output at t, or with a stack from the layer above.
        let output = stacked
            ? "\\left(W_{x}^{[2]\\top} \(d("a^{[2]}_{\(t)}"))\\right)[\(j)]"
            : "\\left(W_{hy}^{\\top} \(d("y_{\(t)}"))\\right)[\(j)]"
        let note = position == .cut
            ? " \\qquad \\text{(\(ko ? "잘린 BPTT: 시점 " : "truncated BPTT: nothing flows back from step ")}\(tp)\\text{\(ko ? "에서 돌아오는 기울기 없음)" : ")")}" : ""
        let decoderNote = " \\qquad \\text{(}h^{\\mathrm{dec}}_{0}\\text{\(ko ? ": 디코더의 초기 상태)" : ": the decoder's initial state)")}"
        let recurrence: String, direct: String?
        switch spec.kind {
        case .rnn:
            recurrence = "\\sum_k W_{hh}[k, \(j)]\\, \(d("a_{\(tp)}[k]"))"
            direct = nil
        case .lstm:
            recurrence = "\\sum_{g \\in \\{f, i, c, o\\}} \\sum_k W_{hg}[k, \(j)]\\, \(d("a^{g}_{\(tp)}[k]"))"
            direct = nil
        case .gru where !spec.hasResetGate:
            recurrence = "\\sum_k \\left(W_{hz}[k, \(j)]\\, \(d("a^{z}_{\(tp)}[k]")) + W_{hh}[k, \(j)]\\, \(d("a^{\\tilde h}_{\(tp)}[k]"))\\right)"
            direct = d(at("h", tp)) + "\\, (1 - \(at("z", tp)))"
        case .gru:
            let after = spec.gruVariant == .resetAfter
            recurrence = "\\sum_k \\left(W_{hz}[k, \(j)]\\, \(d("a^{z}_{\(tp)}[k]")) + W_{hr}[k, \(j)]\\, \(d("a^{r}_{\(tp)}[k]"))"
                + " + W_{hh}[k, \(j)]\\, " + (after ? at("r", tp, unit: "k") : at("r", tp)) + "\\, \(d("a^{\\tilde h}_{\(tp)}[k]"))\\right)"
            direct = d(at("h", tp)) + (after ? "\\, \(at("z", tp))" : "\\, (1 - \(at("z", tp)))")
        }
        var parts: [(symbolic: String, factors: String?, term: String)] = []
        if fromOutput { parts.append((output, nil, "e")) }
        if fromNext, let direct {
            let z = s("g.z:1")
            parts.append((direct, "\(s("dh:1")) \\times " + (spec.gruVariant == .resetAfter ? z : "(1 - \(z))"), "dir"))
        }
        if fromNext { parts.append((recurrence, nil, "rho")) }
        if fromDecoder {
            parts.append((d("h^{\\mathrm{dec}}_{0}") + "[\(j)]", nil, "hand"))
        }
        var rows: [String] = []
        let lhs = d(at("h"))
        if spec.kind == .gru && parts.count == 3 {
            // Too long for one line: the sum over k goes on the next.
            rows.append("\(lhs) &= \(parts[0].symbolic) + \(parts[1].symbolic)")
            rows.append("&\\quad + \(parts[2].symbolic)")
            rows.append("&= \(s("e")) + \(parts[1].factors ?? "") + \(s("rho"))")
        } else {
            rows.append("\(lhs) &= " + parts.map(\.symbolic).joined(separator: " + ") + (parts.count == 1 ? " = \(s(parts[0].term))\(note)" : "")
                + (fromDecoder ? decoderNote : ""))
        }
        if parts.count > 1 { rows.append("&= " + parts.map { s($0.term) }.joined(separator: " + ") + " = \(s("dh"))") }

        switch spec.kind {
        case .rnn where position != .initial:
            let slope: String
            switch spec.activation {
            case .tanh: slope = "\\tanh'(\(at("a")))"
            case .relu: slope = "\\operatorname{relu}'(\(at("a")))"
            case .linear: slope = "1"
            }
            rows.append("\(d(at("a"))) &= \(d(at("h")))\\, \(slope) = \(s("dh")) \\times \(s("dphi")) = \(s("da"))")
        case .lstm:
            var symbolic: [String] = [], factors: [String] = [], names: [String] = []
            if fromNext {
                symbolic.append("\(d(at("c", tp)))\\, \(at("f", tp))")
                factors.append("\(s("dc:1")) \\times \(s("g.f:1"))")
                names.append("dc.f")
            }
            if position != .initial {
                symbolic.append("\(d(at("h")))\\, \(at("o"))\\, (1 - \\tanh^2 \(at("c")))")
                factors.append("\(s("dh")) \\times \(s("g.o")) \\times \(s("dtc"))")
                names.append("dc.h")
            }
            if fromDecoder && handOver?.cellState == true {
                symbolic.append(d("c^{\\mathrm{dec}}_{0}") + "[\(j)]")
                factors.append(s("dc.hand"))
                names.append("dc.hand")
            }
            if fromNext && spec.peephole {
                symbolic.append("\\sum_{g \\in \\{f, i, o\\}} p_g[\(j)]\\, \(d("a^{g}_{\(tp)}[\(j)]"))")
                factors.append(s("dc.p"))
                names.append("dc.p")
            }
            rows.append("\(d(at("c"))) &= " + symbolic.joined(separator: " + "))
            rows.append("&= " + factors.joined(separator: " + ") + (names.count > 1 ? "" : " = \(s("dc"))"))
            if names.count > 1 { rows.append("&= " + names.map(s).joined(separator: " + ") + " = \(s("dc"))") }
        default:
            break
        }
        return aligned(rows)
    }
}
