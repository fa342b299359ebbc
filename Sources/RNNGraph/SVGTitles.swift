import Reports

/// Graphviz writes every node, edge and cluster's DOT id as its `<title>` (`cell_1`,
/// `gate_f_1`, `cell_1->h_1`) and the graph's name as the whole drawing's, and a browser shows
/// the nearest `<title>` as the tooltip. On a report page an id is no tooltip, and never in the
/// page's language; this rewrites them: an element that has a tooltip (Graphviz's `<a
/// xlink:title>`) takes it as its title too, the drawing takes the graph's label (its caption,
/// in the page's language), and every other title is dropped, so no id surfaces.
public enum SVGTitles {
    public static func human(_ svg: String, graphTitle: String?) -> String {
        var out = ""
        out.reserveCapacity(svg.utf8.count)
        var rest = svg[...]
        while let open = rest.range(of: "<title>") {
            guard let close = rest[open.upperBound...].range(of: "</title>") else { break }
            let before = rest[..<open.lowerBound]
            var after = rest[close.upperBound...]
            let isGraph = before.range(of: "<g", options: .backwards).map { before[$0.lowerBound...].contains("class=\"graph\"") } ?? false
            let replacement: String?
            if isGraph {
                replacement = graphTitle.flatMap { $0.isEmpty ? nil : Escape.html($0) }
            } else {
                replacement = tooltip(after)
            }
            if let replacement {
                out += before + "<title>" + replacement + "</title>"
            } else {
                // The title and the line break after it go.
                out += before.hasSuffix("\n") ? before.dropLast() : before
                if !before.hasSuffix("\n") && after.hasPrefix("\n") { after = after.dropFirst() }
            }
            rest = after
        }
        return out + rest
    }

    /// The tooltip Graphviz wrote right after a title (`<g id="a_…"><a xlink:title="…">`),
    /// still escaped as the attribute was.
    private static func tooltip(_ text: Substring) -> String? {
        var s = text.drop { $0 == "\n" }
        if s.hasPrefix("<g id=\"") {
            guard let end = s.range(of: "\">") else { return nil }
            s = s[end.upperBound...]
        }
        let start = "<a xlink:title=\""
        guard s.hasPrefix(start) else { return nil }
        let value = s.dropFirst(start.count).prefix { $0 != "\"" }
        return value.isEmpty ? nil : String(value)
    }
}

extension Graphviz {
    /// SVG of a diagram for a report page: Graphviz's, with human titles (`SVGTitles`).
    public static func svg(_ graph: DOTGraph) throws(GraphvizError) -> String {
        SVGTitles.human(try svg(fromDOT: graph.text), graphTitle: graph.attributes["label"])
    }
}
