import Foundation
import RNNCore
import Testing
@testable import Lessons
@testable import Reports

/// The step-through's equations with numbers: the terms add up to what the core recorded, and
/// every template renders with slots the page can fill.
@Suite("Step-through equations")
struct StepEquationTests {
    /// Every cell and variant, and the compositions whose terms come from elsewhere (a layer
    /// above, two directions, truncated BPTT).
    static let cases: [(name: String, spec: NetworkSpec, truncation: Int?)] = {
        func spec(_ cell: CellKind, activation: Activation = .tanh, gru: GRUVariant = .lecture, peephole: Bool = false,
                  layers: Int = 1, bidirectional: Bool = false) -> NetworkSpec {
            NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: Array(repeating: 4, count: layers), outputSize: 2,
                        activation: activation, gruVariant: gru, peephole: peephole, bidirectional: bidirectional)
        }
        return [
            ("rnn tanh", spec(.rnn), nil), ("rnn relu", spec(.rnn, activation: .relu), nil),
            ("rnn linear", spec(.rnn, activation: .linear), nil),
            ("lstm", spec(.lstm), nil), ("lstm peephole", spec(.lstm, peephole: true), nil),
            ("gru lecture", spec(.gru), nil), ("gru reset_after", spec(.gru, gru: .resetAfter), nil),
            ("lstm stacked bidirectional", spec(.lstm, peephole: true, layers: 2, bidirectional: true), nil),
            ("gru stacked", spec(.gru, gru: .resetAfter, layers: 3), nil),
            ("rnn bidirectional", spec(.rnn, bidirectional: true), nil),
            ("lstm truncated", spec(.lstm, peephole: true), 2), ("gru truncated", spec(.gru), 3),
            ("gru simplified", spec(.gru, gru: .simplified), nil), ("gru simplified truncated", spec(.gru, gru: .simplified), 2),
            ("gru simplified stacked bidirectional", spec(.gru, gru: .simplified, layers: 2, bidirectional: true), nil),
        ]
    }()

    static let steps = 7

    /// A trace with every weight drawn uniformly from (−0.8, 0.8), peepholes and biases included,
    /// so that no term is zero by construction.
    static func trace(_ spec: NetworkSpec, truncation: Int?) -> Trace {
        let network = Network(spec)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 1.6 - 0.8
        }
        let parameters = (0..<network.parameterCount).map { _ in uniform() }
        let x = (0..<(steps * spec.inputSize)).map { _ in uniform() }
        let y = (0..<(steps * spec.outputSize)).map { _ in uniform() }
        let sample = Sample(input: .vectors(x, steps: steps), loss: .mseAll, targets: .vectors(y))
        return Trace(model: Model(network: network, parameters: parameters), sample: sample, truncation: truncation)
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }

    /// Forward: each gate's pre-activation is the sum of its terms (the reset_after GRU's
    /// candidate reads r_t times its recurrent part), and the recorded a.g terms are the record's.
    static func expectForwardTermsAddUp(_ eq: StepEquations, _ r: CellRecord, name: String) {
        let H = r.hiddenSize, G = r.gateWidth, spec = r.spec
        func term(_ key: String, _ t: Int, _ n: Int) -> Double { eq.term(key, t: t, unit: n) ?? 0 }
        func constant(_ key: String, _ n: Int) -> Double { eq.constants.first { $0.name == key }?.values[n] ?? 0 }
        let after = spec.kind == .gru && spec.gruVariant == .resetAfter
        for (n, _) in eq.units.enumerated() {
            for t in 1...r.steps {
                for (gi, key) in eq.gateKeys.enumerated() {
                    let recorded = r.preActivations[(t - 1) * G + gi * H + eq.units[n]]
                    var sum = term("x.\(key)", t, n) + term("h.\(key)", t, n) + constant("b.\(key)", n) + term("p.\(key)", t, n)
                    if after {
                        sum = key == "h"
                            ? term("x.h", t, n) + constant("b.h", n) + r.gates[(t - 1) * G + H + eq.units[n]] * (term("h.h", t, n) + constant("bh.h", n))
                            : sum + constant("bh.\(key)", n)
                    }
                    #expect(close(sum, recorded), "\(name) a.\(key) t=\(t) unit \(n): \(sum) vs \(recorded)")
                    if spec.kind != .rnn { #expect(term("a.\(key)", t, n) == recorded) }
                }
            }
        }
    }

    @Test(arguments: 0..<cases.count)
    func termsAddUpToTheRecord(_ k: Int) {
        let (name, spec, truncation) = Self.cases[k]
        let trace = Self.trace(spec, truncation: truncation)
        let r = trace.record.layers[0][0], H = r.hiddenSize, T = r.steps
        let units = Array(0..<H)
        let eq = StepEquations(trace: trace, units: units)
        func term(_ key: String, _ t: Int, _ n: Int) -> Double { eq.term(key, t: t, unit: n) ?? 0 }
        func constant(_ key: String, _ n: Int) -> Double { eq.constants.first { $0.name == key }?.values[n] ?? 0 }
        Self.expectForwardTermsAddUp(eq, r, name: name)
        for n in units {
            for t in 0...T {
                // backward: dL/dh_t from the output, the direct path and the recurrence
                let dh = term("e", t, n) + term("dir", t, n) + term("rho", t, n)
                #expect(Self.close(dh, r.dh[t * H + n]), "\(name) dh t=\(t) unit \(n): \(dh) vs \(r.dh[t * H + n])")
                if spec.cell == .lstm {
                    let dc = term("dc.f", t, n) + term("dc.h", t, n) + term("dc.p", t, n)
                    #expect(Self.close(dc, r.dc[t * H + n]), "\(name) dc t=\(t) unit \(n): \(dc) vs \(r.dc[t * H + n])")
                }
                if spec.cell == .rnn && t > 0 {
                    #expect(Self.close(term("da", t, n), r.dh[t * H + n] * term("dphi", t, n)))
                    #expect(term("da", t, n) == r.dPreActivations[(t - 1) * H + n])
                }
            }
            // The output's part is really there (mse over every step), and the recurrence's.
            #expect(term("e", T, n) != 0 && term("rho", 0, n) != 0)
        }
        if let k = truncation {
            // Where truncation cuts, nothing comes back from t + 1.
            #expect(term("rho", k, 0) == 0 && term("rho", k - 1, 0) != 0)
        }
    }

    /// Every layer and direction of a stacked or bidirectional network, stepped through as its
    /// own trace (`Trace.layerView`): the forward terms add up to that cell's pre-activations
    /// from the input it read, and the backward terms (what came from above, the direct path,
    /// the recurrence) to its recorded dL/dh_t and dL/dc_t.
    @Test(arguments: [7, 8, 9, 14])
    func everyLayerAndDirectionAddsUp(_ k: Int) throws {
        let (name, spec, truncation) = Self.cases[k]
        let full = Self.trace(spec, truncation: truncation)
        for l in spec.hiddenSizes.indices {
            for d in 0..<(spec.bidirectional ? 2 : 1) {
                let view = full.layerView(layer: l, direction: d)
                let r = view.record.layers[0][0], H = r.hiddenSize, T = r.steps
                #expect(r.h == full.record.layers[l][d].h)
                let eq = StepEquations(trace: view, units: Array(0..<H))
                func term(_ key: String, _ t: Int, _ n: Int) -> Double { eq.term(key, t: t, unit: n) ?? 0 }
                Self.expectForwardTermsAddUp(eq, r, name: "\(name) layer \(l + 1) direction \(d)")
                for n in 0..<H {
                    for t in 0...T {
                        let dh = term("e", t, n) + term("dir", t, n) + term("rho", t, n)
                        #expect(Self.close(dh, r.dh[t * H + n], 1e-10), "\(name) layer \(l + 1) direction \(d) dh t=\(t) unit \(n): \(dh) vs \(r.dh[t * H + n])")
                        if spec.cell == .lstm {
                            let dc = term("dc.f", t, n) + term("dc.h", t, n) + term("dc.p", t, n)
                            #expect(Self.close(dc, r.dc[t * H + n], 1e-10), "\(name) layer \(l + 1) direction \(d) dc t=\(t)")
                        }
                    }
                    #expect(term("e", T, n) != 0 || term("e", 1, n) != 0, "\(name) layer \(l + 1) direction \(d): nothing from above")
                }
            }
        }
    }

    /// The names a template's slots may use for this cell: what the script can look up.
    static func resolvable(_ eq: StepEquations, _ kind: CellKind) -> Set<String> {
        var names: Set<String> = ["t", "t-1", "t+1", "j", "h", "dh"]
        names.formUnion(kind == .rnn ? ["a"] : eq.gateKeys.map { "g." + $0 })
        if kind == .lstm { names.formUnion(["c", "dc"]) }
        names.formUnion(eq.terms.map(\.name))
        names.formUnion(eq.constants.map(\.name))
        return names
    }

    @Test(arguments: 0..<cases.count, ["en", "ko"])
    func templatesRenderWithSlotsThePageFills(_ k: Int, _ language: String) throws {
        let (name, spec, truncation) = Self.cases[k]
        let trace = Self.trace(spec, truncation: truncation)
        let eq = StepEquations(trace: trace, units: [0, 1])
        let known = Self.resolvable(eq, spec.cell)
        let templates = StepEquations.templates(trace.record.layers[0][0].spec, stacked: spec.hiddenSizes.count > 1,
                                                truncated: truncation != nil, language: language)
        #expect(templates.map(\.key) == ["f0", "f", "b", "bT", "b0"] + (truncation == nil ? [] : ["bc"]))
        if let cut = templates.first(where: { $0.key == "bc" })?.tex {
            #expect(cut.contains(language == "ko" ? "\\text{(잘린 BPTT: 시점 }\\slot{t+1}\\text{에서 돌아오는 기울기 없음)}"
                                                  : "\\text{(truncated BPTT: nothing flows back from step }\\slot{t+1}\\text{)}"))
        }
        for (key, tex) in templates {
            let math = try MathML.render(template: tex, display: true)
            #expect(math.hasPrefix("<math display=\"block\">") && !math.contains("math-error"))
            let slots = math.matches(of: /data-slot="([^"]+)"/).map { String($0.output.1) }
            #expect(!slots.isEmpty)
            for slot in slots {
                let base = String(slot.split(separator: ":")[0])
                #expect(known.contains(base), "\(name) \(key): slot \(slot) has nothing to fill it")
            }
        }
    }

    /// The page's payload holds the same terms as float32: decoded, they still add up to the
    /// recorded values within float32 rounding.
    @Test(arguments: ["rnn", "lstm", "gru"])
    func embeddedTermsAddUpOnThePage(_ cell: String) throws {
        let text = LessonTests.header + """
            ```rnnlab
            data: {name: d, task: sum, count: 2, length: 5, mean: true}
            model: {name: m, cell: \(cell), input_size: 1, hidden_size: 3, output_size: 1\(cell == "lstm" ? ", peephole: true" : "")}
            step: {}
            show: step_through
            ```
            """
        let html = HTMLWriter.write(try LessonTests().run(text))
        let json = try #require(html.firstMatch(of: /<script type="application\/json" class="st-data">(.*?)<\/script>/)).output.1
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(json.replacingOccurrences(of: "<\\/", with: "</").utf8)) as? [String: Any])
        func floats(_ key: String) throws -> [Double] {
            let text = try #require(payload[key] as? String)
            let bytes = [UInt8](try #require(Data(base64Encoded: text)))
            return stride(from: 0, to: bytes.count, by: 4).map { i -> Double in
                var bits = UInt32(bytes[i])
                bits |= UInt32(bytes[i + 1]) << 8
                bits |= UInt32(bytes[i + 2]) << 16
                bits |= UInt32(bytes[i + 3]) << 24
                return Double(Float(bitPattern: bits))
            }
        }
        let names = try #require(payload["eqNames"] as? [String]), U = try #require(payload["eqUnits"] as? Int)
        let consts = try #require(payload["eqConst"] as? [String: [Double]])
        let T = try #require(payload["T"] as? Int), terms = try floats("eqTerms"), dh = try floats("dh")
        #expect(U == 3 && terms.count == names.count * (T + 1) * U)
        func term(_ name: String, _ t: Int, _ n: Int) -> Double {
            guard let k = names.firstIndex(of: name) else { return 0 }
            return terms[(k * (T + 1) + t) * U + n]
        }
        let tolerance = 1e-6
        for n in 0..<U {
            for t in 0...T {
                let sum = term("e", t, n) + term("dir", t, n) + term("rho", t, n)
                #expect(abs(sum - dh[t * U + n]) <= tolerance * max(1, abs(sum)), "dh t=\(t) unit \(n)")
            }
            if cell == "rnn" {
                let a = try floats("a")
                for t in 1...T {
                    let sum = term("x.h", t, n) + term("h.h", t, n) + (consts["b.h"]?[n] ?? .nan)
                    #expect(abs(sum - a[(t - 1) * U + n]) <= tolerance * max(1, abs(sum)), "a t=\(t) unit \(n)")
                }
            } else {
                let key = cell == "lstm" ? "f" : "z"
                for t in 1...T {
                    let sum = term("x.\(key)", t, n) + term("h.\(key)", t, n) + term("p.\(key)", t, n) + (consts["b.\(key)"]?[n] ?? .nan)
                    #expect(abs(sum - term("a.\(key)", t, n)) <= tolerance * max(1, abs(sum)), "a.\(key) t=\(t) unit \(n)")
                }
            }
        }
        // The templates are on the page, one per case, and rendered MathML.
        #expect(html.matches(of: /<template data-eq="[a-zT0-9]+"><math display="block">/).count == 5)
    }
}
