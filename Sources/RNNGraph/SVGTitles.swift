import Reports

/// Graphviz writes every node, edge and cluster's DOT id as its `<title>` (`cell_1`,
/// `gate_f_1`, `cell_1->h_1`) and the graph's name as the whole drawing's, and a browser shows
/// the nearest `<title>` as the tooltip. On a report page an id is no tooltip, and never in the
/// page's language; this rewrites them: an element that has a tooltip (Graphviz's `<a
/// xlink:title>`) takes it as its title too, the drawing takes the graph's label (its caption,
/// in the page's language), and every other title is dropped, so no id surfaces.
public enum SVGTitles {
    public static func human(_ svg: String, graphTitle: String?) -> String {
        let b = Array(svg.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        let open = Array("<title>".utf8), close = Array("</title>".utf8), group = Array("<g".utf8), graphClass = Array("class=\"graph\"".utf8)
        var rest = 0
        while let o = Bytes.find(open, in: b, from: rest) {
            guard let c = Bytes.find(close, in: b, from: o + open.count) else { break }
            var after = c + close.count
            let isGraph = Bytes.findLast(group, in: b, from: rest, before: o).map { Bytes.find(graphClass, in: b, from: $0, to: o) != nil } ?? false
            let replacement: [UInt8]?
            if isGraph {
                replacement = graphTitle.flatMap { $0.isEmpty ? nil : Array(Escape.html($0).utf8) }
            } else {
                replacement = tooltip(b, after)
            }
            let newlineBefore = o > rest && b[o - 1] == UInt8(ascii: "\n")
            if let replacement {
                out += b[rest..<o]
                out += open + replacement + close
            } else {
                // The title and the line break after it go.
                out += b[rest..<(newlineBefore ? o - 1 : o)]
                if !newlineBefore && after < b.count && b[after] == UInt8(ascii: "\n") { after += 1 }
            }
            rest = after
        }
        out += b[rest...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The tooltip Graphviz wrote right after a title (`<g id="a_…"><a xlink:title="…">`),
    /// still escaped as the attribute was.
    private static func tooltip(_ b: [UInt8], _ from: Int) -> [UInt8]? {
        var i = from
        while i < b.count && b[i] == UInt8(ascii: "\n") { i += 1 }
        if Bytes.has(Array("<g id=\"".utf8), in: b, at: i) {
            guard let end = Bytes.find(Array("\">".utf8), in: b, from: i) else { return nil }
            i = end + 2
        }
        let start = Array("<a xlink:title=\"".utf8)
        guard Bytes.has(start, in: b, at: i) else { return nil }
        i += start.count
        var j = i
        while j < b.count && b[j] != UInt8(ascii: "\"") { j += 1 }
        return j > i ? Array(b[i..<j]) : nil
    }
}

extension Graphviz {
    /// SVG of a diagram for a report page: Graphviz's, with human titles (`SVGTitles`).
    public static func svg(_ graph: DOTGraph) throws(GraphvizError) -> String {
        SVGTitles.human(try svg(fromDOT: graph.text), graphTitle: graph.attributes["label"])
    }

    /// The same without the drawn title, for a page that sets the title above the drawing; the
    /// title stays the drawing's `<title>` (its accessible name).
    public static func untitledSVG(_ graph: DOTGraph) throws(GraphvizError) -> String {
        var untitled = graph
        untitled.attributes["label"] = nil
        return SVGTitles.human(try svg(fromDOT: untitled.text), graphTitle: graph.attributes["label"])
    }
}
