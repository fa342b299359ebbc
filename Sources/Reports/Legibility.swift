import Foundation

/// Figures are never shrunk below legibility: an SVG gets a minimum width at which its smallest
/// text is `minimumTextPixels` CSS pixels, so in a narrow column (a phone, or a wide unrolled graph
/// in the page column) it keeps that size and scrolls inside its own box instead.
public enum Legibility {
    public static let minimumTextPixels = 10.0

    /// `svg` with `style="min-width: Npx"` on its root element, when it has a viewBox and text.
    public static func svg(_ svg: String) -> String {
        guard let width = minimumWidth(svg), let open = svg.range(of: "<svg") else { return svg }
        return svg.replacingCharacters(in: open, with: "<svg style=\"min-width: \(Int(width.rounded(.up)))px\"")
    }

    /// The width at which the smallest font size in `svg` renders at `minimumTextPixels`:
    /// viewBox width × minimum / smallest font size (font sizes are in viewBox units).
    public static func minimumWidth(_ svg: String) -> Double? {
        let b = Array(svg.utf8)
        guard let tagEnd = b.firstIndex(of: UInt8(ascii: ">")),
              let vb = Bytes.find(Array("viewBox=\"".utf8), in: b, to: tagEnd) else { return nil }
        let valueStart = vb + 9
        let valueEnd = b[valueStart...].firstIndex(of: UInt8(ascii: "\"")) ?? b.count
        let numbers = String(decoding: b[valueStart..<valueEnd], as: UTF8.self).split { $0 == " " || $0 == "," }.compactMap { Double($0) }
        guard numbers.count == 4, numbers[2] > 0 else { return nil }
        var smallest = Double.infinity
        let key = Array("font-size".utf8), separators = Set("=\": '".utf8)
        var i = 0
        while let r = Bytes.find(key, in: b, from: i) {
            var k = r + key.count
            while k < b.count, separators.contains(b[k]) { k += 1 }
            var e = k
            while e < b.count, (b[e] >= UInt8(ascii: "0") && b[e] <= UInt8(ascii: "9")) || b[e] == UInt8(ascii: ".") { e += 1 }
            if let v = Double(String(decoding: b[k..<e], as: UTF8.self)), v > 0 { smallest = min(smallest, v) }
            i = max(e, r + 1)
        }
        guard smallest.isFinite else { return nil }
        return numbers[2] * minimumTextPixels / smallest
    }

    /// Marks figures wider than their box (`scrolls`), so the page shows that they scroll.
    public static let script = """
        (function () {
          function mark() {
            document.querySelectorAll("figure, .st-graph, .st-chart").forEach(function (f) {
              f.classList.toggle("scrolls", f.scrollWidth > f.clientWidth + 1);
            });
          }
          mark();
          window.addEventListener("resize", mark);
        })();
        """

    public static func css(_ language: String) -> String {
        let cue = language == "ko" ? "⟷ 옆으로 밀어 보세요" : "⟷ scroll sideways for the rest"
        return """
            figure, .st-chart { overflow-x: auto; }
            figure.scrolls::after, .st-graph.scrolls::after, .st-chart.scrolls::after { content: "\(cue)"; display: block; position: sticky; left: 0;
              font-size: .8rem; color: var(--muted); }
            figure.scrolls, .st-graph.scrolls, .st-chart.scrolls { border-right: 3px solid #9cc7e8; }
            @media print { figure svg, .st-chart svg { min-width: 0 !important; } figure.scrolls::after { content: none; } }
            """
    }
}

/// The widths a figure is drawn for, and the page's rule for which drawing it shows: the one
/// made for the widest width its box reaches (a CSS container query on the figure, so it holds
/// in the page column, on a phone and on the printed page alike).
public enum FitWidth: String, CaseIterable, Sendable {
    /// Wide screens, where a graph may take more than the text column.
    case xl
    /// The page column of a laptop or desktop (893 px in the 960 px body).
    case l
    /// An A4 handout page (182 mm of text width) or a tablet.
    case m
    /// A phone.
    case s

    /// The width the drawing must read at without scrolling.
    public var pixels: Double {
        switch self {
        case .xl: return 1400
        case .l: return 860
        case .m: return 660
        case .s: return 340
        }
    }

    /// The range of box widths (CSS px) at which the drawing made for this width is shown.
    var query: String {
        switch self {
        case .xl: return "(min-width: 1400px)"
        case .l: return "(min-width: 860px) and (max-width: 1399.98px)"
        case .m: return "(min-width: 660px) and (max-width: 859.98px)"
        case .s: return "(max-width: 659.98px)"
        }
    }

    /// Without container queries a browser shows the page column's drawing.
    public static let css: String = {
        var out = """
            figure.fitted { container-type: inline-size; }
            figure.fitted .fv { display: none; } figure.fitted .fv-l { display: block; }
            .fig-legend { position: sticky; left: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .15rem 1rem; margin: .3rem 0 0; padding: 0;
              font-size: .8rem; color: var(--muted); }
            .fig-legend li { display: flex; align-items: center; gap: .35rem; }
            .fig-legend .sw { display: inline-block; width: 1.1em; height: .8em; border: 1px solid #444; border-radius: 2px;
              print-color-adjust: exact; -webkit-print-color-adjust: exact; }
            .fig-legend .sw.line { height: 0; border: none; border-top: 2px solid; border-radius: 0; }
            .fig-legend .sw.line.dashed { border-top-style: dashed; } .fig-legend .sw.box.dashed { border-style: dashed; background: #fff; }
            .fig-legend .sw.ramp { width: 5em; }
            .fig-title { position: sticky; left: 0; text-align: center; font-size: .9rem; color: var(--ink); margin: 0 0 .2rem; }
            @media (min-width: 1500px) { figure.fitted.has-xl { width: min(1400px, 100vw - 5rem); margin-left: calc(50% - min(700px, 50vw - 2.5rem)); } }
            @media print { figure.fitted.has-xl { width: auto; margin-left: 0; } }
            @supports (container-type: inline-size) {
              figure.fitted .fv-l { display: none; }

            """
        for w in FitWidth.allCases {
            out += "  @container \(w.query) { figure.fitted .fv-\(w.rawValue) { display: block; } }\n"
        }
        return out + "}"
    }()
}
