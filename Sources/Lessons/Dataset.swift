import Foundation
import RNNCore

/// Sequences a lesson trains on or steps through, generated from a seed or given inline, with
/// an optional held-out test part. The dataset itself is the training part: `train`, `step` and
/// `sweep` read it; an evaluation reads `test`.
struct Dataset {
    var name: String
    var task: String
    var loss: LossKind
    /// Size of x_t (one-hot size for symbolic tasks).
    var inputSize: Int
    /// Size of y_t (number of classes for cross-entropy).
    var outputSize: Int
    /// Symbol sequences (text, copy), one-hot encoded unless the model embeds them.
    var tokens: [[Int]] = []
    /// Real-valued sequences: flat (T, X) each.
    var vectors: [[Double]] = []
    var targets: [Targets] = []
    /// For text: the symbols, index = token id.
    var vocabulary: [String] = []
    /// For text: `char` or `word`, the ids of `<eos>` and `<unk>` when the lesson asked for
    /// them, and the part's token counts (Dataset+Text.swift).
    var textLevel: String?
    var eosToken: Int?
    var unkToken: Int?
    var textStats: TextStats?
    /// The names of the classes when they are not input symbols (`agreement`: was, were;
    /// `name_tagging`: other, name), index = class; empty when classes are symbols (text, copy).
    var classNames: [String] = []
    /// For `name_tagging`: per sequence, the 0-based steps whose target only the words after
    /// them decide, so an evaluation can report accuracy on exactly those.
    var ambiguous: [[Int]] = []
    /// For generated tasks: the same task with sequences of another length (same seed), so a
    /// sweep over the length trains on real data of that length. The test part is regenerated
    /// with it (keeping any length the lesson gave the test part).
    var withLength: ((Int) -> Dataset)?
    /// The held-out part, at most one. A struct cannot contain itself, an array of itself it can.
    var testParts: [Dataset] = []
    /// The task's own criterion for a solved sequence: |y − target| below this at the last
    /// step (the adding problem's 0.04); nil when the task has none.
    var tolerance: Double?
    /// For `series` with `normalize: true`: how the values were scaled, so results can be
    /// reported in the file's units again (value = mean + deviation · scaled).
    var normalization: Normalization?

    /// The scaling of a normalized series.
    struct Normalization: Equatable {
        var mean: Double
        var deviation: Double
    }

    /// The held-out test part, if the lesson asked for one (`test:` or `split:`).
    var test: Dataset? {
        get { testParts.first }
        set { testParts = newValue.map { [$0] } ?? [] }
    }

    var count: Int { max(tokens.count, vectors.count) }

    /// Whether symbols shown in a row are separated by spaces: words and class names are,
    /// characters are not.
    var spacedSymbols: Bool {
        if let textLevel { return textLevel == "word" }
        return vocabulary.contains { $0.count > 1 } || !classNames.isEmpty
    }

    /// Length of the first sequence.
    var steps: Int { tokens.first?.count ?? (vectors.first.map { $0.count / max(inputSize, 1) } ?? 0) }

    /// Steps of sequence k.
    func steps(of k: Int) -> Int { tokens.isEmpty ? vectors[k].count / max(inputSize, 1) : tokens[k].count }

    /// The distinct sequence lengths, shortest first, so results can be reported by length.
    var lengths: [Int] { Array(Set((0..<count).map { steps(of: $0) })).sorted() }

    /// Sample k as the given model reads it (token ids for an embedding, vectors otherwise).
    func sample(_ k: Int, for model: some SequenceModel) -> Sample {
        if !tokens.isEmpty {
            let ids = tokens[k]
            if model.vocabularySize != nil {
                return Sample(input: .tokens(ids), loss: loss, targets: targets[k])
            }
            var x = [Double](repeating: 0, count: ids.count * inputSize)
            for (t, id) in ids.enumerated() { x[t * inputSize + id] = 1 }
            return Sample(input: .vectors(x, steps: ids.count), loss: loss, targets: targets[k])
        }
        return Sample(input: .vectors(vectors[k], steps: vectors[k].count / inputSize), loss: loss, targets: targets[k])
    }

    func samples(for model: some SequenceModel) -> [Sample] { (0..<count).map { sample($0, for: model) } }

    /// Checks that a model can read this data; the message says what to change.
    func check(_ model: some SequenceModel, modelName: String) -> String? {
        if let vocab = model.vocabularySize {
            if tokens.isEmpty { return "model \(modelName) has an embedding but data \(name) is not symbolic (use task text or copy)" }
            if vocab < inputSize { return "model \(modelName)'s embedding has \(vocab) symbols but data \(name) has \(inputSize)" }
        } else if model.inputSize != inputSize {
            return "model \(modelName) reads \(model.inputSize) inputs per step but data \(name) has \(inputSize) (set input_size: \(inputSize))"
        }
        if model.outputSize != outputSize {
            return "model \(modelName) has output_size \(model.outputSize) but data \(name) needs \(outputSize)"
        }
        if let ff = model as? FeedForward, !ff.spec.reads(loss) {
            return "model \(modelName) averages every step (pooling: average) into one output per sequence, but data \(name)'s loss \(loss.rawValue) needs an output at every step (use window: W, which slides along the sequence)"
        }
        return nil
    }

    // MARK: - Held-out part

    /// How many of `total` sequences `split: fraction` holds out (rounded to the nearest).
    static func splitCounts(total: Int, fraction: Double) -> (train: Int, test: Int) {
        let test = Int((Double(total) * fraction).rounded())
        return (total - test, test)
    }

    /// The first `count − testCount` sequences, with the last `testCount` as the test part.
    /// The last ones, not a random draw: for a series they are the latest windows, so nothing
    /// of the test part's future is in the training part.
    func holdingOut(last testCount: Int) -> Dataset {
        let keep = count - testCount
        var train = self, test = self
        train.withLength = nil
        test.withLength = nil
        if tokens.isEmpty {
            train.vectors = Array(vectors[..<keep])
            test.vectors = Array(vectors[keep...])
        } else {
            train.tokens = Array(tokens[..<keep])
            test.tokens = Array(tokens[keep...])
        }
        train.targets = Array(targets[..<keep])
        test.targets = Array(targets[keep...])
        if !ambiguous.isEmpty {
            train.ambiguous = Array(ambiguous[..<keep])
            test.ambiguous = Array(ambiguous[keep...])
        }
        test.testParts = []
        train.test = test
        return train
    }
}
