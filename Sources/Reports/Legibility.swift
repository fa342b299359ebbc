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
        guard let tagEnd = svg.range(of: ">"), let vb = svg[..<tagEnd.lowerBound].range(of: "viewBox=\"") else { return nil }
        let numbers = svg[vb.upperBound...].prefix { $0 != "\"" }.split { $0 == " " || $0 == "," }.compactMap { Double($0) }
        guard numbers.count == 4, numbers[2] > 0 else { return nil }
        var smallest = Double.infinity
        var rest = svg[...]
        while let r = rest.range(of: "font-size") {
            rest = rest[r.upperBound...]
            let digits = rest.drop { $0 == "=" || $0 == "\"" || $0 == ":" || $0 == " " || $0 == "'" }.prefix { $0.isNumber || $0 == "." }
            if let v = Double(digits), v > 0 { smallest = min(smallest, v) }
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
