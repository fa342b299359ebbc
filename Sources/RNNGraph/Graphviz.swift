import Foundation
import CGraphviz
import Synchronization

/// Why Graphviz could not turn DOT into SVG.
public struct GraphvizError: Error, Sendable, CustomStringConvertible {
    public var stage: String
    public var message: String
    public var description: String { "Graphviz could not \(stage) the graph: \(message)" }
}

/// Lays out DOT with Graphviz's `dot` engine (or `nop2` for a graph whose `layout` asks for it) and renders SVG in memory, through the C library.
///
/// The only file that imports Graphviz. Calls are serialized (cgraph keeps global error state).
/// Reports must be byte-for-byte reproducible, and with cgraph's default ID discipline they were
/// not: subgraphs are ordered by ID, and a named subgraph's ID is the heap address of its name,
/// so clusters came out (and were laid out) in a different order from one render to the next.
/// The DOT text is therefore parsed with the discipline in `CGraphviz/shim.h`, which numbers
/// subgraphs in declaration order. Each render also gets a fresh context, and everything
/// allocated is freed in reverse order.
public enum Graphviz {
    private static let lock = Mutex(())

    /// SVG for a DOT graph.
    public static func svg(fromDOT dot: String) throws(GraphvizError) -> String {
        try lock.withLock { _ throws(GraphvizError) -> String in
            rnnlab_gv_begin()
            guard let context = gvContext() else {
                throw GraphvizError(stage: "start", message: "no Graphviz context (is the graphviz package installed?)")
            }
            defer { gvFreeContext(context) }
            guard let graph = dot.withCString({ rnnlab_gv_read_dot($0) }) else {
                throw GraphvizError(stage: "parse", message: lastError(or: "invalid DOT"))
            }
            defer { agclose(graph) }
            // A diagram that places its own nodes (the gate-level unrolled graph) asks for nop2.
            guard gvLayout(context, graph, rnnlab_gv_engine(graph)) == 0 else {
                throw GraphvizError(stage: "lay out", message: lastError(or: "the layout engine failed (plugins missing?)"))
            }
            defer { gvFreeLayout(context, graph) }
            var data: UnsafeMutablePointer<CChar>? = nil
            var length = 0
            guard rnnlab_gv_render(context, graph, "svg", &data, &length) == 0, let data else {
                throw GraphvizError(stage: "render", message: lastError(or: "SVG rendering failed"))
            }
            defer { gvFreeRenderData(data) }
            return UnsafeRawBufferPointer(start: data, count: length).withMemoryRebound(to: UInt8.self) {
                String(decoding: $0, as: UTF8.self)
            }
        }
    }

    private static func lastError(or fallback: String) -> String {
        let text = String(cString: rnnlab_gv_errors()).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? fallback : text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
