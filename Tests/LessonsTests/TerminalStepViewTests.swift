import Foundation
import RNNCore
import Testing
@testable import Lessons

/// The terminal step-through's frames: every cell and variant fits an 80 × 24 terminal, each
/// unit equation ends in the value the core recorded, and the backward pass draws every step on
/// one scale.
@Suite("Terminal step-through")
struct TerminalStepViewTests {
    static func view(_ spec: NetworkSpec, language: String = "en") -> TerminalStepView {
        TerminalStepView(trace: StepEquationTests.trace(spec, truncation: nil), language: language)
    }

    /// Terminal columns as TextLine counts them: Hangul two.
    func columns(_ s: String) -> Int { TextLine.width(s) }

    @Test(arguments: StepEquationTests.cases.map(\.name))
    func everyFrameFitsEightyByTwentyFour(name: String) {
        let spec = StepEquationTests.cases.first { $0.name == name }!.spec
        for language in ["en", "ko"] {
            let v = Self.view(spec, language: language)
            for pass in [TerminalStepView.Pass.forward, .backward] {
                for t in v.order(pass) {
                    let lines = v.frame(.init(pass: pass, t: t, unit: 3), width: 80, height: 24, color: true)
                    #expect(lines.count <= 24)
                    // Escape codes take no columns; what is left fits.
                    for line in lines {
                        let visible = line.replacingOccurrences(of: #"\u{1B}\[[0-9;]*m"#, with: "", options: .regularExpression)
                        #expect(columns(visible) <= 80, "\(name) \(language) \(pass) t=\(t): \(visible)")
                    }
                    // The chosen unit's equation is there, whatever the height left for it.
                    #expect(lines.contains { $0.contains("[4] =") }, "\(name) \(pass) t=\(t)")
                }
            }
        }
    }

    @Test func unitEquationsEndInTheRecordedValue() {
        let spec = NetworkSpec(cell: .lstm, inputSize: 3, hiddenSizes: [4], outputSize: 2, peephole: true)
        let trace = StepEquationTests.trace(spec, truncation: nil)
        let v = TerminalStepView(trace: trace, language: "en")
        let r = trace.record.layers[0][0]
        for t in 1...r.steps {
            let lines = v.frame(.init(pass: .forward, t: t, unit: 2), width: 120, height: 60, color: false)
            let h = lines.first { $0.hasPrefix("h_t[3] =") }!
            #expect(h.hasSuffix("= " + TerminalStepView.number(r.hidden(at: t)[r.hidden(at: t).startIndex + 2])), "\(h)")
            let back = v.frame(.init(pass: .backward, t: t, unit: 2), width: 120, height: 60, color: false)
            let dh = back.first { $0.hasPrefix("dL/dh_t[3] =") }!
            #expect(dh.hasSuffix("= " + TerminalStepView.number(r.dhAt(t)[r.dhAt(t).startIndex + 2])), "\(dh)")
        }
    }

    @Test func theBackwardPassHasOneScale() {
        // Full blocks only where |dL/dh_t| is the pass's largest; small gradients look small.
        let spec = NetworkSpec(cell: .rnn, inputSize: 1, hiddenSizes: [1], outputSize: 1)
        let trace = StepEquationTests.trace(spec, truncation: nil)
        let v = TerminalStepView(trace: trace, language: "en")
        let r = trace.record.layers[0][0]
        let norms = (0...r.steps).map { abs(r.dhAt($0).first!) }
        let top = norms.max()!
        for t in 0...r.steps {
            let row = v.frame(.init(pass: .backward, t: t, unit: 0), width: 80, height: 40, color: false)
                .first { $0.hasPrefix("dL/dh_t ") }!
            let block = row.dropFirst(TerminalStepView.labelWidth).first!
            let expected = TerminalStepView.block(norms[t], scale: top)
            #expect(String(block) == expected, "t=\(t): \(row)")
        }
        #expect(TerminalStepView.block(top / 30, scale: top) == "░")
        #expect(TerminalStepView.block(top, scale: top) == "█")
    }

    @Test func navigationKeepsThePlace() {
        let v = Self.view(NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2))
        var p = v.start(.forward)
        #expect(p.t == 1)
        p = v.stepping(p, by: 3)
        #expect(p.t == 4)
        p = v.switching(p, to: .backward)
        #expect(p.pass == .backward && p.t == 4)
        #expect(v.stepping(p, by: 1).t == 3)   // n: backward goes back in time
        #expect(v.moving(p, by: 1).t == 5)     // →: later in time, whatever the pass
        #expect(v.stepping(p, by: 100).t == 0) // the end of the backward pass is t = 0
        #expect(v.switching(TerminalStepView.Position(pass: .backward, t: 0, unit: 1), to: .forward).t == 1)
    }

    @Test func simplifiedGRUShowsItsTwoGatesAndItsEquations() {
        // Course notes 04's simplified GRU: z and h̃ only, h_t = z·h̃ + (1 − z)·h_{t−1} with its numbers.
        let trace = StepEquationTests.trace(NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2, gruVariant: .simplified),
                                            truncation: nil)
        let v = TerminalStepView(trace: trace, language: "en")
        let forward = v.frame(.init(pass: .forward, t: 3, unit: 1), width: 120, height: 60, color: false).joined(separator: "\n")
        #expect(forward.contains("GRU (simplified)") && forward.contains("z_t ") && forward.contains("h̃_t "))
        #expect(!forward.contains("r_t"))
        #expect(forward.contains("h̃_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)") && forward.contains("h_t[2] = z·h̃ + (1 - z)·h_{t-1}"))
        let r = trace.record.layers[0][0]
        let (z, cand, hPrev) = (r.gate(0, at: 3)[r.gate(0, at: 3).startIndex + 1], r.gate(1, at: 3)[r.gate(1, at: 3).startIndex + 1], r.h[2 * 4 + 1])
        #expect(abs(z * cand + (1 - z) * hPrev - r.h[3 * 4 + 1]) < 1e-15)
        let backward = v.frame(.init(pass: .backward, t: 3, unit: 1), width: 120, height: 60, color: false).joined(separator: "\n")
        #expect(backward.contains("dL/dh_t[2] = e + d + ρ"))
    }

    @Test func cellNumbersAreSixColumns() {
        for v in [0, 0.5234, -0.5234, 12.345, -123.45, 3e-5, -3e-5, 1234.5, 1e300, .nan, .infinity] {
            #expect(TerminalStepView.cellNumber(v).count == 6, "\(v): '\(TerminalStepView.cellNumber(v))'")
        }
    }
}
