/// The key to a diagram's colours, from the fills its nodes actually use: which colour is an
/// input, a state, a gate, an operation, an output or the loss (and, in the encoder–decoder's
/// drawing, a prediction that is right or wrong). The page sets it under the drawing, so it
/// is in the page's language and never scrolls away with a wide drawing.
import Reports

public enum GraphLegend {
    public static func entries(_ graph: DOTGraph, language: DiagramLanguage) -> [LegendEntry] {
        let ko = language == .ko
        var fills: Set<String> = [], dashed = false, cellEdges = false, peepholes = false, cells = false
        func walk(_ g: DOTGraph) {
            for statement in g.statements {
                switch statement {
                case .node(let id, let a):
                    if let f = a["fillcolor"], !id.hasPrefix("legend_") { fills.insert(f.lowercased()) }
                    if a["style"]?.contains("dashed") == true { dashed = true }
                    if id.hasPrefix("cell_") { cells = true }
                case .edge(_, _, let a):
                    if a["color"] == "#b26b00" { cellEdges = true }
                    if a["tooltip"] == "peephole" { peepholes = true }
                case .subgraph(let s): walk(s)
                case .sameRank: break
                }
            }
        }
        walk(graph)
        let seq2seq = graph.name == "seq2seq"
        let known: [(String, String)] = [
            (Style.input, ko ? "입력 x_t" : "input x_t"),
            (Style.state, ko ? "은닉 상태 h_t" : "hidden state h_t"),
            ("#e6eef8", ko ? "역방향 상태 a←" : "backward state a←"),
            (Style.cellState, seq2seq ? (ko ? "디코더 상태 s_t" : "decoder state s_t") : (ko ? "셀 상태 c_t" : "cell state c_t")),
            (Style.gate, ko ? "게이트 (σ, tanh)" : "gate (σ, tanh)"),
            (Style.op, ko ? "연산 (⊙, +, 1−z, 활성화)" : "operation (⊙, +, 1−z, activation)"),
            ("#eef0fb", ko ? "디코더" : "decoder"),
            (Style.output, seq2seq ? (ko ? "맞힌 예측" : "right prediction") : (ko ? "출력 y_t" : "output y_t")),
            (Style.loss, seq2seq ? (ko ? "틀린 예측 (예측 ≠ 정답)" : "wrong prediction (predicted ≠ target)") : (ko ? "손실 L" : "loss L")),
        ]
        var out = known.filter { fills.contains($0.0.lowercased()) }.map { LegendEntry(color: $0.0, label: $0.1, kind: .fill) }
        if cells {
            out.insert(LegendEntry(color: "#ffffff", label: ko ? "셀: 한 단계의 계산 (모든 단계가 같은 가중치)" : "cell: one step's computation (the same weights at every step)",
                                   kind: .fill), at: min(out.count, 2))
        }
        if cellEdges {
            let label = graph.name == "stacked"
                ? (ko ? "주황 화살표: 순환 a<t−1> → a<t> (점선: 접은 단계를 건너뜀)" : "orange arrows: the recurrence a<t−1> → a<t> (dashed: across folded steps)")
                : (ko ? "주황 화살표: 셀 상태가 흐르는 길" : "orange arrows: the cell state's path")
            out.append(LegendEntry(color: "#b26b00", label: label, kind: .line))
        }
        if peepholes {
            out.append(LegendEntry(color: "#555555", label: ko ? "점선 화살표: 핍홀 (c → 게이트)" : "dashed arrows: peepholes (c → gates)", kind: .dashedLine))
        }
        if dashed { out.append(LegendEntry(color: "#444444", label: ko ? "점선 상자: 접은 단계" : "dashed box: folded steps", kind: .dashedBox)) }
        return out
    }
}
