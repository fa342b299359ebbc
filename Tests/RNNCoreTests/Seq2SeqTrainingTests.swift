import Testing
@testable import RNNCore

/// The encoder–decoder learns: digit strings of 3–5 digits reversed, held-out strings decoded
/// greedily. (Timing is `rnnlab bench --seq2seq` and benchmarks/seq2seq.py, not a test: a
/// loaded machine must not fail the suite.)
@Suite("Encoder–decoder training")
struct Seq2SeqTrainingTests {
    @Test func reversesHeldOutDigitStrings() throws {
        let side = Seq2SeqSide(cell: .lstm, embeddingSize: 8, hiddenSize: 32)
        let model = try Seq2Seq(Seq2SeqSpec(
            encoder: side, decoder: side, sourceVocabularySize: Seq2SeqToyTask.sourceVocabularySize,
            targetVocabularySize: Seq2SeqToyTask.targetVocabularySize))
        let task = Seq2SeqToyTask.reverse
        let training = task.pairs(count: 2000, lengths: 3...5, seed: 1)
        let heldOut = task.pairs(count: 300, lengths: 3...5, seed: 2, excluding: Set(training.map(\.source)))
        #expect(training.count == 2000 && heldOut.count == 300)
        #expect(Set(heldOut.map(\.source)).isDisjoint(with: training.map(\.source)))
        #expect(training[0].target == training[0].source.reversed().map { $0 + 2 })

        let initial = model.initialParameters(seed: 5)
        let before = model.evaluate(parameters: initial, pairs: heldOut)
        let config = TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: 10, batchSize: 32, seed: 4)
        let result = model.train(parameters: initial, pairs: training, config: config)
        #expect(result.outcome == .completed)
        let after = model.evaluate(parameters: result.parameters, pairs: heldOut)
        #expect(before.exactMatchAccuracy < 0.01)
        #expect(after.exactMatchAccuracy >= 0.9, "held-out exact match \(after.exactMatchAccuracy), by length \(after.byLength.map { ($0.sourceLength, $0.accuracy) })")
        #expect(after.byLength.map(\.sourceLength) == [3, 4, 5])
        #expect(after.meanLoss < before.meanLoss / 10)
        // Deterministic: a second run gives the same bits.
        #expect(model.train(parameters: initial, pairs: Array(training.prefix(64)), config: TrainingConfig(epochs: 1, seed: 4)).parameters
            == model.train(parameters: initial, pairs: Array(training.prefix(64)), config: TrainingConfig(epochs: 1, seed: 4)).parameters)
    }
}
