import Foundation
import Testing
@testable import RNNCore
@testable import RNNGraph
import Reports

/// Graphs drawn for the width they are shown at (issue 11): folding by width, the gate-level
/// graph's columns, and the colour key.
@Suite("Fitting graphs to widths")
struct FittingTests {
    @Test func foldedStepsKeepFirstLastAndAskedSteps() {
        #expect(foldedSteps(5, limit: 8) == [1, 2, 3, 4, 5])
        #expect(foldedSteps(10, limit: 2) == [1, 10])
        #expect(foldedSteps(10, limit: 4) == [1, 2, 9, 10])
        #expect(foldedSteps(10, limit: 5) == [1, 2, 8, 9, 10])
        // Kept steps count towards the limit, and are never dropped even past it.
        #expect(foldedSteps(10, keep: [5], limit: 4) == [1, 5, 9, 10])
        #expect(foldedSteps(10, keep: [4, 5, 6], limit: 2) == [1, 4, 5, 6, 10])
    }

    /// Each drawing reads at its width without scrolling (unless even the fewest steps cannot),
    /// narrower widths never draw more steps, and every drawing keeps the steps asked for.
    @Test(arguments: [false, true])
    func variantsFitTheirWidthsAndKeepAskedSteps(gates: Bool) throws {
        let spec = DiagramTests.specs[1].1
        var d = UnrolledDiagram(trace: DiagramTests.trace(spec, steps: 12))
        d.gateLevel = gates
        d.keep = [6]
        let variants = try d.fitted()
        #expect(Set(variants.flatMap(\.widths)) == Set(FitWidth.allCases))
        #expect(variants.count >= 2)
        for (a, b) in zip(variants, variants.dropFirst()) { #expect(a.steps > b.steps) }
        for v in variants {
            let body = String(v.svg[v.svg.range(of: "<svg")!.lowerBound...])
            let width = try #require(Legibility.minimumWidth(body))
            let narrowest = v.widths.map(\.pixels).min()!
            #expect(width <= narrowest || v.steps == 3, "\(v.steps) steps need \(width) px at \(v.widths)")
            let ids = DiagramTests.ids(v.svg)
            for t in [1, 6, 12] { #expect(ids.contains(gates ? "gate_f_\(t)" : "cell_\(t)"), "\(v.widths): step \(t) folded away") }
            // The title is the page's to show: the drawing has none of its own.
            #expect(!v.svg.contains("\">LSTM, T = 12") && v.svg.contains("<title>LSTM, T = 12"))
        }
    }

    /// The gate-level graph: every step's nodes at the same place in their column.
    @Test(arguments: DiagramTests.specs.map(\.0))
    func gateLevelStepsAreIdenticalColumns(name: String) throws {
        let spec = DiagramTests.specs.first { $0.0 == name }!.1
        var d = UnrolledDiagram(trace: DiagramTests.trace(spec, steps: 3))
        d.gateLevel = true
        let svg = try Graphviz.svg(d.dot)
        // Each node's centre: where Graphviz sets its (first line of) label, centred.
        func point(_ id: String) throws -> (Double, Double) {
            let start = try #require(svg.range(of: "<g id=\"\(id)\" class=\"node\">"))
            let text = svg[start.upperBound...]
            let p = try #require(text.range(of: #"<text text-anchor="middle" x="-?[0-9.]+" y="-?[0-9.]+""#, options: .regularExpression))
            let numbers = text[p].split { !"0123456789.-".contains($0) }.compactMap { Double($0) }
            return (numbers[0], numbers[1])
        }
        let bases = DiagramTests.gateIds[spec.kind]!.filter { base in
            !(spec.gruVariant == .simplified && (base == "gate_r" || base == "op_rh"))
        } + ["x"]
        var columnWidth: Double?
        for base in bases {
            let p1 = try point("\(base)_1"), p2 = try point("\(base)_2"), p3 = try point("\(base)_3")
            #expect(abs(p1.1 - p2.1) < 0.5 && abs(p2.1 - p3.1) < 0.5, "\(name): \(base) changes height from step to step")
            let w = p2.0 - p1.0
            #expect(abs((p3.0 - p2.0) - w) < 0.5, "\(name): \(base) columns unevenly spaced")
            if let c = columnWidth { #expect(abs(c - w) < 0.5, "\(name): \(base) not in its step's column") } else { columnWidth = w }
        }
        for state in spec.hasCellState ? ["h", "c"] : ["h"] {
            let ys = try (0...3).map { try point("\(state)_\($0)").1 }
            #expect(ys.allSatisfy { abs($0 - ys[0]) < 0.5 }, "\(name): the \(state) line is not straight")
        }
    }

    /// The stacked and bidirectional grid: every step a column (its input, output and each
    /// layer's nodes at one x, a bidirectional layer's two directions either side of it), every
    /// row at one height; folded steps leave the first and last columns.
    @Test(arguments: [false, true])
    func stackedGridIsAlignedInColumns(bidirectional: Bool) throws {
        let spec = NetworkSpec(cell: .lstm, inputSize: 2, hiddenSizes: [3, 3], outputSize: 1, bidirectional: bidirectional)
        let svg = try Graphviz.svg(StackedDiagram.dot(spec: spec, steps: 4))
        func point(_ id: String) throws -> (Double, Double) {
            let start = try #require(svg.range(of: "<g id=\"\(id)\" class=\"node\">"), "\(id)")
            let text = svg[start.upperBound...]
            let p = try #require(text.range(of: #"<text text-anchor="middle" x="-?[0-9.]+" y="-?[0-9.]+""#, options: .regularExpression))
            let numbers = text[p].split { !"0123456789.-".contains($0) }.compactMap { Double($0) }
            return (numbers[0], numbers[1])
        }
        let rows = ["x"] + (1...2).flatMap { l in bidirectional ? ["af_\(l)", "ab_\(l)"] : ["a_\(l)"] } + ["y"]
        for t in 1...4 {
            let centre = try point("x_\(t)").0
            for r in rows {
                let p = try point("\(r)_\(t)")
                let expected = r.hasPrefix("af") ? centre - StackedDiagram.offset : r.hasPrefix("ab") ? centre + StackedDiagram.offset : centre
                #expect(abs(p.0 - expected) < 0.5, "\(r)_\(t) is out of its column")
                #expect(abs(p.1 - (try point("\(r)_1")).1) < 0.5, "row \(r) is not level")
            }
        }
        var folded = StackedDiagram(spec: spec, steps: 8)
        folded.maxVisible = 3
        let ids = DiagramTests.ids(try Graphviz.svg(folded.dot))
        #expect(ids.contains("x_1") && ids.contains("x_8") && ids.contains("x_7") && !ids.contains("x_4"))
        #expect(ids.contains("fold_2_6"))
    }

    @Test func colourKeyNamesWhatTheDiagramUses() {
        let spec = DiagramTests.specs[2].1  // LSTM with peepholes
        var d = UnrolledDiagram(trace: DiagramTests.trace(spec, steps: 20))
        d.gateLevel = true
        let en = GraphLegend.entries(d.dot, language: .en).map(\.label)
        for word in ["input x_t", "hidden state h_t", "cell state c_t", "gate (σ, tanh)", "output y_t", "loss L", "peepholes", "folded steps"] {
            #expect(en.contains { $0.contains(word) }, "\(word) missing from \(en)")
        }
        let ko = GraphLegend.entries(d.dot, language: .ko).map(\.label)
        #expect(ko.contains("셀 상태 c_t") && ko.count == en.count)
        // The compact graph has cells and no gates.
        let compact = GraphLegend.entries(UnrolledDiagram(trace: DiagramTests.trace(DiagramTests.specs[0].1, steps: 3)).dot, language: .en).map(\.label)
        #expect(compact.contains { $0.hasPrefix("cell:") } && !compact.contains { $0.hasPrefix("gate") })
    }
}
