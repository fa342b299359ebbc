import ArgumentParser
import Foundation
import RNNCore
import Reports
import RNNGraph

/// What `rnnlab graph` draws.
enum GraphKind: String, ExpressibleByArgument, CaseIterable {
    case unrolled, cell, gradient, shapes, deep
}

enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
    case svg, dot
}

extension DiagramLanguage: ExpressibleByArgument {}

extension RNNLab {
    /// `rnnlab graph`: computation graphs drawn by Graphviz from the model actually being run.
    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a model's computation graph (SVG through Graphviz, or DOT text).",
            discussion: """
                Kinds:
                  unrolled  the network unrolled over T steps (x_t → cell → h_t → y_t → loss); \
                with --gates, every step's gates. Long sequences fold their middle steps.
                  cell      the inside of one cell, gate by gate, as in the equations
                  gradient  the unrolled network with each state edge drawn by ‖dL/dh_t‖ (log \
                scale): a vanishing gradient fades towards t = 1 (needs SEQUENCE.json)
                  shapes    the five shapes of sequence problems (one-to-one … encoder–decoder)
                  deep      stacked and bidirectional layers as a grid a^[l]<t>
                With SEQUENCE.json the real values are in every node's tooltip. Every node and \
                edge has a stable SVG id (h_3, gate_f_3, edge_h_2__cell_3).
                """
        )

        @Argument(help: "The model (JSON, as for rnnlab trace).")
        var model: String

        @Argument(help: "A sequence to run, for values and gradients (JSON, as for rnnlab trace).")
        var sequence: String?

        @Option(help: "What to draw: \(GraphKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: GraphKind = .unrolled

        @Option(help: "svg (laid out by Graphviz) or dot (the DOT text).")
        var format: GraphFormat = .svg

        @Option(name: .shortAndLong, help: "Write to this file (default: standard output).")
        var output: String?

        @Option(help: "Steps to draw when no sequence is given.")
        var steps: Int = 4

        @Option(help: "For --kind cell: the step whose values the tooltips show.")
        var step: Int = 1

        @Option(help: "Steps that stay visible when a long sequence is folded (comma-separated).")
        var show: String?

        @Flag(help: "For --kind unrolled: draw every step's gates.")
        var gates = false

        @Option(help: "Fold the middle of sequences longer than this many steps (0: never fold).")
        var foldAbove: Int = 16

        @Option(help: "Language of the diagram's words: en or ko.")
        var lang: DiagramLanguage = .en

        @Flag(help: ArgumentHelp("Print Graphviz's layout + render time to standard error (benchmarks).", visibility: .hidden))
        var timing = false

        func validate() throws {
            guard steps >= 1 && steps <= 100_000 else { throw ValidationError("--steps must be between 1 and 100000") }
            if kind == .gradient && sequence == nil {
                throw ValidationError("--kind gradient needs a SEQUENCE.json to run backward through time")
            }
            if let show, show.split(separator: ",").contains(where: { Int($0.trimmingCharacters(in: .whitespaces)) == nil }) {
                throw ValidationError("--show takes step numbers separated by commas, like 1,5,10")
            }
        }

        func run() throws {
            let text: String
            do {
                let parsed = try TraceFiles.model(try readInput(model), name: model)
                var trace: RNNCore.Trace? = nil
                if let sequence {
                    let (sample, truncation) = try TraceFiles.sample(try readInput(sequence), name: sequence, model: parsed)
                    trace = RNNCore.Trace(model: parsed, sample: sample, truncation: truncation)
                }
                let dot = diagram(parsed, trace).text
                let start = ContinuousClock.now
                text = format == .dot ? dot : try Graphviz.svg(fromDOT: dot)
                if timing {
                    let d = ContinuousClock.now - start
                    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
                    FileHandle.standardError.write(Data("layout+render \(seconds)\n".utf8))
                }
            } catch let error as InputError {
                fail(error.description)
            } catch let error as GraphvizError {
                fail("\(model): \(error.description)")
            }
            try emit(Array(text.utf8), to: output)
        }

        private func diagram(_ model: Model, _ trace: RNNCore.Trace?) -> DOTGraph {
            let spec = model.network.spec
            let cellSpec = CellSpec(kind: spec.cell, inputSize: spec.inputSize, hiddenSize: spec.hiddenSizes[0],
                                    activation: spec.activation, gruVariant: spec.gruVariant, peephole: spec.peephole)
            let keep = Set((show ?? "").split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            switch kind {
            case .unrolled, .gradient:
                var d = trace.map { UnrolledDiagram(trace: $0, mode: kind == .gradient ? .gradient : .forward) }
                    ?? UnrolledDiagram(spec: cellSpec, steps: steps)
                d.gateLevel = gates
                d.keep = keep
                d.foldThreshold = foldAbove > 0 ? max(foldAbove, 4) : Int.max
                d.language = lang
                return d.dot
            case .cell:
                let record = trace?.record.layers[0][0]
                let t = min(max(step, 1), record?.steps ?? step)
                return CellDiagram.dot(spec: cellSpec, record: record, step: t, language: lang)
            case .shapes:
                return ShapesDiagram.dot(language: lang)
            case .deep:
                return StackedDiagram.dot(spec: spec, steps: trace?.record.steps ?? steps, language: lang)
            }
        }
    }
}

/// Prints one line to standard error and exits 1 (bad input).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(1)
}

/// Writes output bytes to a file (atomically) or to standard output.
func emit(_ bytes: [UInt8], to output: String?) throws {
    if let output {
        do {
            try writeAtomically(bytes, to: output)
        } catch {
            fail("\(output): cannot write (\(describe(error)))")
        }
    } else if !writeAll(bytes, to: STDOUT_FILENO) {
        fail("rnnlab: cannot write to standard output")
    }
}
