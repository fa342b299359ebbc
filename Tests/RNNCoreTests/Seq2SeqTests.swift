import Testing
@testable import RNNCore

/// A random encoder–decoder, its parameters, and pairs of the given lengths (target ids avoid
/// BOS 0 and EOS 1).
func randomSeq2Seq(
    _ spec: Seq2SeqSpec, lengths: [(source: Int, target: Int)], seed: UInt64, scale: Double = 0.5
) throws -> (Seq2Seq, [Double], [Seq2SeqPair]) {
    let model = try Seq2Seq(spec)
    var rng = SplitMix64(seed: seed)
    let parameters = (0..<model.parameterCount).map { _ in scale * rng.normal() }
    let Vs = UInt64(spec.sourceVocabularySize), Vt = UInt64(spec.targetVocabularySize - 2)
    let pairs = lengths.map { lengths in
        Seq2SeqPair(
            source: (0..<lengths.source).map { _ in Int(rng.next() % Vs) },
            target: (0..<lengths.target).map { _ in 2 + Int(rng.next() % Vt) })
    }
    return (model, parameters, pairs)
}

/// The encoder–decoders the tests run: each cell kind on each side, bidirectional, stacked, mixed.
let seq2seqCases: [(String, Seq2SeqSpec)] = {
    func spec(_ e: Seq2SeqSide, _ d: Seq2SeqSide) -> Seq2SeqSpec {
        Seq2SeqSpec(encoder: e, decoder: d, sourceVocabularySize: 7, targetVocabularySize: 9)
    }
    func side(_ cell: CellKind, _ H: Int, layers: Int = 1, bidirectional: Bool = false,
              variant: GRUVariant = .lecture, peephole: Bool = false) -> Seq2SeqSide {
        Seq2SeqSide(cell: cell, embeddingSize: 3, hiddenSize: H, layers: layers,
                    bidirectional: bidirectional, gruVariant: variant, peephole: peephole)
    }
    return [
        ("lstm → lstm", spec(side(.lstm, 4), side(.lstm, 4))),
        ("gru → gru", spec(side(.gru, 4), side(.gru, 4))),
        ("rnn → rnn", spec(side(.rnn, 4), side(.rnn, 4))),
        ("bidirectional lstm → lstm", spec(side(.lstm, 4, bidirectional: true), side(.lstm, 8))),
        ("stacked gru reset_after ×2 → gru ×2",
         spec(side(.gru, 4, layers: 2, variant: .resetAfter), side(.gru, 4, layers: 2, variant: .resetAfter))),
        ("lstm peephole → gru", spec(side(.lstm, 4, peephole: true), side(.gru, 4))),
        ("gru → lstm", spec(side(.gru, 4), side(.lstm, 4))),
        ("stacked bidirectional gru ×2 → lstm ×2",
         spec(side(.gru, 4, layers: 2, bidirectional: true), side(.lstm, 8, layers: 2))),
    ]
}()

/// Pairs of unequal lengths (source and target at least 6), so that a batch of them is padded.
let unequalLengths: [(source: Int, target: Int)] = [(6, 7), (9, 6), (7, 9)]

@Suite("Encoder–decoder")
struct Seq2SeqTests {
    static let caseNames = seq2seqCases.map(\.0)

    static func spec(_ name: String) -> Seq2SeqSpec { seq2seqCases.first { $0.0 == name }!.1 }

    @Test(arguments: caseNames)
    func finiteDifferencesThroughDecoderAndEncoder(_ name: String) throws {
        let (model, parameters, pairs) = try randomSeq2Seq(Self.spec(name), lengths: unequalLengths, seed: 21)
        let batch = Seq2SeqBatch(pairs)
        #expect(batch.sourceMask.contains(false) && batch.targetMask.contains(false), "the batch is padded")
        let checker = GradientCheck()
        let parameterEntries = checker.checkParameters(seq2seq: model, parameters: parameters, batch: batch)
        #expect(parameterEntries.map(\.name) == model.layout.slots.map(\.name))
        // The states of the shortest pair, whose rows of the batch hold the most padding.
        let stateEntries = checker.checkStates(seq2seq: model, parameters: parameters, pair: pairs[0])
        let cells = model.spec.encoder.layers * (model.spec.encoder.bidirectional ? 2 : 1)
            * (model.spec.encoder.cell == .lstm ? 2 : 1)
            + model.spec.decoder.layers * (model.spec.decoder.cell == .lstm ? 2 : 1)
        #expect(stateEntries.count == cells)
        for entry in parameterEntries + stateEntries {
            let w = entry.worst
            #expect(w.error < 1e-6, "\(name): \(entry.name)[\(w.index)] analytic \(w.analytic), numeric \(w.numeric), scale \(maxMagnitude(entry.analytic))")
        }
        // Not vacuous: the gradient crosses the bridge into every encoder weight and state.
        for entry in parameterEntries where entry.name.hasPrefix("encoder.") {
            #expect(maxMagnitude(entry.analytic) > 1e-6, "\(name): no gradient reaches \(entry.name)")
        }
        for entry in stateEntries where entry.name.hasPrefix("encoder.") && entry.name.hasSuffix(".dh") {
            #expect(maxMagnitude(entry.analytic) > 1e-6, "\(name): no gradient reaches \(entry.name)")
        }
    }

    @Test(arguments: caseNames)
    func paddingChangesNeitherLossNorGradient(_ name: String) throws {
        let (model, parameters, pairs) = try randomSeq2Seq(Self.spec(name), lengths: unequalLengths, seed: 22)
        // One by one, summed in order and scaled by 1/B (as training scales each batch).
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: model.parameterCount)
        for pair in pairs {
            let (record, g) = model.lossAndGradient(parameters: parameters, pair: pair)
            loss += record.loss
            for k in gradient.indices { gradient[k] += g[k] }
        }
        let scale = 1 / Double(pairs.count)
        loss *= scale
        for k in gradient.indices { gradient[k] *= scale }
        // Padded with 0, with a real token id, and with garbage no vocabulary holds.
        let zeros = Seq2SeqBatch(pairs)
        let fives = Seq2SeqBatch(pairs, padding: 5)
        var garbage = SplitMix64(seed: 9)
        let junk = try Seq2SeqBatch(
            count: zeros.count,
            sources: zip(zeros.sources, zeros.sourceMask).map { $1 ? $0 : Int(garbage.next() % 2000) - 1000 },
            sourceMask: zeros.sourceMask,
            targets: zip(zeros.targets, zeros.targetMask).map { $1 ? $0 : Int(garbage.next() % 2000) - 1000 },
            targetMask: zeros.targetMask)
        #expect(zeros.pairs == pairs && junk.pairs == pairs)
        for batch in [zeros, fives, junk] {
            let result = model.lossAndGradient(parameters: parameters, batch: batch)
            #expect(result.loss == loss, "\(name): batch loss \(result.loss), one by one \(loss)")
            #expect(result.gradient == gradient, "\(name): the batch's gradient differs from the pairs' one by one")
            #expect(result.records.map(\.loss) == pairs.map { model.forward(parameters: parameters, pair: $0).loss })
        }
    }

    @Test func theBridgeHandsOverTheLastStates() throws {
        let (model, parameters, pairs) = try randomSeq2Seq(
            Self.spec("stacked bidirectional gru ×2 → lstm ×2"), lengths: [(6, 6)], seed: 23)
        let record = model.forward(parameters: parameters, pair: pairs[0])
        let S = record.encoder.steps
        for l in 0..<2 {
            let handed = Array(record.encoder.layers[l][0].hidden(at: S)) + Array(record.encoder.layers[l][1].hidden(at: S))
            #expect(Array(record.decoder.layers[l][0].hidden(at: 0)) == handed, "layer \(l + 1): h_0 = [h→_S ; h←_1]")
            #expect(record.decoder.layers[l][0].cell(at: 0).allSatisfy { $0 == 0 }, "a GRU hands over no c")
        }
        // lstm → lstm hands over c too; lstm → gru does not (and c_S then gets no gradient from the decoder).
        let (lstm, p, pair) = try randomSeq2Seq(Self.spec("lstm → lstm"), lengths: [(6, 6)], seed: 24)
        var r = lstm.forward(parameters: p, pair: pair[0])
        _ = lstm.backward(parameters: p, record: &r)
        #expect(Array(r.decoder.layers[0][0].cell(at: 0)) == Array(r.encoder.layers[0][0].cell(at: 6)))
        #expect(Array(r.encoder.layers[0][0].dcAt(6)) != Array(repeating: 0.0, count: 4))
        let (mixed, q, pair2) = try randomSeq2Seq(Self.spec("lstm peephole → gru"), lengths: [(6, 6)], seed: 24)
        var m = mixed.forward(parameters: q, pair: pair2[0])
        _ = mixed.backward(parameters: q, record: &m)
        let S2 = m.encoder.steps
        let dcLast = Array(m.encoder.layers[0][0].dcAt(S2)), dhLast = Array(m.encoder.layers[0][0].dhAt(S2))
        // Only the path c_S → h_S = o ⊙ tanh(c_S) is left: dc_S = dh_S ⊙ o_S ⊙ tanh′(c_S).
        let o = Array(m.encoder.layers[0][0].gate(3, at: S2)), c = Array(m.encoder.layers[0][0].cell(at: S2))
        for j in 0..<4 {
            let t = Elementwise.tanh(c[j])
            #expect(abs(dcLast[j] - dhLast[j] * o[j] * (1 - t) * (1 + t)) <= 1e-15 * max(1, abs(dcLast[j])))
        }
    }

    @Test func specsThatCannotWorkAreRefusedByField() {
        let lstm4 = Seq2SeqSide(cell: .lstm, embeddingSize: 3, hiddenSize: 4)
        func problem(_ spec: Seq2SeqSpec) -> Seq2SeqSpec.Problem? {
            do { _ = try Seq2Seq(spec); return nil } catch { return error }
        }
        var bi = lstm4
        bi.bidirectional = true
        let widths = problem(Seq2SeqSpec(encoder: bi, decoder: lstm4, sourceVocabularySize: 5, targetVocabularySize: 5))
        #expect(widths?.field == "decoder.hidden_size")
        #expect(widths?.message.contains("2 × 4 = 8") == true)
        #expect(problem(Seq2SeqSpec(encoder: lstm4, decoder: bi, sourceVocabularySize: 5, targetVocabularySize: 5))?.field == "decoder.bidirectional")
        var two = lstm4
        two.layers = 2
        #expect(problem(Seq2SeqSpec(encoder: two, decoder: lstm4, sourceVocabularySize: 5, targetVocabularySize: 5))?.field == "decoder.num_layers")
        #expect(problem(Seq2SeqSpec(encoder: lstm4, decoder: lstm4, sourceVocabularySize: 5, targetVocabularySize: 5, bos: 2, eos: 2))?.field == "eos")
        #expect(problem(Seq2SeqSpec(encoder: lstm4, decoder: lstm4, sourceVocabularySize: 5, targetVocabularySize: 1))?.field == "target_vocab_size")
        #expect(problem(Seq2SeqSpec(encoder: lstm4, decoder: lstm4, sourceVocabularySize: 5, targetVocabularySize: 5)) == nil)
        let spec = Seq2SeqSpec(encoder: lstm4, decoder: lstm4, sourceVocabularySize: 5, targetVocabularySize: 5)
        #expect(spec.problem(with: Seq2SeqPair(source: [], target: [2]))?.field == "source")
        #expect(spec.problem(with: Seq2SeqPair(source: [5], target: [2]))?.field == "source[0]")
        #expect(spec.problem(with: Seq2SeqPair(source: [1], target: [2, 1]))?.field == "target[1]")
        #expect(spec.problem(with: Seq2SeqPair(source: [1], target: [0]))?.message.contains("BOS") == true)
        #expect(spec.problem(with: Seq2SeqPair(source: [1], target: [])) == nil)
    }

    @Test func aMaskWithAGapIsRefused() {
        #expect(throws: Seq2SeqSpec.Problem.self) {
            try Seq2SeqBatch(count: 1, sources: [1, 2, 3], sourceMask: [true, false, true],
                             targets: [2], targetMask: [true])
        }
        #expect(throws: Seq2SeqSpec.Problem.self) {
            try Seq2SeqBatch(count: 2, sources: [1, 2, 3], sourceMask: [true, true, true],
                             targets: [2, 2], targetMask: [true, true])
        }
    }

    @Test func weightNamesFollowTheTwoHalves() throws {
        let model = try Seq2Seq(Self.spec("stacked bidirectional gru ×2 → lstm ×2"))
        let names = model.layout.slots.map(\.name)
        #expect(names.first == "encoder.E")
        for name in ["encoder.layer1.forward.W_xz", "encoder.layer2.backward.b_h", "decoder.E", "decoder.layer2.W_hf", "W_hy", "b_y"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(model.layout.slot(named: "encoder.layer2.forward.W_xz")?.shape == [4, 8])
        #expect(model.layout.slot(named: "W_hy")?.shape == [9, 8])
        #expect(!names.contains("encoder.W_hy"))
        #expect(model.encoderParameters(Array(repeating: 0, count: model.parameterCount)).count == model.encoder.parameterCount)
        let p = model.initialParameters(seed: 3)
        #expect(p.count == model.parameterCount && p == model.initialParameters(seed: 3))
    }
}

@Suite("Encoder–decoder generation")
struct Seq2SeqGenerationTests {
    /// Step-at-a-time decoding carries every layer's h (and c) itself: the teacher-forced pass
    /// over what it wrote must give the same probabilities at every step.
    @Test(arguments: Seq2SeqTests.caseNames)
    func greedyOutputIsWhatTheTeacherForcedPassGivesForIt(_ name: String) throws {
        let (model, parameters, pairs) = try randomSeq2Seq(Seq2SeqTests.spec(name), lengths: [(6, 6)], seed: 31, scale: 1)
        let output = model.generate(parameters: parameters, source: pairs[0].source, maxLength: 12)
        #expect(output.probabilities.count == output.tokens.count + (output.endedWithEOS ? 1 : 0))
        #expect(!output.tokens.contains(model.spec.bos))
        let record = model.forward(parameters: parameters, pair: Seq2SeqPair(source: pairs[0].source, target: output.tokens))
        let V = model.spec.targetVocabularySize
        for (t, p) in output.probabilities.enumerated() {
            let expected = softmax(Array(record.decoder.y[(t * V)..<((t + 1) * V)]), temperature: 1)
            for k in 0..<V { #expect(abs(p[k] - expected[k]) <= 1e-13, "\(name): step \(t + 1), token \(k)") }
            let top = output.top(1, atStep: t + 1)[0]
            if t < output.tokens.count { #expect(top.token == output.tokens[t] || top.token == model.spec.bos) }
        }
    }

    @Test func generationStopsAtTheLengthLimit() throws {
        let (model, parameters, pairs) = try randomSeq2Seq(seq2seqCases[0].1, lengths: [(6, 6)], seed: 32)
        var p = parameters
        // b_y[EOS] very negative: the decoder never ends by itself.
        p[model.layout.slot(named: "b_y")!.offset + model.spec.eos] = -1e3
        let output = model.generate(parameters: p, source: pairs[0].source, maxLength: 5)
        #expect(output.tokens.count == 5 && !output.endedWithEOS)
        // b_y[EOS] very positive: it ends at once.
        p[model.layout.slot(named: "b_y")!.offset + model.spec.eos] = 1e3
        let ended = model.generate(parameters: p, source: pairs[0].source, maxLength: 5)
        #expect(ended.tokens.isEmpty && ended.endedWithEOS && ended.probabilities.count == 1)
    }

    @Test func temperatureSamplingIsSeeded() throws {
        let (model, parameters, pairs) = try randomSeq2Seq(seq2seqCases[1].1, lengths: [(6, 6)], seed: 33)
        func sample(_ tau: Double, seed: UInt64) -> [Int] {
            var rng = SplitMix64(seed: seed)
            return model.generate(parameters: parameters, source: pairs[0].source, maxLength: 20, decoding: .temperature(tau), rng: &rng).tokens
        }
        #expect(sample(1.5, seed: 1) == sample(1.5, seed: 1))
        let draws = Set((1...8).map { sample(1.5, seed: $0) })
        #expect(draws.count > 1, "different seeds give different samples")
        // A vanishing temperature is greedy.
        #expect(sample(1e-9, seed: 4) == model.generate(parameters: parameters, source: pairs[0].source, maxLength: 20).tokens)
    }
}

@Suite("Encoder–decoder halves as networks")
struct Seq2SeqHalvesTests {
    @Test(arguments: Seq2SeqTests.caseNames)
    func eachHalfIsAnOrdinaryNetwork(_ name: String) throws {
        let (model, parameters, pairs) = try randomSeq2Seq(Seq2SeqTests.spec(name), lengths: [(6, 7)], seed: 41)
        var record = model.forward(parameters: parameters, pair: pairs[0])
        let gradient = model.backward(parameters: parameters, record: &record)
        let (_, decoderSample) = model.samples(for: record)
        let decoderParameters = model.decoderParameters(parameters)
        // The decoder alone, from the bridged states: the same record and decoder gradient.
        let (alone, g) = model.decoder.lossAndGradient(parameters: decoderParameters, sample: decoderSample)
        #expect(alone.loss == record.loss && alone.y == record.decoder.y)
        #expect(alone.layers.map { $0[0].dh } == record.decoder.layers.map { $0[0].dh })
        #expect(g == Array(gradient[(model.parameterCount - g.count)...]))
        // The encoder's Jacobian norms as for any network: S + 1 of them, ending at 1.
        let norms = model.encoder.jacobianNorms(
            parameters: model.encoderParameters(parameters), record: record.encoder, layer: 0, direction: 0)
        #expect(norms.count == 7 && norms.last == 1)
        let steps = LossKind.xentAll.stepLosses(
            y: record.decoder.y, steps: record.decoder.steps, outputSize: model.spec.targetVocabularySize,
            targets: decoderSample.targets)
        #expect(abs(steps.reduce(0, +) - record.loss) <= 1e-15 * record.loss)
    }
}
