import ArgumentParser
import Foundation
import RNNCore

extension RNNLab.Bench {
    /// `rnnlab bench --seq2seq reverse`: trains the encoder–decoder toy task and times it, so
    /// that "trains in seconds" is a number anyone can rerun (`benchmarks/seq2seq.py`).
    ///
    /// --sequences distinct digit strings of 3–5 digits train an encoder–decoder of --cell
    /// (both halves; --hidden units, --input-wide embeddings) for --epochs epochs in batches of
    /// --batch with Adam 0.01; 500 held-out strings of those lengths and 200 of 6 digits are then
    /// decoded greedily. One JSON line: the training time, pairs per second, the held-out
    /// exact-match accuracy overall and by length, and a digest of the trained parameters.
    func runSeq2Seq(_ task: Seq2SeqToyTask) throws {
        let side = Seq2SeqSide(cell: CellKind(rawValue: cell)!, embeddingSize: input, hiddenSize: hidden)
        let model = try Seq2Seq(Seq2SeqSpec(
            encoder: side, decoder: side, sourceVocabularySize: Seq2SeqToyTask.sourceVocabularySize,
            targetVocabularySize: Seq2SeqToyTask.targetVocabularySize))
        let lengths = 3...5
        let training = task.pairs(count: sequences, lengths: lengths, seed: 1)
        let heldOut = task.pairs(count: 500, lengths: lengths, seed: 2, excluding: Set(training.map(\.source)))
        let longer = task.pairs(count: 200, lengths: 6...6, seed: 3)
        let config = TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: epochs, batchSize: batch, seed: 4)
        let initial = model.initialParameters(seed: 5)
        let start = ContinuousClock.now
        let result = model.train(parameters: initial, pairs: training, config: config)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let trained = model.evaluate(parameters: result.parameters, pairs: heldOut)
        let beyond = model.evaluate(parameters: result.parameters, pairs: longer)
        var digest = Digest()
        digest.add(result.parameters)
        let rows = (trained.byLength + beyond.byLength).map { "\"\($0.sourceLength)\":\($0.accuracy)" }
        let perSecond = Int((Double(training.count * epochs) / seconds).rounded())
        print("{\"task\":\"\(task.rawValue)\",\"cell\":\"\(cell)\",\"hidden\":\(hidden),\"embedding\":\(input),\"parameters\":\(model.parameterCount),\"training_pairs\":\(training.count),\"epochs\":\(epochs),\"seconds\":\(seconds),\"pairs_per_second\":\(perSecond),\"final_loss\":\(result.history.last?.loss ?? .nan),\"held_out_accuracy\":\(trained.exactMatchAccuracy),\"accuracy_by_length\":{\(rows.joined(separator: ","))},\"outcome\":\"\(result.outcome.message)\",\"digest\":\"\(digest.hex)\"}")
    }
}
