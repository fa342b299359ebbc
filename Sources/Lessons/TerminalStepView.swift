import Foundation
import RNNCore
import Reports

/// The terminal step-through (`rnnlab step`): one time step of a recorded sequence as lines of
/// text, forward or backward, for a terminal of any size from 80 × 24 up. Pure: it draws what it
/// is asked to; the command owns the terminal, the keys and the signals.
///
/// Forward, each gate and state of the first layer's forward cell is a row of shaded blocks with
/// the numbers beside them (as many units as fit; the rest as min / mean / max). Gates are drawn
/// on their own range (σ in [0, 1], tanh in [−1, 1]); the input, the cell state and the output on
/// the largest value of the whole pass. Backward, dL/dh_t (and dL/dc_t) are drawn on one scale for
/// the whole pass, so a gradient that has shrunk 30× looks 30× smaller, and a log-scale sparkline
/// of ‖dL/dh_t‖ over every step marks the current one. The chosen unit's equation is written with
/// its numbers (the terms of `StepEquations`, which add up to the recorded values).
public final class TerminalStepView {
    public enum Pass: Sendable, Equatable { case forward, backward }

    /// Where the view is: the pass, the step and the chosen unit (0-based).
    public struct Position: Sendable, Equatable {
        public var pass: Pass
        public var t: Int
        public var unit: Int
        public init(pass: Pass, t: Int, unit: Int) {
            self.pass = pass
            self.t = t
            self.unit = unit
        }
    }

    let trace: Trace
    let record: CellRecord
    let ko: Bool
    public let steps: Int
    public let units: Int
    private var cache: [Int: StepEquations] = [:]
    /// Pass-wide scales: the largest |value| of each row over every step.
    private var scales: [String: Double] = [:]

    /// The symbol of each token id, for token models (as the lesson's text data names them).
    let symbols: [String]

    /// "encoder" or "decoder" for a half of an encoder–decoder: the title says which.
    public var role: String?

    public init(trace: Trace, language: String, symbols: [String] = []) {
        self.trace = trace
        self.symbols = symbols
        record = trace.record.layers[0][0]
        ko = language == "ko"
        steps = record.steps
        units = record.hiddenSize
    }

    /// The steps of a pass in its order: forward 1 … T, backward T … 0 (dL/dh_0 is the gradient
    /// reaching the initial state).
    public func order(_ pass: Pass) -> [Int] {
        pass == .forward ? Array(1...max(steps, 1)) : Array((0...steps).reversed())
    }

    /// The position a pass starts at.
    public func start(_ pass: Pass, unit: Int = 0) -> Position {
        Position(pass: pass, t: order(pass)[0], unit: unit)
    }

    /// The same step in the other pass (forward has no t = 0: it shows t = 1).
    public func switching(_ p: Position, to pass: Pass) -> Position {
        Position(pass: pass, t: pass == .forward ? max(p.t, 1) : p.t, unit: p.unit)
    }

    /// One step on (+1) or back (−1) in the pass's order. Forward then backward, as the
    /// computation runs: past the forward pass's last step is the backward pass's first (t = T).
    public func stepping(_ p: Position, by delta: Int) -> Position {
        let o = order(p.pass)
        guard let k = o.firstIndex(of: p.t) else { return start(p.pass, unit: p.unit) }
        if delta > 0 && k == o.count - 1 && p.pass == .forward { return Position(pass: .backward, t: steps, unit: p.unit) }
        if delta < 0 && k == 0 && p.pass == .backward { return Position(pass: .forward, t: steps, unit: p.unit) }
        return Position(pass: p.pass, t: o[min(max(k + delta, 0), o.count - 1)], unit: p.unit)
    }

    /// The last step of a pass.
    public func end(_ pass: Pass, unit: Int) -> Position { Position(pass: pass, t: order(pass).last!, unit: unit) }

    /// One step right (+1, later in time) or left (−1), whatever the pass.
    public func moving(_ p: Position, by delta: Int) -> Position {
        let lo = p.pass == .forward ? 1 : 0
        return Position(pass: p.pass, t: min(max(p.t + delta, lo), steps), unit: p.unit)
    }

    // MARK: - Frames

    /// The screen for `p`: at most `height` lines, each at most `width` columns wide.
    public func frame(_ p: Position, width: Int, height: Int, color: Bool, playing: Bool = false, help: Bool = false) -> [String] {
        let width = max(width, 40)
        var lines: [TextLine] = []
        lines.append(title(p, width: width, playing: playing))
        if help {
            lines += helpLines().flatMap { $0.wrapped(width: width) }
            return finish(lines, width: width, height: height, color: color)
        }
        var equationLines = packed(headerEquations(), width: width).flatMap { TextLine($0, .dim).wrapped(width: width) }
        let body = (p.pass == .forward ? forwardBody(p, width: width) : backwardBody(p, width: width)).flatMap { $0.wrapped(width: width) }
        var unitLines = unitEquation(p).flatMap { $0.wrapped(width: width) }
        let footer = TextLine(ko ? "→← n p 시점 · f b 패스 · u U 유닛 · 스페이스 재생 · q 끝내기 · ? 도움말"
                                 : "→← n p step · f b pass · u U unit · space play · q quit · ? help", .dim)
        // Fit the height: first the equations' last lines, then the unit's equation, saying so.
        let allEquations = equationLines.count
        while 1 + equationLines.count + body.count + 1 + unitLines.count + 1 > height && equationLines.count > 1 { equationLines.removeLast() }
        if equationLines.count < allEquations {
            equationLines[equationLines.count - 1] = TextLine(ko ? "(식 \(allEquations - equationLines.count + 1)줄 더: 창을 키우면 보입니다)"
                                                                : "(\(allEquations - equationLines.count + 1) more lines of equations: a taller terminal shows them)", .dim)
        }
        while 1 + equationLines.count + body.count + 1 + unitLines.count + 1 > height && !unitLines.isEmpty { unitLines.removeLast() }
        lines += equationLines
        lines += body
        lines.append(TextLine(""))
        lines += unitLines
        lines.append(footer)
        return finish(lines, width: width, height: height, color: color)
    }

    /// Every step of both passes as plain text, one block per step (for a pipe, a log, a handout).
    public func plain(width: Int = 80, unit: Int = 0) -> String {
        var out: [String] = []
        for pass in [Pass.forward, .backward] {
            for t in order(pass) {
                out += frame(Position(pass: pass, t: t, unit: unit), width: width, height: 1000, color: false).dropLast()
                    .map { String($0.reversed().drop { $0 == " " }.reversed()) }
                out.append("")
            }
        }
        return out.joined(separator: "\n")
    }

    private func finish(_ lines: [TextLine], width: Int, height: Int, color: Bool) -> [String] {
        lines.prefix(max(height, 1)).map { $0.render(width: width, color: color) }
    }

    private func title(_ p: Position, width: Int, playing: Bool) -> TextLine {
        let spec = record.spec
        let kind: String
        switch spec.kind {
        case .rnn: kind = "RNN (\(spec.activation.rawValue))"
        case .lstm: kind = spec.peephole ? "LSTM (peephole)" : "LSTM"
        case .gru: kind = spec.gruVariant == .resetAfter ? "GRU (reset_after)" : spec.gruVariant == .simplified ? (ko ? "단순화한 GRU" : "GRU (simplified)") : "GRU"
        }
        let pass = p.pass == .forward ? (ko ? "순방향" : "forward") : (ko ? "역방향" : "backward")
        var line = TextLine()
        line.append("rnnlab step", .bold)
        let role = trace.handedBack != nil || self.role == "encoder" ? (ko ? " 인코더" : " encoder")
            : self.role == "decoder" ? (ko ? " 디코더" : " decoder") : ""
        line.append(" · \(kind)\(role), \(units) \(ko ? "유닛" : units == 1 ? "unit" : "units")")
        let netSpec = trace.model.network.spec
        if netSpec.hiddenSizes.count > 1 || netSpec.bidirectional {
            let layers = netSpec.hiddenSizes.count
            line.append(ko ? " (\(layers)개 층 중 1층" + (netSpec.bidirectional ? ", 순방향 셀)" : ")")
                           : " (layer 1 of \(layers)" + (netSpec.bidirectional ? ", its forward-in-time cell)" : ")"), .dim)
        }
        line.append(" · ")
        line.append(pass, p.pass == .forward ? .positive : .negative)
        line.append(" · t = \(p.t) / \(steps) · \(ko ? "유닛" : "unit") \(p.unit + 1)")
        if playing { line.append(ko ? " · 재생 중" : " · playing", .bold) }
        return line
    }

    private func helpLines() -> [TextLine] {
        let rows: [(String, String, String)] = [
            ("→  ←", "one step right (a later t) / left (an earlier t)", "오른쪽(다음 시점 t + 1) / 왼쪽(이전 시점 t − 1)"),
            ("n  p", "next / previous step of the computation: forward t + 1, backward t − 1; after the forward pass comes the backward pass", "계산 순서의 다음 / 이전: 순방향은 t + 1, 역방향은 t − 1; 순방향이 끝나면 역방향으로"),
            ("Home  End", "first / last step of this pass", "이 패스의 처음 / 마지막 시점"),
            ("f  b", "forward / backward pass, at the same step", "같은 시점에서 순방향 / 역방향 패스"),
            ("u  U  ↓  ↑", "next / previous unit (its equation below the rows)", "다음 / 이전 유닛 (행 아래에 그 식)"),
            ("space", "play / pause (forward, then backward)", "재생 / 멈춤 (순방향 다음 역방향)"),
            ("q  Ctrl-C", "quit", "끝내기"),
            ("?", "this help (any key closes it)", "이 도움말 (아무 키나 누르면 닫힘)"),
        ]
        var out = [TextLine(""), TextLine(ko ? "키" : "Keys", .bold)]
        for (key, en, k) in rows { out.append(TextLine("  " + TextLine.padded(key, to: 12) + (ko ? k : en))) }
        out.append(TextLine(""))
        out.append(TextLine(ko ? "음영 ░▒▓█: 게이트는 자기 범위(σ는 0…1, tanh는 −1…1)로, 은닉·셀 상태와 기울기는 패스 전체에서 가장 큰 값(█)으로 잰 크기입니다. 주황은 +, 파랑은 −."
                               : "Shades ░▒▓█: gates on their own range (σ 0…1, tanh −1…1); hidden and cell states and gradients against the largest value of the whole pass (█). Orange +, blue −."))
        return out
    }

    // MARK: - Rows

    private struct Row {
        let label: String
        let values: ArraySlice<Double>
        /// The value drawn as a full block.
        let scale: Double
    }

    private func passScale(_ key: String, _ values: (Int) -> ArraySlice<Double>, _ range: ClosedRange<Int>) -> Double {
        if let s = scales[key] { return s }
        var m = 0.0
        for t in range { for v in values(t) where v.isFinite { m = max(m, abs(v)) } }
        scales[key] = m
        return m
    }

    private func forwardRows(_ t: Int) -> [Row] {
        let spec = record.spec, H = units, T = steps
        var rows: [Row] = []
        switch spec.kind {
        case .rnn:
            let a = record.preActivations
            rows.append(Row(label: "a_t", values: a[((t - 1) * H)..<(t * H)], scale: passScale("a", { a[(($0 - 1) * H)..<($0 * H)] }, 1...T)))
        case .lstm:
            for (g, name) in ["f_t", "i_t", "c̃_t", "o_t"].enumerated() { rows.append(Row(label: name, values: record.gate(g, at: t), scale: 1)) }
            rows.append(Row(label: "c_t", values: record.cell(at: t), scale: passScale("c", { self.record.cell(at: $0) }, 0...T)))
        case .gru:
            let names = spec.hasResetGate ? ["z_t", "r_t", "h̃_t"] : ["z_t", "h̃_t"]
            for (g, name) in names.enumerated() { rows.append(Row(label: name, values: record.gate(g, at: t), scale: 1)) }
        }
        rows.append(Row(label: "h_t", values: record.hidden(at: t), scale: passScale("h", { self.record.hidden(at: $0) }, 0...T)))
        return rows
    }

    private func backwardRows(_ t: Int) -> [Row] {
        let scale = gradientScale
        var rows = [Row(label: "dL/dh_t", values: record.dhAt(t), scale: scale)]
        if record.spec.hasCellState { rows.append(Row(label: "dL/dc_t", values: record.dcAt(t), scale: scale)) }
        return rows
    }

    /// dL/dh_t and dL/dc_t share one scale: the largest of either over the whole pass.
    private var gradientScale: Double {
        let dh = passScale("dh", { self.record.dhAt($0) }, 0...steps)
        return record.spec.hasCellState ? max(dh, passScale("dc", { self.record.dcAt($0) }, 0...steps)) : dh
    }

    /// The input and output at t as a short list (their own numbering, not the units').
    private func vectorLines(_ t: Int, width: Int) -> [TextLine] {
        guard t >= 1 else { return [] }
        var out: [TextLine] = []
        func list(_ label: String, _ v: ArraySlice<Double>) -> TextLine {
            var line = TextLine(TextLine.padded(label, to: Self.labelWidth))
            let room = max(1, (width - Self.labelWidth - 16) / 8)
            line.append("[" + v.prefix(room).map(Self.number).joined(separator: ", ") + (v.count > room ? ", … \(v.count - room) " + (ko ? "개 더" : "more") : "") + "]")
            return line
        }
        switch trace.sample.input {
        case .vectors:
            let X = record.spec.inputSize, x = trace.record.input[((t - 1) * X)..<(t * X)]
            var line = list("x_t", x)
            // One-hot characters: name the character.
            if !symbols.isEmpty, x.filter({ $0 != 0 }) == [1], let k = x.firstIndex(of: 1) { line.append(" =" + symbol(k - x.startIndex)) }
            out.append(line)
        case .tokens(let ids):
            out.append(TextLine(TextLine.padded("w_t", to: Self.labelWidth) + (ko ? "토큰 \(ids[t - 1])" : "token \(ids[t - 1])") + symbol(ids[t - 1])))
        }
        let netSpec = trace.model.network.spec, Y = netSpec.outputSize, y = trace.record.y
        if Y > 0, y.count >= steps * Y {
            let yt = y[((t - 1) * Y)..<(t * Y)]
            if trace.sample.loss == .xentLast || trace.sample.loss == .xentAll {
                // Logits as probabilities: the most likely classes.
                let m = yt.max() ?? 0, e = yt.map { exp($0 - m) }, z = e.reduce(0, +)
                let top = e.enumerated().sorted { $0.element > $1.element }.prefix(3)
                out.append(TextLine(TextLine.padded("p(y_t)", to: Self.labelWidth)
                                    + top.map { (symbols.isEmpty ? (ko ? "클래스 " : "class ") + "\($0.offset)" : symbol($0.offset).trimmingCharacters(in: .whitespaces)) + " \(String(format: "%.3f", $0.element / z))" }.joined(separator: ", ")))
            } else {
                out.append(list("y_t", yt))
            }
        }
        return out
    }

    /// Columns: a 10-column label, then 8 per unit (a block and a 6-character number), then what
    /// does not fit, summarised.
    static let labelWidth = 10, cellWidth = 8

    private func window(_ p: Position, width: Int, count: Int) -> Range<Int> {
        let all = (width - Self.labelWidth) / Self.cellWidth
        if count <= all { return 0..<count }
        let fit = max(1, (width - Self.labelWidth - 34) / Self.cellWidth)
        let unit = min(p.unit, count - 1)
        let first = (unit / fit) * fit
        return first..<min(first + fit, count)
    }

    private func rowLines(_ rows: [Row], p: Position, width: Int) -> [TextLine] {
        let shown = window(p, width: width, count: units)
        var header = TextLine(TextLine.padded(ko ? "유닛" : "unit", to: Self.labelWidth), .dim)
        for j in shown {
            // Right-aligned over the number below it.
            let text = j == p.unit ? "[\(j + 1)]" : "\(j + 1) "
            header.append(String(repeating: " ", count: max(Self.cellWidth - text.count, 0)) + text, j == p.unit ? .bold : .dim)
        }
        if shown.count < units { header.append(ko ? "  나머지 \(units - shown.count)개" : "  the other \(units - shown.count)", .dim) }
        var out = [header]
        for row in rows {
            var line = TextLine(TextLine.padded(row.label, to: Self.labelWidth))
            // Rows narrower than the hidden state (x_t, y_t) show all they have, up to the window's width.
            let columns = Array(shown)
            let base = row.values.startIndex
            for j in columns {
                let v = row.values[base + j]
                line.append(Self.block(v, scale: row.scale), v < 0 ? .negative : .positive)
                line.append(Self.cellNumber(v) + " ", j == p.unit ? .bold : .plain)
            }
            let rest = Array(row.values.enumerated().filter { !shown.contains($0.offset) }.map(\.element))
            if !rest.isEmpty {
                let mean = rest.reduce(0, +) / Double(rest.count)
                line.append("  min \(Self.short(rest.min()!)) mean \(Self.short(mean)) max \(Self.short(rest.max()!))", .dim)
            }
            out.append(line)
        }
        return out
    }

    private func forwardBody(_ p: Position, width: Int) -> [TextLine] {
        var out = [strip(p, width: width)]
        out += vectorLines(p.t, width: width)
        out += rowLines(forwardRows(p.t), p: p, width: width)
        return out
    }

    private func backwardBody(_ p: Position, width: Int) -> [TextLine] {
        var out = [strip(p, width: width)]
        out += rowLines(backwardRows(p.t), p: p, width: width)
        out.append(TextLine((ko ? "█ = \(Self.short(gradientScale)): 패스 전체에서 가장 큰 |dL/dh|" + (record.spec.hasCellState ? ", |dL/dc|" : "") + " (주황 +, 파랑 −)"
                                 : "█ = \(Self.short(gradientScale)), the largest |dL/dh|" + (record.spec.hasCellState ? " or |dL/dc|" : "") + " of the pass (orange +, blue −)"), .dim))
        let norms = (0...steps).map { euclideanNorm(record.dhAt($0)) }
        let top = norms.max() ?? 0, here = norms[p.t]
        var line = TextLine("‖dL/dh_t‖ = \(Self.short(here))")
        if top > 0 && here > 0 && here < top {
            line.append(ko ? "  (패스에서 가장 큰 값 \(Self.short(top))의 1/\(Self.ratio(top / here)))" : "  (1/\(Self.ratio(top / here)) of the pass's largest, \(Self.short(top)))", .dim)
        } else if here == top && top > 0 {
            line.append(ko ? "  (패스에서 가장 큰 값)" : "  (the pass's largest)", .dim)
        }
        if record.spec.hasCellState { line.append("   ‖dL/dc_t‖ = \(Self.short(euclideanNorm(record.dcAt(p.t))))") }
        out.append(line)
        out += sparkline(norms, p: p, width: width, label: "‖dL/dh_t‖")
        return out
    }

    /// Where t is in the sequence: one mark per step (or per few steps of a long one).
    private func strip(_ p: Position, width: Int) -> TextLine {
        let lo = p.pass == .forward ? 1 : 0
        let cols = columns(count: steps - lo + 1, width: width - Self.labelWidth - 14)
        var line = TextLine(TextLine.padded(ko ? "시퀀스" : "sequence", to: Self.labelWidth), .dim)
        let at = (p.t - lo) / cols.per
        line.append(String(repeating: "·", count: at), .dim)
        line.append("●", .bold)
        line.append(String(repeating: "·", count: max(cols.count - at - 1, 0)), .dim)
        if case .tokens(let ids) = trace.sample.input, p.t >= 1 {
            line.append("  w_\(p.t) = \(ids[p.t - 1])" + symbol(ids[p.t - 1]))
        }
        return line
    }

    /// A token's symbol, quoted and with controls shown as escapes (" 'h'", " '\\n'").
    private func symbol(_ id: Int) -> String {
        guard id >= 0, id < symbols.count else { return "" }
        let shown = symbols[id].unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? ($0 == "\n" ? "\\n" : $0 == "\t" ? "\\t" : "\\u{\(String($0.value, radix: 16))}") : String($0) }.joined()
        return " '\(shown)'"
    }

    /// `count` steps in at most `width` columns: `per` steps a column.
    private func columns(count: Int, width: Int) -> (count: Int, per: Int) {
        let w = max(width, 10)
        let per = max(1, (count + w - 1) / w)
        return ((count + per - 1) / per, per)
    }

    private func sparkline(_ values: [Double], p: Position, width: Int, label: String) -> [TextLine] {
        let cols = columns(count: values.count, width: width - Self.labelWidth - 14)
        let logs = values.map { $0 > 0 && $0.isFinite ? log10($0) : -Double.infinity }
        let finite = logs.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return [] }
        let levels = Array("▁▂▃▄▅▆▇█")
        var spark = ""
        for c in 0..<cols.count {
            let bucket = logs[(c * cols.per)..<min((c + 1) * cols.per, logs.count)]
            let m = bucket.max() ?? -Double.infinity
            if !m.isFinite { spark.append(" "); continue }
            let k = hi > lo ? Int(((m - lo) / (hi - lo) * Double(levels.count - 1)).rounded()) : levels.count - 1
            spark.append(levels[k])
        }
        var line = TextLine(TextLine.padded(label, to: Self.labelWidth), .dim)
        line.append(spark, .negative)
        line.append("  \(Self.short(pow(10, lo)))…\(Self.short(pow(10, hi)))" + (ko ? ", 로그 눈금" : ", log scale"), .dim)
        var mark = TextLine(String(repeating: " ", count: Self.labelWidth + p.t / cols.per))
        mark.append("▲ t = \(p.t)", .bold)
        return [line, mark]
    }

    // MARK: - Equations

    private func headerEquations() -> [String] {
        let spec = record.spec
        let readout = trace.handedBack != nil
            ? (ko ? "출력층 없음: h_S가 디코더의 h₀가 됩니다" : "no readout: h_S becomes the decoder's h₀")
            : trace.model.network.spec.hiddenSizes.count > 1 || trace.model.network.spec.bidirectional
            ? (ko ? "(y_t는 맨 위 층에서 읽습니다)" : "(y_t is read from the top layer)") : "y_t = W_hy h_t + b_y"
        switch spec.kind {
        case .rnn:
            let phi = spec.activation == .tanh ? "tanh(a_t)" : spec.activation == .relu ? "max(0, a_t)" : "a_t"
            return ["a_t = W_xh x_t + W_hh h_{t-1} + b_h", "h_t = \(phi)", readout]
        case .lstm:
            func gate(_ g: String) -> String { "\(g)_t = σ(W_x\(g) x_t + W_h\(g) h_{t-1} + b_\(g)" + (spec.peephole ? " + p_\(g)⊙c_{t-1})" : ")") }
            return [gate("f"), gate("i"), "c̃_t = tanh(W_xc x_t + W_hc h_{t-1} + b_c)", gate("o"),
                    "c_t = f_t⊙c_{t-1} + i_t⊙c̃_t", "h_t = o_t⊙tanh(c_t)", readout]
        case .gru:
            if spec.gruVariant == .simplified {
                return ["z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z)", "h̃_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)",
                        "h_t = z_t⊙h̃_t + (1 - z_t)⊙h_{t-1}", readout]
            }
            if spec.gruVariant == .lecture {
                return ["z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z)", "r_t = σ(W_xr x_t + W_hr h_{t-1} + b_r)",
                        "h̃_t = tanh(W_xh x_t + W_hh (r_t⊙h_{t-1}) + b_h)", "h_t = (1 - z_t)⊙h_{t-1} + z_t⊙h̃_t", readout]
            }
            return ["z_t = σ(W_xz x_t + b_z + W_hz h_{t-1} + b_hz)", "r_t = σ(W_xr x_t + b_r + W_hr h_{t-1} + b_hr)",
                    "h̃_t = tanh(W_xh x_t + b_h + r_t⊙(W_hh h_{t-1} + b_hh))", "h_t = z_t⊙h_{t-1} + (1 - z_t)⊙h̃_t", readout]
        }
    }

    /// Equations side by side where two fit the width.
    private func packed(_ equations: [String], width: Int) -> [String] {
        var out: [String] = []
        var k = 0
        while k < equations.count {
            let a = equations[k]
            if k + 1 < equations.count, TextLine.width(a) < 40, TextLine.width(equations[k + 1]) <= width - 42 {
                out.append(TextLine.padded(a, to: 40) + "  " + equations[k + 1])
                k += 2
            } else {
                out.append(a)
                k += 1
            }
        }
        return out
    }

    private func equations(forUnit unit: Int) -> StepEquations {
        if let e = cache[unit] { return e }
        let e = StepEquations(trace: trace, units: [unit])
        cache[unit] = e
        return e
    }

    /// The chosen unit's equations at t, with the recorded numbers.
    private func unitEquation(_ p: Position) -> [TextLine] {
        let e = equations(forUnit: p.unit), t = p.t, j = p.unit, H = units
        let spec = record.spec
        func term(_ name: String) -> Double { e.term(name, t: t, unit: 0) ?? 0 }
        func constant(_ name: String) -> Double { e.constants.first { $0.name == name }?.values[0] ?? 0 }
        func n(_ v: Double) -> String { Self.number(v) }
        func fa(_ v: Double) -> String { Self.factor(v) }
        func sum(_ v: [Double]) -> String { Self.sum(v) }
        let u = "[\(j + 1)]"
        var out: [TextLine] = []
        if p.pass == .forward {
            func gateLine(_ label: String, _ key: String, _ g: Int, squash: String) -> TextLine {
                // In the header equation's order: x, h, b, p⊙c (reset_after GRU: x, b, h, b_h).
                var parts: [Double]
                if spec.kind == .gru && spec.gruVariant == .resetAfter {
                    parts = [term("x.\(key)"), constant("b.\(key)"), term("h.\(key)"), constant("bh.\(key)")]
                } else {
                    parts = [term("x.\(key)"), term("h.\(key)"), constant("b.\(key)")]
                    if spec.peephole && spec.kind == .lstm && key != "c" { parts.append(term("p.\(key)")) }
                }
                let a = term("a.\(key)"), value = record.gate(g, at: t)[record.gate(g, at: t).startIndex + j]
                return TextLine("\(label)\(u) = \(squash)(\(sum(parts))) = \(squash)(\(n(a))) = \(n(value))")
            }
            let h = record.hidden(at: t), hPrev = record.hidden(at: t - 1)
            let hj = h[h.startIndex + j], hPrevj = hPrev[hPrev.startIndex + j]
            switch spec.kind {
            case .rnn:
                let parts = [term("x.h"), term("h.h"), constant("b.h")]
                let a = record.preActivations[(t - 1) * H + j]
                out.append(TextLine("a_t\(u) = \(sum(parts)) = \(n(a))"))
                switch spec.activation {
                case .tanh: out.append(TextLine("h_t\(u) = tanh(\(n(a))) = \(n(hj))"))
                case .relu: out.append(TextLine("h_t\(u) = max(0, \(n(a))) = \(n(hj))"))
                case .linear: out.append(TextLine("h_t\(u) = a_t\(u) = \(n(hj))"))
                }
            case .lstm:
                out.append(gateLine("f_t", "f", 0, squash: "σ"))
                out.append(gateLine("i_t", "i", 1, squash: "σ"))
                out.append(gateLine("c̃_t", "c", 2, squash: "tanh"))
                out.append(gateLine("o_t", "o", 3, squash: "σ"))
                let c = record.cell(at: t), cPrev = record.cell(at: t - 1)
                let f = record.gate(0, at: t), i = record.gate(1, at: t), ct = record.gate(2, at: t), o = record.gate(3, at: t)
                func at(_ s: ArraySlice<Double>) -> Double { s[s.startIndex + j] }
                out.append(TextLine("c_t\(u) = f·c_{t-1} + i·c̃ = \(fa(at(f)))×\(fa(at(cPrev))) + \(fa(at(i)))×\(fa(at(ct))) = \(n(at(c)))"))
                out.append(TextLine("h_t\(u) = o·tanh(c_t) = \(fa(at(o)))×tanh(\(n(at(c)))) = \(n(hj))"))
            case .gru where !spec.hasResetGate:
                // The simplified GRU: h_t = z·h̃ + (1 − z)·h_{t-1}
                out.append(gateLine("z_t", "z", 0, squash: "σ"))
                out.append(gateLine("h̃_t", "h", 1, squash: "tanh"))
                let z = record.gate(0, at: t)[record.gate(0, at: t).startIndex + j]
                let cand = record.gate(1, at: t)[record.gate(1, at: t).startIndex + j]
                out.append(TextLine("h_t\(u) = z·h̃ + (1 - z)·h_{t-1} = \(fa(z))×\(fa(cand)) + \(fa(1 - z))×\(fa(hPrevj)) = \(n(hj))"))
            case .gru:
                out.append(gateLine("z_t", "z", 0, squash: "σ"))
                out.append(gateLine("r_t", "r", 1, squash: "σ"))
                let z = record.gate(0, at: t)[record.gate(0, at: t).startIndex + j]
                let r = record.gate(1, at: t)[record.gate(1, at: t).startIndex + j]
                let cand = record.gate(2, at: t)[record.gate(2, at: t).startIndex + j]
                if spec.gruVariant == .resetAfter {
                    out.append(TextLine("h̃_t\(u) = tanh(\(sum([term("x.h"), constant("b.h")])) + \(fa(r))×(\(sum([term("h.h"), constant("bh.h")])))) = tanh(\(n(term("a.h")))) = \(n(cand))"))
                    out.append(TextLine("h_t\(u) = z·h_{t-1} + (1 - z)·h̃ = \(fa(z))×\(fa(hPrevj)) + \(fa(1 - z))×\(fa(cand)) = \(n(hj))"))
                } else {
                    out.append(TextLine("h̃_t\(u) = tanh(\(sum([term("x.h"), term("h.h"), constant("b.h")]))) = tanh(\(n(term("a.h")))) = \(n(cand))"))
                    out.append(TextLine("h_t\(u) = (1 - z)·h_{t-1} + z·h̃ = \(fa(1 - z))×\(fa(hPrevj)) + \(fa(z))×\(fa(cand)) = \(n(hj))"))
                }
            }
        } else {
            let dh = record.dhAt(t)[record.dhAt(t).startIndex + j]
            // An encoder has no output term unless stacked; at its last step the decoder hands
            // back dL/dh₀ (the term "hand").
            let stacked = trace.model.network.spec.hiddenSizes.count > 1
            let hasOutput = trace.handedBack == nil || stacked
            var names: [String] = [], labels: [String] = [], letters: [String] = []
            if hasOutput {
                names.append("e"); letters.append("e")
                labels.append(stacked ? (ko ? "e: 위층에서" : "e: from the layer above") : (ko ? "e: 시점 t의 출력에서" : "e: from the output at t"))
            }
            if spec.kind == .gru { names.append("dir"); letters.append("d"); labels.append(ko ? "d: h_{t+1}로 바로" : "d: straight from h_{t+1}") }
            names.append("rho"); letters.append("ρ"); labels.append(ko ? "ρ: t + 1 스텝을 거쳐" : "ρ: through step t + 1")
            if trace.handedBack != nil && t == steps {
                names.append("hand"); letters.append("δ")
                labels.append(ko ? "δ: 디코더가 돌려준 dL/dh₀" : "δ: the dL/dh₀ the decoder hands back")
            }
            let symbols = letters.joined(separator: " + ")
            out.append(TextLine("dL/dh_t\(u) = \(symbols) = \(sum(names.map { term($0) })) = \(n(dh))"))
            out.append(TextLine("    " + labels.joined(separator: "; "), .dim))
            if spec.kind == .rnn && t < steps {
                // ρ = Σ_k W_hh[k, j] φ′(a_{t+1}[k]) dL/dh_{t+1}[k]: the slope is what shrinks it.
                let slope = e.term("dphi", t: t + 1, unit: 0) ?? 0
                out.append(TextLine(ko ? "    ρ = (W_hhᵀ (φ′(a_{t+1}) ⊙ dL/dh_{t+1}))\(u); 이 유닛의 φ′(a_{t+1}) = \(n(slope)) (1보다 작으면 기울기가 줄어듭니다)"
                                       : "    ρ = (W_hhᵀ (φ′(a_{t+1}) ⊙ dL/dh_{t+1}))\(u); this unit's φ′(a_{t+1}) = \(n(slope)) (below 1, it shrinks the gradient)", .dim))
            }
            if spec.kind == .lstm {
                var parts = ["dc.f", "dc.h"]
                if spec.peephole { parts.append("dc.p") }
                let dc = record.dcAt(t)[record.dcAt(t).startIndex + j]
                var form = spec.peephole ? "dc_{t+1}·f_{t+1} + dh_t·o_t·tanh′(c_t) + Σ p·da" : "dc_{t+1}·f_{t+1} + dh_t·o_t·tanh′(c_t)"
                if trace.handedBack?.dc != nil && t == steps {
                    parts.append("dc.hand")
                    form += ko ? " + 디코더의 dL/dc₀" : " + the decoder's dL/dc₀"
                }
                out.append(TextLine("dL/dc_t\(u) = \(form) = \(sum(parts.map { term($0) })) = \(n(dc))"))
            }
        }
        return out
    }

    // MARK: - Numbers and blocks

    /// Six columns: +0.523, -12.35, +3e-05.
    static func cellNumber(_ v: Double) -> String {
        guard v.isFinite else { return TextLine.padded(v.isNaN ? "NaN" : v > 0 ? "+inf" : "-inf", to: 6) }
        let a = abs(v)
        let text: String
        if v == 0 { text = " 0.000" }
        else if a < 1e-99 { text = "<1e-99" }
        else if a < 0.0005 || a >= 999.5 { text = String(format: "%+.0e", v).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e+") }
        else if a < 9.9995 { text = String(format: "%+.3f", v) }
        else if a < 99.995 { text = String(format: "%+.2f", v) }
        else { text = String(format: "%+.1f", v) }
        // 1e+300: the exponent's own sign goes first.
        let fitted = text.count > 6 ? text.replacingOccurrences(of: "e+", with: "e") : text
        return TextLine.padded(fitted, to: 6, right: true)
    }

    /// A number in an equation: four decimals (or four significant digits when tiny or huge).
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : v > 0 ? "inf" : "-inf" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a < 1e-3 || a >= 1e5 { return String(format: "%.3e", v) }
        return String(format: "%.4f", v)
    }

    /// A factor in a product: negative numbers in parentheses.
    static func factor(_ v: Double) -> String { v < 0 ? "(\(number(v)))" : number(v) }

    /// Terms written as a sum: `-0.1734 + 0.0222 - 0.0630`.
    static func sum(_ terms: [Double]) -> String {
        var out = ""
        for (k, v) in terms.enumerated() {
            if k == 0 { out = number(v); continue }
            out += v < 0 ? " - " + number(-v) : " + " + number(v)
        }
        return out
    }

    static func short(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : v > 0 ? "inf" : "-inf" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a < 1e-3 || a >= 1e4 { return String(format: "%.2e", v) }
        return String(format: "%.4g", v)
    }

    static func ratio(_ r: Double) -> String {
        r >= 1e4 ? String(format: "%.2e", r) : r >= 10 ? String(format: "%.0f", r) : String(format: "%.2g", r)
    }

    /// A block whose shade grows with |v| / scale (empty at 0, full at the scale).
    static func block(_ v: Double, scale: Double) -> String {
        guard v.isFinite, scale > 0 else { return v.isFinite ? " " : "!" }
        let shades = [" ", "░", "▒", "▓", "█"]
        let k = min(Int((abs(v) / scale * 4).rounded(.up)), 4)
        return shades[k]
    }
}

/// A line of styled text that knows its width in terminal columns (Hangul two, combining marks
/// none) and is clipped to the screen.
struct TextLine {
    enum Style { case plain, bold, dim, positive, negative }
    private var parts: [(String, Style)] = []

    init() {}
    init(_ text: String, _ style: Style = .plain) { parts = [(text, style)] }

    mutating func append(_ text: String, _ style: Style = .plain) { parts.append((text, style)) }

    var width: Int { parts.reduce(0) { $0 + TextLine.width($1.0) } }

    /// The text in `width` columns; with `color`, SGR codes (positive orange, negative blue, as
    /// the page's heatmaps), reset after each piece. A line too long is cut between words and
    /// ends in "…": a number is shown whole or not at all.
    func render(width: Int, color: Bool) -> String {
        var out = "", used = 0
        let cut = self.width > width
        let room = cut ? width - 1 : width
        func emit(_ piece: String, _ style: Style) {
            if color, let code = TextLine.code(style) { out += "\u{1B}[\(code)m" + piece + "\u{1B}[0m" } else { out += piece }
        }
        for (text, style) in parts {
            let w = TextLine.width(text)
            if used + w <= room { emit(text, style); used += w; continue }
            // Whole words of this piece, while they fit (a single character per word for
            // blocks and sparklines, which have no spaces).
            var piece = ""
            let words = text.contains(" ") ? text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) : text.map(String.init)
            for (k, word) in words.enumerated() {
                let sep = text.contains(" ") && k > 0 ? " " : ""
                let ww = TextLine.width(sep + word)
                if used + ww > room { break }
                piece += sep + word
                used += ww
            }
            if !piece.isEmpty { emit(piece, style) }
            break
        }
        if cut { out += "…" }
        return out
    }

    /// The line broken between words into lines of at most `width` columns, the later ones
    /// indented (for equations and prose, which must not be cut).
    func wrapped(width: Int) -> [TextLine] {
        guard self.width > width, parts.count == 1, let (text, style) = parts.first else { return [self] }
        var lines: [TextLine] = [], current = "", indent = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? indent + word : current + " " + word
            if TextLine.width(candidate) > width && !current.isEmpty {
                lines.append(TextLine(current, style))
                indent = "    "
                current = indent + word
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(TextLine(current, style)) }
        return lines
    }

    private static func code(_ s: Style) -> String? {
        switch s {
        case .plain: return nil
        case .bold: return "1"
        case .dim: return "2"
        case .positive: return "38;5;208"
        case .negative: return "38;5;33"
        }
    }

    static func width(_ ch: Character) -> Int {
        guard let s = ch.unicodeScalars.first else { return 0 }
        let v = s.value
        if v < 0x20 { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) {
            return 2
        }
        return 1  // a character with combining marks (c̃) is one grapheme, one column
    }

    static func width(_ s: String) -> Int { s.reduce(0) { $0 + width($1) } }

    static func padded(_ s: String, to n: Int, right: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(n - width(s), 0))
        return right ? pad + s : s + pad
    }
}
