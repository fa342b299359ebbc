import Foundation

/// A time × unit heatmap as SVG: a diverging scale centred on 0 for states, or 0–1 for gates.
///
/// Long or wide records are shown by averaging blocks of steps (and units) so the SVG stays
/// small; the caption says so, and the exact values stay in the step-through and the trace.
public struct Heatmap: Sendable {
    public enum Scale: Sendable { case diverging, unitInterval }

    public var title: String
    /// (T, H) values, step-major as the core records them.
    public var values: [Double]
    public var steps: Int
    public var units: Int
    public var scale: Scale
    public var maxColumns = 160
    public var maxRows = 64
    public var width = 640.0

    /// `en` or `ko`: the language of the text alternative.
    public var language = "en"

    public init(title: String, values: [Double], steps: Int, units: Int, scale: Scale) {
        self.title = title
        self.values = values
        self.steps = steps
        self.units = units
        self.scale = scale
    }

    /// Steps per column and units per row after averaging.
    public var blocks: (steps: Int, units: Int) {
        ((steps + maxColumns - 1) / maxColumns, (units + maxRows - 1) / maxRows)
    }

    public var caption: String {
        let (bs, bu) = blocks
        var parts: [String] = []
        let ko = language == "ko"
        if bs > 1 { parts.append(ko ? "각 열은 \(bs)개 시점의 평균" : "each column is the mean of \(bs) steps") }
        if bu > 1 { parts.append(ko ? "각 행은 \(bu)개 유닛의 평균" : "each row the mean of \(bu) units") }
        return parts.isEmpty ? "" : parts.joined(separator: ", ")
    }

    public func svg(id: String) -> String {
        let (bs, bu) = blocks
        let cols = (steps + bs - 1) / bs, rows = (units + bu - 1) / bu
        let left = 56.0, top = 30.0, legendWidth = 90.0
        let cw = max(1, (width - left - legendWidth) / Double(cols)), ch = max(3, min(14, 260 / Double(rows)))
        let height = max(top + Double(rows) * ch + 40, top + 172)
        var lo = 0.0, hi = 1.0
        if scale == .diverging {
            let m = values.filter(\.isFinite).map(abs).max() ?? 1
            lo = -(m > 0 ? m : 1)
            hi = -lo
        }
        let e = Escape.html
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" id=\"\(e(id))\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-labelledby=\"\(e(id))-title \(e(id))-desc\" \(Palette.font) font-size=\"11\">"
        s += "<title id=\"\(e(id))-title\">\(e(title))</title>"
        s += "<desc id=\"\(e(id))-desc\">\(e(description(lo: lo, hi: hi)))</desc>"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(e(title))</text>"
        for r in 0..<rows {
            s += colourRuns(count: cols, x: left, y: top + Double(r) * ch, width: cw, height: ch) { c in
                var sum = 0.0, n = 0.0
                for t in (c * bs)..<min(steps, (c + 1) * bs) {
                    for j in (r * bu)..<min(units, (r + 1) * bu) {
                        let v = values[t * units + j]
                        if v.isFinite { sum += v; n += 1 }
                    }
                }
                return n > 0 ? Self.color((sum / n - lo) / (hi - lo), scale) : "#bbbbbb"
            }
        }
        // Axes.
        let bottom = top + Double(rows) * ch
        for v in Ticks.values(1, Double(max(steps, 2))) where v >= 1 && v <= Double(steps) && v == v.rounded() {
            let x = left + (v - 1) / Double(bs) * cw + cw / 2
            s += "<text x=\"\(f(x))\" y=\"\(f(bottom + 14))\" text-anchor=\"middle\">\(Ticks.label(v))</text>"
        }
        s += "<text x=\"\(f(left + Double(cols) * cw / 2))\" y=\"\(f(bottom + 32))\" text-anchor=\"middle\">t</text>"
        s += "<text x=\"\(f(left - 6))\" y=\"\(f(top + 9))\" text-anchor=\"end\">1</text>"
        s += "<text x=\"\(f(left - 6))\" y=\"\(f(bottom))\" text-anchor=\"end\">\(units)</text>"
        s += "<text transform=\"translate(14 \(f(top + Double(rows) * ch / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.unitLabel(language))</text>"
        // Colour bar.
        s += colourBar(x: width - legendWidth + 24, top: top, scale: scale,
                       labels: (NumberFormat.short(hi), NumberFormat.short((lo + hi) / 2), NumberFormat.short(lo)))
        return s + "</svg>"
    }

    /// The y axis's label, and the word before each unit's number in the CSV header.
    public static func unitLabel(_ language: String) -> String { language == "ko" ? "유닛" : "unit" }

    private func description(lo: Double, hi: Double) -> String {
        let finite = values.filter(\.isFinite)
        let mean = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
        let (lo, hi, m) = (NumberFormat.short(finite.min() ?? 0), NumberFormat.short(finite.max() ?? 0), NumberFormat.short(mean))
        var text = language == "ko"
            ? "\(title): 유닛 \(units)개, 시점 \(steps)개; 값의 범위 \(lo) – \(hi), 평균 \(m)"
            : "\(title): \(units) units over \(steps) steps; values from \(lo) to \(hi), mean \(m)"
        if !caption.isEmpty { text += "; \(caption)" }
        return text
    }

    /// Diverging: dark blue (negative) – white – dark orange (positive), PuOr-like and safe for
    /// colour-blind readers. Unit interval: viridis, monotone in lightness.
    static func color(_ p: Double, _ scale: Scale) -> String {
        let stops: [(Double, Double, Double)] = scale == .diverging
            ? [(33, 102, 172), (103, 169, 207), (209, 229, 240), (247, 247, 247), (253, 219, 199), (239, 138, 98), (179, 88, 6)]
            : [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let levels = 32.0
        let q = ((min(1, max(0, p.isFinite ? p : 0.5)) * levels).rounded() / levels) * Double(stops.count - 1)
        let i = min(Int(q), stops.count - 2), t = q - Double(i)
        let a = stops[i], b = stops[i + 1]
        func c(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * t).rounded()) }
        return String(format: "#%02x%02x%02x", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }
}

/// One row of cells as SVG rectangles, a run of equal colours drawn as one: cell c spans
/// [x + c·width, x + (c + 1)·width); an empty colour leaves the cell undrawn.
func colourRuns(count: Int, x: Double, y: Double, width: Double, height: Double, colour: (Int) -> String) -> String {
    var s = "", runStart = 0, runColor = ""
    func flush(_ end: Int) {
        guard end > runStart, !runColor.isEmpty else { return }
        s += "<rect x=\"\(f(x + Double(runStart) * width))\" y=\"\(f(y))\" width=\"\(f(Double(end - runStart) * width + 0.3))\" height=\"\(f(height + 0.3))\" fill=\"\(runColor)\"/>"
    }
    for c in 0..<count {
        let color = colour(c)
        if color != runColor {
            flush(c)
            runStart = c
            runColor = color
        }
    }
    flush(count)
    return s
}

/// A vertical colour bar of 20 segments, 160 units tall from `top` (the scale's top at the top),
/// with the labels of its top, middle and bottom to its right.
func colourBar(x: Double, top: Double, scale: Heatmap.Scale, labels: (top: String, middle: String, bottom: String)) -> String {
    let e = Escape.html, segments = 20
    var s = ""
    for k in 0..<segments {
        let p = 1 - (Double(k) + 0.5) / Double(segments)
        s += "<rect x=\"\(f(x))\" y=\"\(f(top + Double(k) * 8))\" width=\"14\" height=\"8.3\" fill=\"\(Heatmap.color(p, scale))\"/>"
    }
    s += "<text x=\"\(f(x + 18))\" y=\"\(f(top + 8))\">\(e(labels.top))</text>"
    s += "<text x=\"\(f(x + 18))\" y=\"\(f(top + 84))\">\(e(labels.middle))</text>"
    s += "<text x=\"\(f(x + 18))\" y=\"\(f(top + 160))\">\(e(labels.bottom))</text>"
    return s
}

/// A horizontal bar chart as SVG (parameter counts, per-weight gradient norms, …).
public struct BarChart: Sendable {
    public var title: String
    public var bars: [(label: String, value: Double)]
    public var valueLabel: String
    public var logScale = false
    public var width = 640.0
    /// `en` or `ko`: the language of the log-scale note and the CSV header.
    public var language: String

    public init(language: String = "en", title: String, bars: [(label: String, value: Double)], valueLabel: String, logScale: Bool = false) {
        self.language = language
        self.title = title
        self.bars = bars
        self.valueLabel = valueLabel
        self.logScale = logScale
    }

    public func svg(id: String) -> String {
        let e = Escape.html
        let left = 130.0, top = 30.0, barHeight = 18.0, gap = 6.0, right = 90.0
        let height = top + Double(bars.count) * (barHeight + gap) + 30
        let finite = bars.map(\.value).filter { $0.isFinite && (!logScale || $0 > 0) }
        let hiV = finite.max() ?? 1
        let loE = logScale ? (log10(finite.min() ?? 1)).rounded(.down) : 0
        let hiE = logScale ? max(loE + 1, log10(hiV).rounded(.up)) : 0
        func length(_ v: Double) -> Double {
            let pw = width - left - right
            guard v.isFinite else { return v > 0 ? pw : 0 }
            if logScale { return v > 0 ? (log10(v) - loE) / (hiE - loE) * pw : 0 }
            return hiV > 0 ? max(0, v) / hiV * pw : 0
        }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart bars\" id=\"\(e(id))\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-labelledby=\"\(e(id))-title \(e(id))-desc\" \(Palette.font) font-size=\"11\">"
        s += "<title id=\"\(e(id))-title\">\(e(title))</title>"
        s += "<desc id=\"\(e(id))-desc\">\(e(title + ": " + bars.map { "\($0.label) \(NumberFormat.short($0.value))" }.joined(separator: ", ")))</desc>"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(e(title))</text>"
        for (k, bar) in bars.enumerated() {
            let y = top + Double(k) * (barHeight + gap)
            let w = length(bar.value)
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 13))\" text-anchor=\"end\">\(e(bar.label))</text>"
            s += "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(max(w, 0.5)))\" height=\"\(f(barHeight))\" fill=\"#0072B2\"/>"
            s += "<text x=\"\(f(left + w + 4))\" y=\"\(f(y + 13))\">\(e(NumberFormat.short(bar.value)))</text>"
        }
        s += "<text x=\"\(f(left))\" y=\"\(f(height - 8))\">\(e(valueLabel + (logScale ? (language == "ko" ? " (로그 눈금)" : " (log scale)") : "")))</text>"
        return s + "</svg>"
    }
}
