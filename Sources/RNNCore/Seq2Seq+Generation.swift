import Foundation

/// How the decoder picks each next token when it generates (BOS is never picked: it is only
/// ever an input).
public enum Seq2SeqDecoding: Sendable, Equatable {
    /// The most probable token (the lowest id on a tie).
    case greedy
    /// A draw from softmax(y_t / τ), τ > 0, with the caller's SplitMix64: τ < 1 sharpens the
    /// distribution towards greedy, τ > 1 flattens it.
    case temperature(Double)
}

/// What the decoder wrote for one source.
public struct Seq2SeqGeneration: Sendable, Equatable {
    /// The generated tokens, without BOS and without EOS.
    public var tokens: [Int]
    /// Whether generation stopped at EOS (false: it reached the length limit).
    public var endedWithEOS: Bool
    /// softmax(y_t) over the target vocabulary at every decoder step (τ = 1 whatever the
    /// decoding: the model's own probabilities), one row per step: tokens.count rows, plus one
    /// for the step that gave EOS.
    public var probabilities: [[Double]]

    /// The k most probable tokens at decoder step t (1-based) with their probabilities, most
    /// probable first (lower id first on a tie).
    public func top(_ k: Int, atStep t: Int) -> [(token: Int, probability: Double)] {
        let p = probabilities[t - 1]
        return p.indices.sorted { p[$0] != p[$1] ? p[$0] > p[$1] : $0 < $1 }
            .prefix(k).map { ($0, p[$0]) }
    }
}

extension Seq2Seq {
    /// Greedy decoding of `source`: at most `maxLength` tokens besides EOS.
    public func generate(parameters: [Double], source: [Int], maxLength: Int) -> Seq2SeqGeneration {
        var unused = SplitMix64(seed: 0)  // greedy draws nothing
        return generate(parameters: parameters, source: source, maxLength: maxLength, decoding: .greedy, rng: &unused)
    }

    /// Encodes `source`, then runs the decoder one step at a time from BOS, each step fed the
    /// token the previous one picked, until it picks EOS or has written `maxLength` tokens.
    /// Temperature sampling draws one `rng.uniform()` per step, so a seed fixes the output.
    /// The source must pass `spec.problem(with:)` (with any target); τ must be positive.
    public func generate(
        parameters: [Double], source: [Int], maxLength: Int, decoding: Seq2SeqDecoding,
        rng: inout SplitMix64
    ) -> Seq2SeqGeneration {
        precondition(parameters.count == layout.count, "parameter vector has the wrong size")
        precondition(spec.problem(with: Seq2SeqPair(source: source, target: [])) == nil, "invalid source")
        if case .temperature(let tau) = decoding { precondition(tau > 0, "temperature must be positive") }
        let encoderParameters = encoderParameters(parameters), decoderParameters = decoderParameters(parameters)
        let encoded = encoder.forward(
            parameters: encoderParameters,
            sample: encoderSample(Seq2SeqPair(source: source, target: [])))
        var (h, c) = bridge(encoded)
        var output = Seq2SeqGeneration(tokens: [], endedWithEOS: false, probabilities: [])
        var previous = spec.bos
        let V = spec.targetVocabularySize
        while output.tokens.count < maxLength {
            // One decoder step from the carried states: the same cells and record as training.
            var step = Sample(input: .tokens([previous]), loss: .xentAll, targets: .classes([spec.eos]), h0: h[0], c0: c?[0])
            if h.count > 1 {
                step.upperH0 = Array(h[1...])
                step.upperC0 = c.map { Array($0[1...]) }
            }
            let record = decoder.forward(parameters: decoderParameters, sample: step)
            let logits = Array(record.y[0..<V])
            output.probabilities.append(softmax(logits, temperature: 1))
            let token = pick(logits, decoding, rng: &rng)
            if token == spec.eos {
                output.endedWithEOS = true
                break
            }
            output.tokens.append(token)
            previous = token
            h = record.layers.map { Array($0[0].hidden(at: 1)) }
            // An LSTM decoder carries its own c from here on, even if the bridge gave it none.
            if spec.decoder.cell == .lstm { c = record.layers.map { Array($0[0].cell(at: 1)) } }
        }
        return output
    }

    /// The next token from the logits, BOS excluded.
    private func pick(_ logits: [Double], _ decoding: Seq2SeqDecoding, rng: inout SplitMix64) -> Int {
        var masked = logits
        masked[spec.bos] = -.infinity
        switch decoding {
        case .greedy:
            var best = spec.bos == 0 ? 1 : 0
            for k in masked.indices where masked[k] > masked[best] { best = k }
            return best
        case .temperature(let tau):
            let p = softmax(masked, temperature: tau)
            let u = rng.uniform()
            var cumulative = 0.0
            var last = 0
            for k in p.indices where p[k] > 0 {
                cumulative += p[k]
                last = k
                if u < cumulative { return k }
            }
            return last  // u beyond the rounded total
        }
    }
}

/// softmax(y / τ), computed from the largest entry down so that nothing overflows; entries of
/// −∞ get probability 0.
func softmax(_ y: [Double], temperature tau: Double) -> [Double] {
    let top = y.max() ?? 0
    var p = y.map { exp(($0 - top) / tau) }
    let sum = p.reduce(0, +)
    for k in p.indices { p[k] /= sum }
    return p
}
