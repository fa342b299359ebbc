import Foundation
import Testing
@testable import RNNGraph

@Suite("Graphviz rendering")
struct GraphvizTests {
    @Test func rendersSVGWithStableIds() throws {
        var g = DOTGraph(name: "t")
        g.node("h_1", ["label": "h₁"])
        g.node("h_2", ["label": "은닉 상태"])
        g.edge("h_1", "h_2")
        let svg = try Graphviz.svg(fromDOT: g.text)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("id=\"h_1\""))
        #expect(svg.contains("id=\"edge_h_1__h_2\""))
        #expect(svg.contains("은닉 상태"))
    }

    @Test func renderingTwiceGivesTheSameBytes() throws {
        var g = DOTGraph(name: "t")
        for k in 0..<6 {
            var cluster = DOTGraph(name: "cluster_\(k)", attributes: ["label": "step \(k)"])
            cluster.node("a_\(k)")
            cluster.node("b_\(k)")
            g.subgraph(cluster)
            if k > 0 { g.edge("a_\(k - 1)", "b_\(k)") }
        }
        let first = try Graphviz.svg(fromDOT: g.text)
        let second = try Graphviz.svg(fromDOT: g.text)
        #expect(first == second)
    }

    @Test func badDOTIsAnErrorNotACrash() {
        #expect(throws: GraphvizError.self) { try Graphviz.svg(fromDOT: "digraph { a -> }") }
    }
}
