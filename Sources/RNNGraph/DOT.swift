/// A Graphviz DOT graph built in code and written as deterministic text: statements in the
/// order they were added, attributes sorted by name, every value quoted and escaped.
public struct DOTGraph: Sendable, Equatable {
    public enum Statement: Sendable, Equatable {
        case node(id: String, attributes: [String: String])
        case edge(from: String, to: String, attributes: [String: String])
        case subgraph(DOTGraph)
        /// Nodes drawn on one rank (`{rank=same; …}`).
        case sameRank([String])
    }

    /// The graph's name; a subgraph named `cluster_…` is drawn as a box.
    public var name: String
    public var attributes: [String: String]
    public var nodeDefaults: [String: String]
    public var edgeDefaults: [String: String]
    public var statements: [Statement] = []

    public init(
        name: String, attributes: [String: String] = [:], nodeDefaults: [String: String] = [:],
        edgeDefaults: [String: String] = [:]
    ) {
        self.name = name
        self.attributes = attributes
        self.nodeDefaults = nodeDefaults
        self.edgeDefaults = edgeDefaults
    }

    public mutating func node(_ id: String, _ attributes: [String: String] = [:]) {
        statements.append(.node(id: id, attributes: attributes.merging(["id": id]) { a, _ in a }))
    }

    /// An edge whose SVG id is `edge_FROM__TO` unless one is given.
    public mutating func edge(_ from: String, _ to: String, _ attributes: [String: String] = [:]) {
        statements.append(.edge(from: from, to: to, attributes: attributes.merging(["id": "edge_\(from)__\(to)"]) { a, _ in a }))
    }

    public mutating func subgraph(_ graph: DOTGraph) { statements.append(.subgraph(graph)) }

    public mutating func sameRank(_ ids: [String]) { statements.append(.sameRank(ids)) }

    /// The DOT text of a directed graph.
    public var text: String {
        var out = "digraph \(DOT.quote(name)) {\n"
        write(into: &out, indent: "  ")
        out += "}\n"
        return out
    }

    private func write(into out: inout String, indent: String) {
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            out += "\(indent)\(key)=\(DOT.quote(value));\n"
        }
        if !nodeDefaults.isEmpty { out += "\(indent)node \(DOT.attributeList(nodeDefaults));\n" }
        if !edgeDefaults.isEmpty { out += "\(indent)edge \(DOT.attributeList(edgeDefaults));\n" }
        for statement in statements {
            switch statement {
            case .node(let id, let attributes):
                out += "\(indent)\(DOT.quote(id)) \(DOT.attributeList(attributes));\n"
            case .edge(let from, let to, let attributes):
                out += "\(indent)\(DOT.quote(from)) -> \(DOT.quote(to)) \(DOT.attributeList(attributes));\n"
            case .subgraph(let graph):
                out += "\(indent)subgraph \(DOT.quote(graph.name)) {\n"
                graph.write(into: &out, indent: indent + "  ")
                out += "\(indent)}\n"
            case .sameRank(let ids):
                out += "\(indent){rank=same; \(ids.map(DOT.quote).joined(separator: "; "))}\n"
            }
        }
    }
}

/// Quoting and naming rules for DOT text.
public enum DOT {
    /// A DOT quoted string. Backslashes, quotes and newlines are escaped so no label can end the
    /// string or the graph; `&` becomes `&amp;` because Graphviz passes text that looks like an
    /// XML entity into SVG unchanged (so `&lt;` in a label would otherwise turn into `<`).
    /// Other control characters are dropped.
    public static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "&": out += "&amp;"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `[key="value", …]` sorted by key.
    public static func attributeList(_ attributes: [String: String]) -> String {
        "[" + attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\(quote($0.value))" }.joined(separator: ", ") + "]"
    }

    /// A stable identifier made of letters, digits and underscores, usable as an SVG id.
    public static func id(_ parts: Any...) -> String {
        let joined = parts.map { "\($0)" }.joined(separator: "_")
        return String(joined.unicodeScalars.map { scalar -> Character in
            let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            return ok || scalar == "_" ? Character(scalar) : "_"
        })
    }
}
