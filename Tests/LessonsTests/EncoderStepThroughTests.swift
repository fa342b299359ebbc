import Foundation
import RNNCore
import Testing
@testable import Lessons
@testable import Reports

/// The encoder half of an encoder–decoder's step-through: a trace of the encoder read from the
/// whole model's record, whose backward pass starts from what the decoder hands back, and whose
/// equations' terms add up to the recorded derivatives at every step (the last included).
@Suite("Encoder step-through")
struct EncoderStepThroughTests {
    static let cases: [(name: String, encoder: Seq2SeqSide, decoder: Seq2SeqSide)] = {
        func side(_ cell: CellKind, _ h: Int, layers: Int = 1, bidirectional: Bool = false,
                  gru: GRUVariant = .lecture, peephole: Bool = false, activation: Activation = .tanh) -> Seq2SeqSide {
            Seq2SeqSide(cell: cell, embeddingSize: 3, hiddenSize: h, layers: layers, bidirectional: bidirectional,
                        activation: activation, gruVariant: gru, peephole: peephole)
        }
        return [
            ("lstm → lstm", side(.lstm, 4), side(.lstm, 4)),
            ("lstm peephole → lstm", side(.lstm, 4, peephole: true), side(.lstm, 4)),
            ("lstm → gru (c is not handed over)", side(.lstm, 4), side(.gru, 4)),
            ("rnn → rnn", side(.rnn, 4), side(.rnn, 4)),
            ("rnn relu → lstm", side(.rnn, 4, activation: .relu), side(.lstm, 4)),
            ("gru → gru", side(.gru, 4), side(.gru, 4)),
            ("gru reset_after stacked → gru", side(.gru, 4, layers: 2, gru: .resetAfter), side(.gru, 4, layers: 2)),
            ("lstm stacked → lstm", side(.lstm, 4, layers: 2), side(.lstm, 4, layers: 2)),
            ("lstm bidirectional → lstm", side(.lstm, 4, bidirectional: true), side(.lstm, 8)),
        ]
    }()

    /// Every weight uniform in (−0.8, 0.8), so that no term is zero by construction.
    static func trace(_ k: Int) throws -> Seq2SeqTrace {
        let (_, e, d) = cases[k]
        let s2s = try Seq2Seq(Seq2SeqSpec(encoder: e, decoder: d, sourceVocabularySize: 6, targetVocabularySize: 8))
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 1.6 - 0.8
        }
        let parameters = (0..<s2s.parameterCount).map { _ in uniform() }
        return Seq2SeqTrace(model: Seq2SeqModel(seq2seq: s2s, parameters: parameters),
                            pair: Seq2SeqPair(source: [1, 4, 2, 5, 3, 0], target: [3, 2, 7, 4, 5, 6]))
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(a), abs(b)) }

    @Test(arguments: 0..<cases.count)
    func theEncodersTraceIsTheModelsRecordAndStartsFromTheDecoder(_ k: Int) throws {
        let whole = try Self.trace(k)
        let encoder = whole.encoderTrace, decoder = whole.decoderTrace
        let s2s = whole.model.seq2seq, H = s2s.spec.encoder.hiddenSize
        let r = encoder.record.layers[0][0], S = r.steps
        #expect(S == 6 && encoder.model.network.spec.outputSize == 0)
        #expect(encoder.gradient.count + decoder.gradient.count == whole.gradient.count)
        let handed = try #require(encoder.handedBack)
        // What the decoder's first layer received at h_0 (its first H entries: the forward cell's).
        #expect(handed.dh == Array(whole.record.decoder.layers[0][0].dhAt(0).prefix(H)))
        #expect((handed.dc != nil) == (s2s.spec.encoder.cell == .lstm && s2s.spec.decoder.cell == .lstm))
        #expect(handed.dh.contains { $0 != 0 })
        // The decoder's trace is its half run on its own from the bridged state.
        let rerun = Trace(model: decoder.model, sample: decoder.sample)
        #expect(Self.close(rerun.record.loss, whole.record.loss))
        #expect(zip(rerun.record.layers[0][0].dh, decoder.record.layers[0][0].dh).allSatisfy { Self.close($0, $1) })
        #expect(zip(rerun.gradient, decoder.gradient).allSatisfy { Self.close($0, $1) })
    }

    @Test(arguments: 0..<cases.count)
    func termsAddUpToTheRecordTheLastStepIncluded(_ k: Int) throws {
        let (name, e, _) = Self.cases[k]
        let trace = try Self.trace(k).encoderTrace
        let r = trace.record.layers[0][0], H = r.hiddenSize, S = r.steps
        let eq = StepEquations(trace: trace, units: Array(0..<H))
        func term(_ key: String, _ t: Int, _ n: Int) -> Double { eq.term(key, t: t, unit: n) ?? 0 }
        func constant(_ key: String, _ n: Int) -> Double { eq.constants.first { $0.name == key }?.values[n] ?? 0 }
        // No readout: the output term exists only for a stacked encoder (the layer above).
        #expect((eq.terms.contains { $0.name == "e" }) == (e.layers > 1))
        StepEquationTests.expectForwardTermsAddUp(eq, r, name: name)
        for n in 0..<H {
            for t in 0...S {
                let dh = term("e", t, n) + term("dir", t, n) + term("rho", t, n) + term("hand", t, n)
                #expect(Self.close(dh, r.dh[t * H + n]), "\(name) dh t=\(t) unit \(n): \(dh) vs \(r.dh[t * H + n])")
                if e.cell == .lstm {
                    let dc = term("dc.f", t, n) + term("dc.h", t, n) + term("dc.p", t, n) + term("dc.hand", t, n)
                    #expect(Self.close(dc, r.dc[t * H + n]), "\(name) dc t=\(t) unit \(n): \(dc) vs \(r.dc[t * H + n])")
                }
                // What the decoder hands back arrives at the last step only.
                if t < S { #expect(term("hand", t, n) == 0 && term("dc.hand", t, n) == 0) }
            }
            #expect(term("hand", S, n) == trace.handedBack!.dh[n])
        }
    }

    @Test(arguments: 0..<cases.count, ["en", "ko"])
    func templatesNameTheDecodersGradientAndRenderWithSlotsThePageFills(_ k: Int, _ language: String) throws {
        let (name, e, _) = Self.cases[k]
        let trace = try Self.trace(k).encoderTrace
        let eq = StepEquations(trace: trace, units: [0, 1])
        let known = StepEquationTests.resolvable(eq, e.cell)
        let handOver = StepEquations.HandOver(cellState: trace.handedBack?.dc != nil)
        let templates = StepEquations.templates(trace.record.layers[0][0].spec, stacked: e.layers > 1, truncated: false,
                                                handOver: handOver, language: language)
        let tex = Dictionary(uniqueKeysWithValues: templates.map { ($0.key, $0.tex) })
        // The last backward step reads the decoder's dL/dh_0 (and dL/dc_0); a middle step of a
        // one-layer encoder has no output term.
        #expect(tex["bT"]?.contains("\\slot{hand}") == true)
        #expect(tex["bT"]?.contains("\\slot{dc.hand}") == (handOver.cellState))
        #expect(tex["b"]?.contains("\\slot{hand}") == false)
        #expect(tex["b"]?.contains("\\slot{e}") == (e.layers > 1))
        #expect(tex["bT"]?.contains("W_{hy}") == false && tex["b"]?.contains("W_{hy}") == false)
        for (key, tex) in templates {
            let math = try MathML.render(template: tex, display: true)
            #expect(!math.contains("math-error"))
            for slot in math.matches(of: /data-slot="([^"]+)"/).map({ String($0.output.1) }) {
                #expect(known.contains(String(slot.split(separator: ":")[0])), "\(name) \(key): slot \(slot) has nothing to fill it")
            }
        }
    }
}
