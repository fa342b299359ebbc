import RNNCore
import Reports

/// The model summary in Keras's layout: layer (type), output shape, parameter count, totals.
/// Counts agree with Keras for the same architecture (SimpleRNN(15) on (7, 5): 315; LSTM(15):
/// 1,260; GRU(15): 945 with reset_after=False, 990 with True; Bidirectional(LSTM(15)): 2,520).
enum Summary {
    static func kerasName(_ kind: CellKind, _ variant: GRUVariant = .lecture) -> (name: String, type: String) {
        switch kind {
        case .rnn: return ("simple_rnn", "SimpleRNN")
        case .lstm: return ("lstm", "LSTM")
        // Keras has no simplified GRU: the name says what it is, not a layer Keras has.
        case .gru: return variant == .simplified ? ("simplified_gru", "SimplifiedGRU") : ("gru", "GRU")
        }
    }

    /// One line: `LSTM(15) → Dense(1)`.
    static func describe(_ network: Network) -> String {
        let spec = network.spec
        var parts: [String] = []
        if let v = spec.vocabularySize { parts.append("Embedding(\(v), \(spec.inputSize))") }
        let type = kerasName(spec.cell).type
        for h in spec.hiddenSizes {
            var layer = "\(type)(\(h)\(spec.cell == .rnn && spec.activation != .tanh ? ", \(spec.activation.rawValue)" : ""))"
            if spec.cell == .gru { layer = spec.gruVariant == .simplified ? "SimplifiedGRU(\(h))" : "GRU(\(h), \(spec.gruVariant.rawValue))" }
            if spec.peephole { layer = "LSTM(\(h), peepholes)" }
            parts.append(spec.bidirectional ? "Bidirectional(\(layer))" : layer)
        }
        parts.append("Dense(\(spec.outputSize))")
        return parts.joined(separator: " → ")
    }

    /// The summary table, and the note under it: the totals and the cell's equations
    /// (`CellEquations`). `steps` fills the time dimension of output shapes when known.
    static func table(_ network: Network, name: String, steps: Int?, perStepOutput: Bool, language: String) -> (Table, String) {
        let spec = network.spec
        let T = steps.map(String.init) ?? "None"
        var rows: [[String]] = []
        var counts: [String: Int] = [:]
        for slot in network.layout.slots {
            let key: String
            if slot.name == "E" { key = "embedding" }
            else if slot.name == "W_hy" || slot.name == "b_y" { key = "dense" }
            else if let dot = slot.name.firstIndex(of: "."), slot.name.hasPrefix("layer") { key = String(slot.name[..<dot]) }
            else { key = "layer1" }
            counts[key, default: 0] += slot.count
        }
        if let v = spec.vocabularySize {
            rows.append(["embedding (Embedding)", "(None, \(T), \(spec.inputSize))", NumberFormat.grouped(v * spec.inputSize)])
        }
        let (base, type) = kerasName(spec.cell, spec.gruVariant)
        for (l, h) in spec.hiddenSizes.enumerated() {
            let last = l == spec.hiddenSizes.count - 1
            let width = spec.bidirectional ? 2 * h : h
            let shape = (!last || perStepOutput) ? "(None, \(T), \(width))" : "(None, \(width))"
            let layerName = spec.bidirectional
                ? (l == 0 ? "bidirectional" : "bidirectional_\(l)") + " (Bidirectional)"
                : (l == 0 ? base : "\(base)_\(l)") + " (\(type))"
            rows.append([layerName, shape, NumberFormat.grouped(counts["layer\(l + 1)"] ?? 0)])
        }
        rows.append(["dense (Dense)", perStepOutput ? "(None, \(T), \(spec.outputSize))" : "(None, \(spec.outputSize))",
                     NumberFormat.grouped(counts["dense"] ?? 0)])
        let total = network.parameterCount
        var note = language == "ko"
            ? "전체 파라미터: \(NumberFormat.grouped(total)) (학습 가능: \(NumberFormat.grouped(total)), 학습 불가: 0)"
            : "Total params: \(NumberFormat.grouped(total)) (trainable: \(NumberFormat.grouped(total)), non-trainable: 0)"
        if spec.cell == .gru && spec.gruVariant == .simplified {
            note += language == "ko"
                ? ". 단순화한 GRU(강의 노트 04, 업데이트 게이트만)는 Keras에 해당 층이 없습니다: 층마다 게이트 블록 2개, 즉 2(HX + H² + H)개로 셌습니다 (전체 GRU `reset_after=False`는 3개)."
                : ". Keras has no simplified GRU layer (course notes 04, update gate only): counted as its two gate blocks, 2(HX + H² + H) per layer (the full GRU with `reset_after=False` has three)."
        } else if spec.cell == .gru {
            note += language == "ko"
                ? ". GRU는 \(spec.gruVariant == .lecture ? "강의 노트 형식(Keras `reset_after=False`)" : "`reset_after` 형식(Keras 기본값 `reset_after=True`)")으로 셌습니다."
                : ". GRU counted in the `\(spec.gruVariant.rawValue)` form (\(spec.gruVariant == .lecture ? "Keras `reset_after=False`" : "Keras's default, `reset_after=True`"))."
        }
        if spec.peephole { note += language == "ko" ? " 핍홀 가중치 3H 포함." : " Includes 3H peephole weights (Keras has no peephole LSTM)." }
        note += "\n\n" + CellEquations.markdown(spec, language: language)
        return (frame(name: name, rows: rows, language: language), note)
    }

    /// The table around the rows: Keras's own words on an English page (`Model: "lstm"`,
    /// `Layer (type)`, `Output Shape`, `Param #`), the course's Korean terms on a Korean one.
    /// The rows (Keras's layer names and shapes) are the same in both.
    static func frame(name: String, rows: [[String]], language: String) -> Table {
        language == "ko"
            ? Table(caption: "모델 \"\(name)\"", headers: ["층 (종류)", "출력 모양", "파라미터 수"], rows: rows, numeric: [2])
            : Table(caption: "Model: \"\(name)\"", headers: ["Layer (type)", "Output Shape", "Param #"], rows: rows, numeric: [2])
    }
}
