/// Training and evaluating an encoder–decoder.
extension Seq2Seq {
    /// Trains on `pairs` with teacher forcing: mini-batches as `Network.train` makes them
    /// (shuffled every epoch with `config.seed`), each batch's loss and gradient those of a
    /// `Seq2SeqBatch` of its pairs. Every pair must pass `spec.problem(with:)`.
    public func train(
        parameters initial: [Double], pairs: [Seq2SeqPair], config: TrainingConfig,
        progress: ((EpochSummary) -> Void)? = nil
    ) -> TrainingResult {
        precondition(initial.count == layout.count, "parameter vector has the wrong size")
        for pair in pairs {
            precondition(spec.problem(with: pair) == nil, "invalid pair: \(spec.problem(with: pair)!)")
        }
        let buffers = Seq2SeqBuffers()
        return trainMiniBatches(
            parameters: initial, count: pairs.count, config: config, progress: progress
        ) { members, w, total in
            sumLossAndGradient(
                weights: w, pairs: members.lazy.map { pairs[$0] }, truncation: config.truncation,
                buffers: buffers, total: total)
        }
    }

    /// Greedy decoding of every pair's source against its target: exact-match accuracy (the
    /// whole target, then EOS), overall and by source length, and the mean teacher-forced loss.
    /// Decoding stops at EOS or after target.count + 1 tokens (by then it cannot match).
    public func evaluate(parameters: [Double], pairs: [Seq2SeqPair]) -> Seq2SeqEvaluation {
        var rows: [Int: (count: Int, matches: Int)] = [:]
        var lossSum = 0.0
        for pair in pairs {
            let output = generate(parameters: parameters, source: pair.source, maxLength: pair.target.count + 1)
            let match = output.endedWithEOS && output.tokens == pair.target
            rows[pair.source.count, default: (0, 0)].count += 1
            if match { rows[pair.source.count]!.matches += 1 }
            lossSum += forward(parameters: parameters, pair: pair).loss
        }
        let byLength = rows.keys.sorted().map { length in
            Seq2SeqEvaluation.Row(sourceLength: length, count: rows[length]!.count, exactMatches: rows[length]!.matches)
        }
        return Seq2SeqEvaluation(
            byLength: byLength, meanLoss: pairs.isEmpty ? 0 : lossSum / Double(pairs.count))
    }
}

/// How well a trained encoder–decoder reproduces its targets.
public struct Seq2SeqEvaluation: Sendable, Equatable {
    /// One source length: how many pairs had it and how many were reproduced exactly.
    public struct Row: Sendable, Equatable {
        public var sourceLength: Int
        public var count: Int
        public var exactMatches: Int
        public var accuracy: Double { count == 0 ? 0 : Double(exactMatches) / Double(count) }
    }

    /// By source length, shortest first.
    public var byLength: [Row]
    /// Mean teacher-forced loss over the pairs.
    public var meanLoss: Double

    public var count: Int { byLength.reduce(0) { $0 + $1.count } }
    public var exactMatches: Int { byLength.reduce(0) { $0 + $1.exactMatches } }
    /// Fraction of pairs whose greedy output is exactly the target.
    public var exactMatchAccuracy: Double { count == 0 ? 0 : Double(exactMatches) / Double(count) }
}
