import Foundation
import RNNCore

/// Sequences a lesson trains on or steps through, generated from a seed or given inline.
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
    /// For generated tasks: the same task with sequences of another length (same seed), so a
    /// sweep over the length trains on real data of that length.
    var withLength: ((Int) -> Dataset)?

    var count: Int { max(tokens.count, vectors.count) }

    /// Length of the first sequence.
    var steps: Int { tokens.first?.count ?? (vectors.first.map { $0.count / max(inputSize, 1) } ?? 0) }

    /// Sample k as the given network reads it (token ids for an embedding, vectors otherwise).
    func sample(_ k: Int, for network: Network) -> Sample {
        if !tokens.isEmpty {
            let ids = tokens[k]
            if network.spec.vocabularySize != nil {
                return Sample(input: .tokens(ids), loss: loss, targets: targets[k])
            }
            var x = [Double](repeating: 0, count: ids.count * inputSize)
            for (t, id) in ids.enumerated() { x[t * inputSize + id] = 1 }
            return Sample(input: .vectors(x, steps: ids.count), loss: loss, targets: targets[k])
        }
        return Sample(input: .vectors(vectors[k], steps: vectors[k].count / inputSize), loss: loss, targets: targets[k])
    }

    func samples(for network: Network) -> [Sample] { (0..<count).map { sample($0, for: network) } }

    /// Checks that a model can read this data; the message says what to change.
    func check(_ network: Network, modelName: String) -> String? {
        let spec = network.spec
        if let vocab = spec.vocabularySize {
            if tokens.isEmpty { return "model \(modelName) has an embedding but data \(name) is not symbolic (use task text or copy)" }
            if vocab < inputSize { return "model \(modelName)'s embedding has \(vocab) symbols but data \(name) has \(inputSize)" }
        } else if spec.inputSize != inputSize {
            return "model \(modelName) reads \(spec.inputSize) inputs per step but data \(name) has \(inputSize) (set input_size: \(inputSize))"
        }
        if spec.outputSize != outputSize {
            return "model \(modelName) has output_size \(spec.outputSize) but data \(name) needs \(outputSize)"
        }
        return nil
    }

    // MARK: - Generated tasks

    /// Predict the next value of an arithmetic sequence (course notes 02): x_t holds X
    /// consecutive values a + d·k, the target is the value that follows the last of them.
    static func lastValue(name: String, count: Int, length: Int, inputSize: Int, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "last_value", loss: .mseLast, inputSize: inputSize, outputSize: 1)
        for _ in 0..<count {
            let a = rng.uniform(0, 1), step = rng.uniform(-0.1, 0.1)
            d.vectors.append((0..<(length * inputSize)).map { a + step * Double($0) })
            d.targets.append(.vectors([a + step * Double(length * inputSize)]))
        }
        return d
    }

    /// Remember the first symbol across k distractors: one-hot symbols 0..<n first, then k
    /// steps of distractor symbols; the class to predict at the end is the first symbol.
    static func copy(name: String, count: Int, symbols n: Int, distractors k: Int, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "copy", loss: .xentLast, inputSize: n + 1, outputSize: n)
        for _ in 0..<count {
            let first = Int(rng.next() % UInt64(n))
            d.tokens.append([first] + Array(repeating: n, count: k))
            d.targets.append(.classes([first]))
        }
        d.vocabulary = (0..<n).map { "s\($0)" } + ["·"]
        return d
    }

    /// The sum (or mean) of a sequence of uniform numbers in [0, 1).
    static func sum(name: String, count: Int, length: Int, mean: Bool, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "sum", loss: .mseLast, inputSize: 1, outputSize: 1)
        for _ in 0..<count {
            let x = (0..<length).map { _ in rng.uniform() }
            let s = x.reduce(0, +)
            d.vectors.append(x)
            d.targets.append(.vectors([mean ? s / Double(length) : s]))
        }
        return d
    }

    /// Next-symbol prediction on a text (course notes 03's "hello"): windows of `length`
    /// symbols, each step's target the symbol that follows.
    static func text(name: String, corpus: String, level: String, length: Int?, stride: Int?) -> Dataset? {
        let symbols: [String] = level == "word"
            ? corpus.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            : corpus.map { String($0) }
        guard symbols.count >= 2 else { return nil }
        let vocabulary = Array(Set(symbols)).sorted()
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        let ids = symbols.map { index[$0]! }
        let L = min(length ?? (ids.count - 1), ids.count - 1)
        var d = Dataset(name: name, task: "text", loss: .xentAll, inputSize: vocabulary.count, outputSize: vocabulary.count)
        d.vocabulary = vocabulary
        var start = 0
        while start + L < ids.count {
            d.tokens.append(Array(ids[start..<(start + L)]))
            d.targets.append(.classes(Array(ids[(start + 1)...(start + L)])))
            start += max(1, stride ?? L)
        }
        return d
    }
}
