import Foundation
import RNNCore

/// An encoder–decoder unrolled over one pair: the source tokens into the encoder's states
/// h₁ … h_S, the hand-off of h_S (and c_S, LSTM to LSTM) to the decoder, and the decoder's
/// states s₁ … s_{n+1}, each fed a token and writing the next (its most probable token, drawn
/// beside the target; the dashed edge is the token fed back when the decoder generates).
///
/// The halves are told apart by colour and letter (h, s), not by Graphviz clusters: a flat edge
/// between two clusters on one rank is drawn twice (Graphviz 2.43.0 here), and with an invisible
/// edge beside it dot aborts (`merge_chain` assertion), taking the process with it.
///
/// Long pairs stay readable as in `UnrolledDiagram`: past `foldThreshold` steps a half keeps its
/// first two and last two steps and folds the rest into one "… k steps …" node. With
/// `encoderGradient`, each encoder state edge is drawn by ‖dL/dh_s‖ (width and colour, log
/// scale): how much of the loss's gradient reaches each source position.
public struct Seq2SeqDiagram: Sendable {
    /// Display text of the source tokens, s = 1 … S.
    public var source: [String]
    /// Display text of the decoder's inputs (BOS, then the target) and of what it should write
    /// (the target, then EOS): n + 1 each.
    public var decoderInputs: [String]
    public var targets: [String]
    /// The decoder's most probable token at each step (n + 1), drawn beside the target.
    public var predictions: [String]
    public var encoderCell: CellKind
    public var decoderCell: CellKind
    public var bidirectional = false
    /// ‖dL/dh_s‖ for s = 0 … S (the encoder's first layer), for the gradient view and tooltips.
    public var encoderGradient: [Double]?
    /// Draw the encoder's state edges by ‖dL/dh_s‖ (needs `encoderGradient`).
    public var gradientView = false
    public var lossValue: Double?
    public var foldThreshold = 12
    /// At most this many steps of each half drawn (`fitted` sets it to fit a width).
    public var maxVisible: Int?
    public var language: DiagramLanguage = .en

    public init(source: [String], decoderInputs: [String], targets: [String], predictions: [String],
                encoderCell: CellKind, decoderCell: CellKind) {
        self.source = source
        self.decoderInputs = decoderInputs
        self.targets = targets
        self.predictions = predictions
        self.encoderCell = encoderCell
        self.decoderCell = decoderCell
    }

    /// Steps 1 … n shown: all when few, else the first two, the last two and a fold between.
    func visible(_ n: Int) -> [Int] {
        if let limit = maxVisible { return foldedSteps(n, limit: limit) }
        return n > foldThreshold ? [1, 2, n - 1, n] : Array(1...max(n, 1))
    }

    public var dot: DOTGraph {
        let ko = language == .ko
        var g = Style.graph("seq2seq", extra: ["label": title, "labelloc": "t"])
        var tokens: [String] = [], states: [String] = [], outputs: [String] = []
        let scale = gradientView ? encoderGradient.map { LogColorScale(values: $0) } : nil

        // Encoder: x_s → h_s, h_{s−1} → h_s.
        g.node("h_0", ["label": "h₀ = 0", "fillcolor": Style.state, "tooltip": ko ? "인코더의 초기 상태 (0)" : "the encoder's initial state (zeros)"])
        states.append("h_0")
        var previous = 0
        for s in visible(source.count) {
            var from = "h_\(previous)"
            if s > previous + 1 {
                let fold = "enc_fold_\(previous + 1)_\(s - 1)"
                g.node(fold, ["label": ko ? "… \(s - 1 - previous)단계 …" : "… \(s - 1 - previous) steps …", "style": "dashed,rounded",
                                    "tooltip": foldTooltip(previous + 1, s - 1)])
                g.edge(from, fold, encoderEdge(previous, scale))
                states.append(fold)
                from = fold
            }
            let sub = Style.subscripted(s)
            g.node("x_\(s)", ["label": source[s - 1], "fillcolor": Style.input, "tooltip": "x\(sub) = \(source[s - 1])"])
            var attrs = ["label": "h\(sub)", "fillcolor": Style.state]
            if let n = encoderGradient?[s] { attrs["tooltip"] = "‖dL/dh\(sub)‖ = \(Style.number(n))" }
            g.node("h_\(s)", attrs)
            g.edge("x_\(s)", "h_\(s)")
            g.edge(from, "h_\(s)", encoderEdge(s - 1, scale))
            tokens.append("x_\(s)")
            states.append("h_\(s)")
            previous = s
        }

        // Decoder: in_t → s_t, s_{t−1} → s_t, s_t → out_t, out_t ⇢ in_{t+1}.
        let S = source.count
        var from = "h_\(S)"
        previous = 0
        var handedOff = false
        for t in visible(targets.count) {
            if t > previous + 1 {
                let fold = "dec_fold_\(previous + 1)_\(t - 1)"
                g.node(fold, ["label": ko ? "… \(t - 1 - previous)단계 …" : "… \(t - 1 - previous) steps …", "style": "dashed,rounded"])
                g.edge(from, fold)
                states.append(fold)
                from = fold
            }
            let sub = Style.subscripted(t)
            let right = predictions[t - 1] == targets[t - 1]
            g.node("in_\(t)", ["label": decoderInputs[t - 1], "fillcolor": Style.input,
                                     "tooltip": ko ? "\(t)단계 디코더 입력: \(decoderInputs[t - 1])" : "decoder input at step \(t): \(decoderInputs[t - 1])"])
            g.node("s_\(t)", ["label": "s\(sub)", "fillcolor": Style.cellState])
            g.node("out_\(t)", [
                "label": right ? predictions[t - 1] : "\(predictions[t - 1]) ≠ \(targets[t - 1])",
                "fillcolor": right ? Style.output : Style.loss,
                "tooltip": ko ? "가장 확률이 높은 토큰 \(predictions[t - 1]), 정답 \(targets[t - 1])" : "most probable token \(predictions[t - 1]), target \(targets[t - 1])"])
            g.edge("in_\(t)", "s_\(t)")
            g.edge("s_\(t)", "out_\(t)")
            if !handedOff {
                // The hand-off: the decoder starts from the encoder's last state.
                let carried = encoderCell == .lstm && decoderCell == .lstm ? "h\(Style.subscripted(S)), c\(Style.subscripted(S))" : "h\(Style.subscripted(S))"
                let label = (bidirectional ? "[h→ ; h←]" : carried) + (ko ? " 전달" : " handed over")
                var attrs = ["penwidth": "2.4", "color": "#b26b00", "label": label, "fontcolor": "#b26b00"]
                if let n = encoderGradient?[S] { attrs["tooltip"] = "‖dL/dh\(Style.subscripted(S))‖ = \(Style.number(n))" }
                g.edge(from, "s_\(t)", attrs)
                handedOff = true
            } else {
                g.edge(from, "s_\(t)")
            }
            if t > 1, previous == t - 1 {
                g.edge("out_\(t - 1)", "in_\(t)", ["style": "dashed", "constraint": "false", "color": "#888888",
                                                        "tooltip": ko ? "생성할 때는 자신의 출력이 다음 입력이 됩니다" : "when generating, its own output is its next input"])
            }
            tokens.append("in_\(t)")
            states.append("s_\(t)")
            outputs.append("out_\(t)")
            from = "s_\(t)"
            previous = t
        }
        g.sameRank(states)  // already in time order by its own edges: a second edge between a pair crashes dot
        for row in [tokens, outputs] where row.count > 1 {
            g.sameRank(row)
            // Invisible edges keep the token rows in time order, left to right.
            for (a, b) in zip(row, row.dropFirst()) { g.edge(a, b, ["style": "invis", "id": "order_\(a)__\(b)"]) }
        }
        return g
    }

    private func name(_ cell: CellKind) -> String { cell.rawValue.uppercased() }

    private var title: String {
        let sizes = language == .ko
            ? "인코더 \(name(encoderCell)) h₁ … h\(Style.subscripted(source.count)), 디코더 \(name(decoderCell)) s₁ … s\(Style.subscripted(targets.count))"
            : "encoder \(name(encoderCell)) h₁ … h\(Style.subscripted(source.count)), decoder \(name(decoderCell)) s₁ … s\(Style.subscripted(targets.count))"
        let what: String
        switch (gradientView && encoderGradient != nil, language) {
        case (false, .en): what = "the encoder–decoder unrolled"
        case (false, .ko): what = "펼친 인코더–디코더"
        case (true, .en): what = "the encoder–decoder unrolled, encoder edges by ‖dL/dh_s‖ (log scale)"
        case (true, .ko): what = "펼친 인코더–디코더, 인코더 간선의 굵기는 ‖dL/dh_s‖ (로그 눈금)"
        }
        return "\(sizes): \(what)" + (lossValue.map { ", L = \(Style.number($0))" } ?? "")
    }

    private func encoderEdge(_ s: Int, _ scale: LogColorScale?) -> [String: String] {
        guard let scale, let n = encoderGradient?[s] else { return [:] }
        return ["dir": "back", "color": scale.color(n), "penwidth": String(format: "%.2f", scale.width(n)),
                "tooltip": "‖dL/dh\(Style.subscripted(s))‖ = \(Style.number(n))"]
    }

    private func foldTooltip(_ a: Int, _ b: Int) -> String {
        guard let norms = encoderGradient else { return "" }
        return language == .ko
            ? "‖dL/dh‖: \(Style.number(norms[a])) (s=\(a))에서 \(Style.number(norms[b])) (s=\(b))까지"
            : "‖dL/dh‖ from \(Style.number(norms[a])) (s=\(a)) to \(Style.number(norms[b])) (s=\(b))"
    }
}

extension Seq2SeqDiagram: FoldableDiagram {
    /// The longer half's steps.
    public var stepsDrawn: Int { max(visible(source.count).count, visible(targets.count).count) }
    public var fewestSteps: Int { 2 }
}
