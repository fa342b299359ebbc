import Foundation

/// The connectivity matrix ‖∂y_t/∂x_s‖ (or ‖∂h_t/∂x_s‖) as SVG: input step s along x (time runs
/// left to right, as in every chart), output step t down the side, s ≤ t coloured on a log scale
/// of the sequential palette (magnitudes), s > t left blank (no path from a later input).
///
/// More than `maxCells` steps are shown in blocks, each the largest value of its block; the
/// caption says so, and the CSV beside the report holds every value.
public struct ConnectivityChart: Sendable {
    public var title: String
    /// `rows[t − 1][s − 1]` for s ≤ t.
    public var rows: [[Double]]
    public var language = "en"
    public var maxCells = 100
    public var width = 640.0
    /// At most this many decades below the largest value get their own colours.
    public var decades = 6

    public init(title: String, rows: [[Double]], language: String = "en") {
        self.title = title
        self.rows = rows
        self.language = language
    }

    var steps: Int { rows.count }
    var block: Int { max(1, (steps + maxCells - 1) / maxCells) }

    /// The largest finite value and how many decades below it the colours span.
    public var range: (largest: Double, decades: Int) {
        let finite = rows.joined().filter { $0.isFinite && $0 > 0 }
        guard let hi = finite.max(), let lo = finite.min() else { return (1, 1) }
        return (hi, max(1, min(decades, Int(log10(hi / lo).rounded(.up)))))
    }

    /// 0 … 1: where v sits on the log colour scale (0 for zero or below the range).
    public func position(_ v: Double) -> Double {
        let (hi, d) = range
        guard v.isFinite else { return v > 0 ? 1 : 0 }
        guard v > 0 else { return 0 }
        return min(1, max(0, 1 + log10(v / hi) / Double(d)))
    }

    public var caption: String {
        let ko = language == "ko"
        let (_, d) = range
        var text = ko
            ? "색은 로그 눈금(가장 큰 값부터 \(d)자릿수 아래까지). s > t인 칸은 비어 있습니다: 나중 입력에서 앞의 출력으로 가는 경로는 없습니다."
            : "Colour on a log scale (\(d) decades below the largest value). Cells with s > t are blank: no path runs from a later input to an earlier output."
        if block > 1 {
            text += ko ? " 각 칸은 \(block) × \(block)개 시점 중 가장 큰 값입니다." : " Each cell is the largest of \(block) × \(block) steps."
        }
        return text
    }

    public var csv: String {
        let T = steps
        var out = "t," + (1...max(T, 1)).map { "s=\($0)" }.joined(separator: ",") + "\n"
        for t in 0..<T {
            out += "\(t + 1)," + (0..<T).map { s in s <= t ? NumberFormat.exact(rows[t][s]) : "" }.joined(separator: ",") + "\n"
        }
        return out
    }

    public func svg(id: String) -> String {
        let e = Escape.html, ko = language == "ko"
        let T = steps, b = block, n = (T + b - 1) / b
        let left = 56.0, top = 30.0, legendWidth = 96.0
        let cell = max(2, min(24, (width - left - legendWidth) / Double(max(n, 1))))
        let side = cell * Double(n)
        let height = max(top + side + 44, top + 200)
        let (hi, d) = range
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart connectivity-chart\" id=\"\(e(id))\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-labelledby=\"\(e(id))-title \(e(id))-desc\" \(Palette.font) font-size=\"11\">"
        s += "<title id=\"\(e(id))-title\">\(e(title))</title>"
        s += "<desc id=\"\(e(id))-desc\">\(e(description))</desc>"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(e(title))</text>"
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(side))\" height=\"\(f(side))\" fill=\"#f7f7f7\" stroke=\"#bbbbbb\" stroke-width=\"0.5\"/>"
        for r in 0..<n {
            // Row r (steps t of its block) up to the diagonal; s > t stays blank.
            s += colourRuns(count: r + 1, x: left, y: top + Double(r) * cell, width: cell, height: cell) { c in
                var largest = -1.0
                for t in (r * b)..<min(T, (r + 1) * b) {
                    for k in (c * b)..<min(t + 1, (c + 1) * b) { largest = max(largest, rows[t][k].isNaN ? 0 : rows[t][k]) }
                }
                return largest < 0 ? "" : Heatmap.color(position(largest), .unitInterval)
            }
        }
        // Axes: s along the bottom, t down the left.
        let bottom = top + side
        for v in Ticks.values(1, Double(max(T, 2))) where v >= 1 && v <= Double(T) && v == v.rounded() {
            let x = left + ((v - 1) / Double(b)).rounded(.down) * cell + cell / 2
            s += "<text x=\"\(f(x))\" y=\"\(f(bottom + 14))\" text-anchor=\"middle\">\(Ticks.label(v))</text>"
            let y = top + ((v - 1) / Double(b)).rounded(.down) * cell + cell / 2 + 4
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y))\" text-anchor=\"end\">\(Ticks.label(v))</text>"
        }
        s += "<text x=\"\(f(left + side / 2))\" y=\"\(f(bottom + 32))\" text-anchor=\"middle\">\(e(ko ? "s (입력 시점)" : "s (input step)"))</text>"
        s += "<text transform=\"translate(14 \(f(top + side / 2))) rotate(-90)\" text-anchor=\"middle\">\(e(ko ? "t (출력 시점)" : "t (output step)"))</text>"
        // Colour bar: the largest value at the top, d decades below it at the bottom.
        let lx = width - legendWidth + 22
        s += colourBar(x: lx, top: top, scale: .unitInterval,
                       labels: (NumberFormat.short(hi), NumberFormat.short(hi * pow(10, -Double(d) / 2)),
                                "≤ " + NumberFormat.short(hi * pow(10, -Double(d)))))
        s += "<text x=\"\(f(lx))\" y=\"\(f(top + 178))\">\(e(ko ? "로그 눈금" : "log scale"))</text>"
        return s + "</svg>"
    }

    private var description: String {
        let ko = language == "ko"
        let T = steps
        guard T > 0 else { return title }
        let last = rows[T - 1]
        let (hi, _) = range
        let ownStep = last[T - 1], first = last[0]
        return ko
            ? "\(title): 시점 \(T)개. 가장 큰 값 \(NumberFormat.short(hi)); 마지막 출력(t = \(T))은 자기 입력(s = \(T))에 \(NumberFormat.short(ownStep)), 첫 입력(s = 1)에 \(NumberFormat.short(first))만큼 의존합니다. \(caption)"
            : "\(title): \(T) steps. Largest value \(NumberFormat.short(hi)); the last output (t = \(T)) depends on its own input (s = \(T)) by \(NumberFormat.short(ownStep)) and on the first (s = 1) by \(NumberFormat.short(first)). \(caption)"
    }
}

/// For a token model: the input symbols in a row and, under them, the output at every step (the
/// most probable next symbol); hovering, focusing or tapping an output colours the inputs by its
/// connectivity ‖∂y_t/∂x_s‖, relative to that output's largest (the page's script,
/// `StepThroughScript`, reads `data-levels`).
public struct ConnectivityStrip: Sendable {
    public var inputs: [String]
    public var outputs: [String]
    /// `levels[t − 1][s − 1]` in 0 … 8 for s ≤ t: 8 the row's largest, each level below one
    /// `decadesPerLevel` further down.
    public var levels: [[Int]]
    /// For every output t, the input s (1-based) it depends on most, from the exact values.
    public var strongest: [Int]
    public var language: String

    public init(inputs: [String], outputs: [String], rows: [[Double]], language: String, decades: Double = 4) {
        self.inputs = inputs
        self.outputs = outputs
        self.language = language
        strongest = rows.map { row in
            (row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0) + 1
        }
        levels = rows.map { row in
            let top = row.filter(\.isFinite).max() ?? 0
            return row.map { v in
                guard top > 0, v > 0, v.isFinite else { return v.isInfinite ? 8 : 0 }
                return max(0, min(8, Int((8 * (1 + log10(v / top) / decades)).rounded())))
            }
        }
    }

    /// A symbol as the strip shows it: a space as ␣, a newline as ↵.
    static func shown(_ symbol: String) -> String {
        switch symbol {
        case " ": return "␣"
        case "\n": return "↵"
        case "\t": return "⇥"
        default: return symbol
        }
    }

    public var html: String {
        let e = Escape.html, ko = language == "ko"
        let data = "[" + levels.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        let best = "[" + strongest.map(String.init).joined(separator: ",") + "]"
        var s = "<div class=\"connectivity\" data-levels=\"\(e(data))\" data-strongest=\"\(e(best))\">"
        s += "<p class=\"cx-hint\">" + e(ko
            ? "아래 줄은 시점마다 모델이 가장 가능성 높다고 본 다음 기호입니다. 그 기호 위에 마우스를 올리거나 누르면, 그 출력이 각 입력 문자에 얼마나 의존하는지(‖∂y_t/∂x_s‖, 그 출력의 가장 큰 값에 대한 비율, 로그 눈금)가 위 줄에 색으로 나타납니다."
            : "The lower row is the model's most likely next symbol at each step. Point at (or tap) one: the upper row shows how strongly that output depends on each input symbol (‖∂y_t/∂x_s‖ relative to that output's largest, on a log scale).") + "</p>"
        s += "<div class=\"cx-scroll\"><div class=\"cx-grid\" style=\"grid-template-columns: auto repeat(\(inputs.count), minmax(1.3em, 1fr))\">"
        s += "<span class=\"cx-label\">\(e(ko ? "입력 x_s" : "input x_s"))</span>"
        for (k, symbol) in inputs.enumerated() {
            s += "<span class=\"cx-in\" data-s=\"\(k + 1)\" title=\"s = \(k + 1)\">\(e(Self.shown(symbol)))</span>"
        }
        s += "<span class=\"cx-label\">\(e(ko ? "출력" : "output"))</span>"
        for (k, symbol) in outputs.enumerated() {
            s += "<button type=\"button\" class=\"cx-out\" data-t=\"\(k + 1)\" title=\"t = \(k + 1)\">\(e(Self.shown(symbol)))</button>"
        }
        s += "</div></div>"
        s += "<p class=\"cx-status\" aria-live=\"polite\"></p></div>"
        return s
    }

    public var markdown: String {
        language == "ko"
            ? "*입력:* \(Escape.markdown(inputs.map(Self.shown).joined()))  \n*출력:* \(Escape.markdown(outputs.map(Self.shown).joined()))  \n(HTML 보고서에서 출력 문자를 가리키면 입력 문자가 영향의 크기에 따라 색으로 나타납니다.)"
            : "*Input:* \(Escape.markdown(inputs.map(Self.shown).joined()))  \n*Output:* \(Escape.markdown(outputs.map(Self.shown).joined()))  \n(In the HTML report, pointing at an output symbol colours the input symbols by their influence.)"
    }
}
