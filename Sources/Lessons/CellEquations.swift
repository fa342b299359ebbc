import RNNCore

/// Every cell's full set of equations as TeX, exactly as the core computes them
/// (`Sources/RNNCore/VanillaCell.swift`, `LSTMCell.swift`, `GRUCell.swift`) with the readout
/// y_t = W_hy h_t + b_y, for the model summary and the cell graph. Each row names what it
/// computes and, where the notes' chapter on GRU and LSTM writes it differently, its name there
/// (Γu, Γf, Γo, Γr, c̃^<t>, a^<t>); the symbols themselves are the project's one gate vocabulary
/// (f i c̃ o, z r h̃), as on the step-through and in the trace.
enum CellEquations {
    /// One row of the `aligned` block: `lhs &= rhs && words`.
    private struct Row {
        var lhs: String, rhs: String
        /// What the row computes, in English and Korean, with the notes' symbol as TeX after it.
        var en: String, ko: String, notes: String
    }

    /// The `aligned` block of the equations of `spec`'s cell and readout.
    static func tex(_ spec: NetworkSpec, language: String) -> String {
        let ko = language == "ko"
        let lines = rows(spec).map { row -> String in
            let words = ko ? row.ko : row.en
            let label = words.isEmpty ? row.notes : "\\text{\(words)}" + (row.notes.isEmpty ? "" : "\\ " + row.notes)
            return "\(row.lhs) &= \(row.rhs) && \\qquad \(label)"
        }
        return "\\begin{aligned}\n" + lines.joined(separator: " \\\\\n") + "\n\\end{aligned}"
    }

    /// The equations as a note: a sentence, the display formula, and a sentence each for what a
    /// stack, two directions or an embedding add.
    static func markdown(_ spec: NetworkSpec, language: String) -> String {
        let ko = language == "ko"
        var lead = ko
            ? "rnnlab이 계산하는 그대로의 식입니다 (⊙는 원소별 곱, σ는 로지스틱 시그모이드; 오른쪽은 강의 노트의 표기)"
            : "The equations exactly as rnnlab computes them (⊙ is the element-wise product, σ the logistic sigmoid; on the right, the course notes' notation)"
        if spec.peephole {
            lead += ko ? ". 핍홀은 강의 노트처럼 세 게이트 모두 $c_{t-1}$을 봅니다" : ". The peepholes all look at $c_{t-1}$, as in the notes"
        }
        var out = lead + ":\n\n$$\n" + tex(spec, language: language) + "\n$$"
        var more: [String] = []
        if let v = spec.vocabularySize {
            more.append(ko ? "입력 $x_t$는 토큰 $w_t$의 임베딩 벡터, 즉 $E$ (\(v) × \(spec.inputSize))의 $w_t$번째 행입니다."
                           : "The input $x_t$ is the embedding of token $w_t$: row $w_t$ of $E$ (\(v) × \(spec.inputSize)).")
        }
        if spec.bidirectional {
            more.append(ko ? "각 층은 셀을 시간 순방향($h^{\\rightarrow}_t$는 $h^{\\rightarrow}_{t-1}$에서)과 역방향($h^{\\leftarrow}_t$는 $h^{\\leftarrow}_{t+1}$에서)으로 따로 된 가중치로 한 번씩 돌리고, 둘을 이어 붙인 $[h^{\\rightarrow}_t; h^{\\leftarrow}_t]$를 내보냅니다."
                           : "Each layer runs the cell forward in time ($h^{\\rightarrow}_t$ from $h^{\\rightarrow}_{t-1}$) and backward ($h^{\\leftarrow}_t$ from $h^{\\leftarrow}_{t+1}$), each direction with its own weights, and passes on $[h^{\\rightarrow}_t; h^{\\leftarrow}_t]$.")
        }
        let L = spec.hiddenSizes.count
        if L > 1 {
            more.append(ko ? "\(L)개 층이 각자의 가중치로 같은 식을 계산합니다: 층 $l > 1$은 $x_t$ 대신 아래 층의 출력 $a^{[l-1]<t>}$를 읽고, 출력층은 맨 위 층 $a^{[\(L)]<t>}$를 읽습니다."
                           : "Each of the \(L) layers computes these equations with its own weights: layer $l > 1$ reads the output $a^{[l-1]<t>}$ of the layer below in place of $x_t$, and the readout reads the top layer's $a^{[\(L)]<t>}$.")
        }
        if !more.isEmpty { out += "\n\n" + more.joined(separator: " ") }
        return out
    }

    private static func rows(_ spec: NetworkSpec) -> [Row] {
        var rows: [Row]
        switch spec.cell {
        case .rnn:
            let h: String
            switch spec.activation {
            case .tanh: h = "\\tanh(a_t)"
            case .relu: h = "\\operatorname{relu}(a_t) = \\max(0, a_t)"
            case .linear: h = "a_t"
            }
            rows = [
                Row(lhs: "a_t", rhs: "W_{xh} x_t + W_{hh} h_{t-1} + b_h", en: "pre-activation", ko: "활성화 전 값", notes: ""),
                Row(lhs: "h_t", rhs: h, en: "hidden state", ko: "은닉 상태", notes: "a^{<t>}"),
            ]
        case .lstm:
            func gate(_ g: String) -> String {
                "\\sigma(W_{x\(g)} x_t + W_{h\(g)} h_{t-1} + b_\(g)" + (spec.peephole ? " + p_\(g) \\odot c_{t-1}" : "") + ")"
            }
            rows = [
                Row(lhs: "f_t", rhs: gate("f"), en: "forget gate", ko: "망각 게이트", notes: "\\Gamma_f"),
                Row(lhs: "i_t", rhs: gate("i"), en: "input (update) gate", ko: "입력(업데이트) 게이트", notes: "\\Gamma_u"),
                Row(lhs: "\\tilde c_t", rhs: "\\tanh(W_{xc} x_t + W_{hc} h_{t-1} + b_c)", en: "candidate", ko: "후보", notes: "\\tilde c^{<t>}"),
                Row(lhs: "o_t", rhs: gate("o"), en: "output gate", ko: "출력 게이트", notes: "\\Gamma_o"),
                Row(lhs: "c_t", rhs: "f_t \\odot c_{t-1} + i_t \\odot \\tilde c_t", en: "cell state", ko: "셀 상태", notes: "c^{<t>}"),
                Row(lhs: "h_t", rhs: "o_t \\odot \\tanh(c_t)", en: "hidden state", ko: "은닉 상태", notes: "a^{<t>}"),
            ]
        case .gru:
            if spec.gruVariant == .simplified {
                // Course notes 04's simplified GRU: the update gate only; W_u = [W_hz | W_xz], W_c = [W_hh | W_xh].
                rows = [
                    Row(lhs: "z_t", rhs: "\\sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z)", en: "update gate", ko: "업데이트 게이트",
                        notes: "\\Gamma_u = \\sigma(W_u[c^{<t-1>}, x^{<t>}] + b_u)"),
                    Row(lhs: "\\tilde h_t", rhs: "\\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)", en: "candidate", ko: "후보",
                        notes: "\\tilde c^{<t>} = \\tanh(W_c[c^{<t-1>}, x^{<t>}] + b_c)"),
                    Row(lhs: "h_t", rhs: "z_t \\odot \\tilde h_t + (1 - z_t) \\odot h_{t-1}", en: "hidden state", ko: "은닉 상태", notes: "c^{<t>} = a^{<t>}"),
                ]
            } else if spec.gruVariant == .lecture {
                rows = [
                    Row(lhs: "z_t", rhs: "\\sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z)", en: "update gate", ko: "업데이트 게이트", notes: "\\Gamma_u"),
                    Row(lhs: "r_t", rhs: "\\sigma(W_{xr} x_t + W_{hr} h_{t-1} + b_r)", en: "reset (relevance) gate", ko: "리셋(적절성) 게이트", notes: "\\Gamma_r"),
                    Row(lhs: "\\tilde h_t", rhs: "\\tanh(W_{xh} x_t + W_{hh} (r_t \\odot h_{t-1}) + b_h)", en: "candidate", ko: "후보", notes: "\\tilde c^{<t>}"),
                    Row(lhs: "h_t", rhs: "(1 - z_t) \\odot h_{t-1} + z_t \\odot \\tilde h_t", en: "hidden state", ko: "은닉 상태", notes: "c^{<t>} = a^{<t>}"),
                ]
            } else {
                rows = [
                    Row(lhs: "z_t", rhs: "\\sigma(W_{xz} x_t + b_z + W_{hz} h_{t-1} + b_{hz})", en: "gate keeping the old state, the notes'", ko: "이전 상태를 남기는 게이트, 노트의", notes: "1 - \\Gamma_u"),
                    Row(lhs: "r_t", rhs: "\\sigma(W_{xr} x_t + b_r + W_{hr} h_{t-1} + b_{hr})", en: "reset gate, after the product", ko: "곱한 뒤에 쓰는 리셋 게이트", notes: "\\Gamma_r"),
                    Row(lhs: "\\tilde h_t", rhs: "\\tanh(W_{xh} x_t + b_h + r_t \\odot (W_{hh} h_{t-1} + b_{hh}))", en: "candidate", ko: "후보", notes: "\\tilde c^{<t>}"),
                    Row(lhs: "h_t", rhs: "z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t", en: "hidden state", ko: "은닉 상태", notes: "c^{<t>} = a^{<t>}"),
                ]
            }
        }
        rows.append(Row(lhs: "y_t", rhs: "W_{hy} " + readoutInput(spec) + " + b_y", en: "output", ko: "출력", notes: "\\hat y^{<t>}"))
        return rows
    }

    /// What the readout reads: h_t, the top layer's, or both directions stacked.
    private static func readoutInput(_ spec: NetworkSpec) -> String {
        let L = spec.hiddenSizes.count
        let layer = L > 1 ? "[\(L)]" : ""
        if spec.bidirectional {
            return "[h^{\(layer)\\rightarrow}_t; h^{\(layer)\\leftarrow}_t]"
        }
        return L > 1 ? "h^{[\(L)]}_t" : "h_t"
    }
}
