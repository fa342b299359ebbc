import Foundation

/// Colours and dash patterns for chart series: the Okabe–Ito palette (safe for colour-blind
/// readers) paired with distinct dashes, so series stay apart in grayscale print too.
enum Palette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    static let dashes = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 4", "3 1"]
    static let font = "font-family=\"Noto Sans CJK KR, Noto Sans KR, NanumGothic, Malgun Gothic, sans-serif\""
}

/// A line chart as SVG: axes, ticks, labels, optional log-scale y axis, legend, and a text
/// alternative (<title>, <desc>).
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series]
    /// A vertical marker at this x (the step-through moves it); nil for none.
    public var marker: Double?
    public var width = 640.0
    public var height = 300.0
    /// `en` or `ko`: the language of the text alternative and the axis note.
    public var language: String

    public init(language: String = "en", title: String, xLabel: String, yLabel: String, logY: Bool = false,
                series: [Series], marker: Double? = nil) {
        self.language = language
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
        self.marker = marker
    }

    /// Points the axes must include without being drawn: several charts that share them share their
    /// axes (the what-if slider's panels, one per swept value).
    public var extent: [(x: Double, y: Double)] = []

    /// The finite points a log axis can show.
    private func usable(_ p: (x: Double, y: Double)) -> Bool {
        p.x.isFinite && p.y.isFinite && (!logY || p.y > 0)
    }

    /// Data ranges after transforming y (log10 on a log axis).
    private var ranges: (x0: Double, x1: Double, y0: Double, y1: Double) {
        let pts = (series.flatMap(\.points) + extent).filter(usable)
        guard !pts.isEmpty else { return (0, 1, logY ? 0 : 0, 1) }
        var x0 = pts.map(\.x).min()!, x1 = pts.map(\.x).max()!
        if x0 == x1 { x0 -= 1; x1 += 1 }
        let ys = pts.map { logY ? log10($0.y) : $0.y }
        var y0 = ys.min()!, y1 = ys.max()!
        if logY {
            y0 = y0.rounded(.down)
            y1 = y1.rounded(.up)
            if y1 - y0 < 1 { y1 = y0 + 1 }
        } else {
            if y0 == y1 { y0 -= 1; y1 += 1 }
            let step = Ticks.step(y1 - y0)
            y0 = (y0 / step).rounded(.down) * step
            y1 = (y1 / step).rounded(.up) * step
        }
        return (x0, x1, y0, y1)
    }

    /// The SVG; `id` prefixes element ids (the marker is `ID-marker`).
    public func svg(id: String) -> String {
        let (x0, x1, y0, y1) = ranges
        // Room on the right for the legend, sized by its longest label.
        let longest = series.map { $0.name.count }.max() ?? 0
        let left = 70.0, right = series.count > 1 ? min(260, 56 + 7.2 * Double(longest)) : 20.0, top = 30.0, bottom = 46.0
        let pw = width - left - right, ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + ph - ((logY ? log10(y) : y) - y0) / (y1 - y0) * ph }
        let e = Escape.html
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(e(id))\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-labelledby=\"\(e(id))-title \(e(id))-desc\" \(Palette.font) font-size=\"12\">"
        s += "<title id=\"\(e(id))-title\">\(e(title))</title>"
        s += "<desc id=\"\(e(id))-desc\">\(e(description))</desc>"
        s += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        s += "<text x=\"\(f(left + pw / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(e(title))</text>"
        // Grid and ticks.
        for v in logY ? stride(from: y0, through: y1, by: max(1, ((y1 - y0) / 6).rounded(.up))).map({ $0 }) : Ticks.values(y0, y1) {
            let y = top + ph - (v - y0) / (y1 - y0) * ph
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#e4e4e4\"/>"
            let label = logY ? NumberFormat.powerOfTen(Int(v)) : Ticks.label(v)
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(e(label))</text>"
        }
        for v in Ticks.values(x0, x1) {
            let x = px(v)
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top + ph))\" y2=\"\(f(top + ph + 4))\" stroke=\"#333\"/>"
            s += "<text x=\"\(f(x))\" y=\"\(f(top + ph + 17))\" text-anchor=\"middle\">\(e(Ticks.label(v)))</text>"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#333\"/>"
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">\(e(xLabel))</text>"
        s += "<text transform=\"translate(16 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(e(yLabel + (logY ? (language == "ko" ? " (로그)" : " (log)") : "")))</text>"
        // Series: one polyline per unbroken run of usable points.
        for (k, serie) in series.enumerated() {
            let color = Palette.colors[k % Palette.colors.count], dash = Palette.dashes[k % Palette.dashes.count]
            var runs: [[(x: Double, y: Double)]] = [[]]
            for p in serie.points {
                if usable(p) { runs[runs.count - 1].append(p) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            for run in runs where !run.isEmpty {
                let pts = run.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") points=\"\(pts)\"/>"
                if run.count == 1 { s += "<circle cx=\"\(f(px(run[0].x)))\" cy=\"\(f(py(run[0].y)))\" r=\"3\" fill=\"\(color)\"/>" }
            }
            if series.count > 1 {
                let ly = top + 10 + Double(k) * 18
                s += "<line x1=\"\(f(left + pw + 12))\" x2=\"\(f(left + pw + 40))\" y1=\"\(f(ly))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
                s += "<text x=\"\(f(left + pw + 46))\" y=\"\(f(ly + 4))\">\(e(serie.name))</text>"
            }
        }
        if let marker, marker.isFinite {
            let x = px(min(max(marker, x0), x1))
            s += "<line id=\"\(e(id))-marker\" class=\"marker\" x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top))\" y2=\"\(f(top + ph))\" stroke=\"#D55E00\" stroke-width=\"2\" stroke-dasharray=\"4 2\" data-x0=\"\(f(x0))\" data-x1=\"\(f(x1))\" data-left=\"\(f(left))\" data-width=\"\(f(pw))\"/>"
        }
        return s + "</svg>"
    }

    /// A text alternative summarising each series.
    public var description: String {
        let ko = language == "ko"
        let parts = series.map { serie -> String in
            let pts = serie.points.filter(usable)
            guard let first = pts.first, let last = pts.last else { return "\(serie.name): " + (ko ? "유한한 값 없음" : "no finite values") }
            let lo = pts.map(\.y).min()!, hi = pts.map(\.y).max()!
            let (a, b, l, h) = (NumberFormat.short(first.y), NumberFormat.short(last.y), NumberFormat.short(lo), NumberFormat.short(hi))
            return ko
                ? "\(serie.name): \(xLabel) = \(Ticks.label(first.x))에서 \(a), \(Ticks.label(last.x))에서 \(b); 범위 \(l) – \(h)"
                : "\(serie.name): from \(a) at \(xLabel) = \(Ticks.label(first.x)) to \(b) at \(Ticks.label(last.x)); range \(l) to \(h)"
        }
        let axes = ko ? "\(xLabel)에 따른 \(yLabel)\(logY ? " (로그 눈금)" : "")" : "\(yLabel) against \(xLabel)\(logY ? " on a log scale" : "")"
        return "\(title). \(axes). " + parts.joined(separator: ". ")
    }
}

/// "Nice" axis ticks: 1, 2 or 5 times a power of ten.
enum Ticks {
    static func step(_ span: Double) -> Double {
        guard span > 0 && span.isFinite else { return 1 }
        let raw = span / 5, p = pow(10, (log10(raw)).rounded(.down)), m = raw / p
        return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p
    }

    static func values(_ a: Double, _ b: Double) -> [Double] {
        let st = step(b - a)
        var v = (a / st).rounded(.up) * st, out: [Double] = []
        while v <= b + st * 1e-9 && out.count < 20 {
            out.append(abs(v) < st * 1e-9 ? 0 : v)
            v += st
        }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        return NumberFormat.short(v)
    }
}

/// Formats a coordinate with at most two decimals (compact, deterministic SVG).
func f(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    return String(format: "%.2f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
}
