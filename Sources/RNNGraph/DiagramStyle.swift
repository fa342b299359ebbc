import Foundation
import RNNCore
import Reports

/// The language of a diagram's words (symbols such as h₃ and σ are the same in both).
public enum DiagramLanguage: String, Sendable, CaseIterable {
    case en
    case ko
}

/// Shared look of every diagram: fonts that cover Korean, a colour-blind-safe palette, and the
/// number formatting used in tooltips.
enum Style {
    /// Graphviz measures text with this font (Debian: fonts-noto-cjk) and writes the same list
    /// into the SVG, so browsers fall back gracefully.
    static let font = "Noto Sans CJK KR,Noto Sans KR,NanumGothic,Malgun Gothic,sans-serif"

    static func graph(_ name: String, rankdir: String = "BT", extra: [String: String] = [:]) -> DOTGraph {
        DOTGraph(
            name: name,
            attributes: ["rankdir": rankdir, "fontname": font, "fontsize": "12", "nodesep": "0.25",
                         "ranksep": "0.35", "bgcolor": "white", "newrank": "true"].merging(extra) { _, b in b },
            nodeDefaults: ["fontname": font, "fontsize": "12", "shape": "box", "style": "rounded,filled",
                           "fillcolor": "#ffffff", "color": "#444444", "penwidth": "1"],
            edgeDefaults: ["fontname": font, "fontsize": "10", "color": "#555555", "arrowsize": "0.7"])
    }

    // Okabe–Ito colours: distinguishable by colour-blind readers and in grayscale by lightness.
    static let input = "#e8f1fa"       // light blue
    static let state = "#fff4d6"       // light orange
    static let cellState = "#fde0c5"
    static let gate = "#e3f3ec"        // light green
    static let op = "#f2f2f2"
    static let output = "#f3e6f0"      // light purple
    static let loss = "#fbe3e3"

    /// Subscript digits for step labels: h₁₂.
    static func subscripted(_ n: Int) -> String {
        let digits = Array("₀₁₂₃₄₅₆₇₈₉")
        return String(String(n).map { $0 == "-" ? "₋" : digits[Int(String($0))!] })
    }

    /// A compact number for tooltips: 4 significant digits, as reports print them.
    static func number(_ v: Double) -> String { NumberFormat.short(v) }

    /// `name = [v₁, v₂, …]`, at most `limit` entries shown.
    static func vector<C: Collection>(_ name: String, _ values: C, limit: Int = 8) -> String where C.Element == Double {
        let shown = values.prefix(limit).map(number).joined(separator: ", ")
        let more = values.count > limit ? ", … (n = \(values.count))" : ""  // the same in every language
        return "\(name) = [\(shown)\(more)]"
    }
}
