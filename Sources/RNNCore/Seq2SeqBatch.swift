/// Pairs of unequal lengths padded to common widths, with masks, as a framework's tensors hold
/// them: row b of `sources` is pair b's source followed by padding, and `sourceMask` is true
/// exactly at its tokens (likewise `targets`, whose tokens exclude the implicit BOS and EOS).
/// Padding is on the right: a mask row is some trues, then falses.
///
/// The loss of a batch is the mean of its pairs' losses, each averaged over its own decoder
/// steps (its target tokens and EOS), with m_bt the decoder-step mask:
/// ```
/// L = (1/B) Σ_b (Σ_t m_bt ℓ_bt) / (Σ_t m_bt),   ℓ_bt = −log p_bt[out_bt]
/// ```
/// The cells run one sequence at a time (each at its own length, which the mask gives), so
/// padding never enters the computation: whatever the padded entries hold, the loss and the
/// gradient are bit for bit those of the pairs one by one, summed in order and scaled by 1/B.
public struct Seq2SeqBatch: Sendable, Equatable {
    public let count: Int
    public let sourceWidth: Int
    public let targetWidth: Int
    /// (count, sourceWidth) token ids, row-major; entries where the mask is false are padding.
    public let sources: [Int]
    public let sourceMask: [Bool]
    /// (count, targetWidth) token ids without BOS and EOS; padding where the mask is false.
    public let targets: [Int]
    public let targetMask: [Bool]

    /// The pairs padded with `padding` to the longest source and the longest target.
    public init(_ pairs: [Seq2SeqPair], padding: Int = 0) {
        count = pairs.count
        sourceWidth = pairs.map(\.source.count).max() ?? 0
        targetWidth = pairs.map(\.target.count).max() ?? 0
        var sources: [Int] = [], sourceMask: [Bool] = [], targets: [Int] = [], targetMask: [Bool] = []
        for pair in pairs {
            let s = pair.source.count, n = pair.target.count
            sources += pair.source + Array(repeating: padding, count: sourceWidth - s)
            sourceMask += Array(repeating: true, count: s) + Array(repeating: false, count: sourceWidth - s)
            targets += pair.target + Array(repeating: padding, count: targetWidth - n)
            targetMask += Array(repeating: true, count: n) + Array(repeating: false, count: targetWidth - n)
        }
        (self.sources, self.sourceMask, self.targets, self.targetMask) = (sources, sourceMask, targets, targetMask)
    }

    /// A batch from padded arrays and their masks, as another framework would give it.
    /// Refused (with the reason) unless the shapes agree and every mask row is right-padded.
    public init(
        count: Int, sources: [Int], sourceMask: [Bool], targets: [Int], targetMask: [Bool]
    ) throws(Seq2SeqSpec.Problem) {
        guard count >= 0 else { throw Seq2SeqSpec.Problem(field: "count", message: "must not be negative") }
        let sourceWidth = count == 0 ? 0 : sources.count / count
        let targetWidth = count == 0 ? 0 : targets.count / count
        for (name, values, mask, width) in [
            ("sources", sources, sourceMask, sourceWidth), ("targets", targets, targetMask, targetWidth),
        ] {
            guard values.count == count * width, mask.count == values.count else {
                throw Seq2SeqSpec.Problem(field: name, message: "has \(values.count) entries and its mask \(mask.count): both must be \(count) rows of one width")
            }
            for b in 0..<count {
                let row = mask[(b * width)..<((b + 1) * width)]
                let length = row.prefix { $0 }.count
                guard !row.dropFirst(length).contains(true) else {
                    throw Seq2SeqSpec.Problem(field: "\(name) mask row \(b)", message: "has a gap: padding must come after the tokens (right padding)")
                }
            }
        }
        self.count = count
        self.sourceWidth = sourceWidth
        self.targetWidth = targetWidth
        (self.sources, self.sourceMask, self.targets, self.targetMask) = (sources, sourceMask, targets, targetMask)
    }

    /// Pair b, cut to its mask.
    public func pair(_ b: Int) -> Seq2SeqPair {
        let s = sourceMask[(b * sourceWidth)..<((b + 1) * sourceWidth)].prefix { $0 }.count
        let n = targetMask[(b * targetWidth)..<((b + 1) * targetWidth)].prefix { $0 }.count
        return Seq2SeqPair(
            source: Array(sources[(b * sourceWidth)..<(b * sourceWidth + s)]),
            target: Array(targets[(b * targetWidth)..<(b * targetWidth + n)]))
    }

    public var pairs: [Seq2SeqPair] { (0..<count).map(pair) }
}

extension Seq2Seq {
    /// The batch's loss L (see `Seq2SeqBatch`), dL/dθ, and every pair's record.
    public func lossAndGradient(
        parameters: [Double], batch: Seq2SeqBatch, truncation: Int? = nil
    ) -> (loss: Double, gradient: [Double], records: [Seq2SeqRecord]) {
        precondition(parameters.count == layout.count, "parameter vector has the wrong size")
        for pair in batch.pairs {
            precondition(spec.problem(with: pair) == nil, "invalid pair: \(spec.problem(with: pair)!)")
        }
        var gradient = [Double](repeating: 0, count: layout.count)
        var records: [Seq2SeqRecord] = []
        let buffers = Seq2SeqBuffers()
        var loss = parameters.withUnsafeBufferPointer { pBuf in
            gradient.withUnsafeMutableBufferPointer { total in
                sumLossAndGradient(
                    weights: pBuf.baseAddress!, pairs: batch.pairs, truncation: truncation,
                    buffers: buffers, total: total
                ) { records.append($0) }
            }
        }
        let scale = batch.count > 0 ? 1 / Double(batch.count) : 0
        loss *= scale
        for k in gradient.indices { gradient[k] *= scale }
        return (loss, gradient, records)
    }

    /// Σ_b L_b over `pairs`, with Σ_b dL_b/dθ added into `total`: each pair's gradient is
    /// summed on its own and then added in, in order (the same bits as one pair at a time).
    /// `keep` sees each pair's record.
    func sumLossAndGradient<Pairs: Collection<Seq2SeqPair>>(
        weights w: UnsafePointer<Double>, pairs: Pairs, truncation: Int?, buffers: Seq2SeqBuffers,
        total: UnsafeMutableBufferPointer<Double>, keep: ((Seq2SeqRecord) -> Void)? = nil
    ) -> Double {
        buffers.align(self, weights: w)  // the parameters are fixed for the whole batch
        var loss = 0.0
        for pair in pairs {
            forward(weights: w, pair: pair, perturbation: nil, buffers: buffers, into: &buffers.record)
            buffers.gradient.refillWithZeros(count: layout.count)
            buffers.gradient.withUnsafeMutableBufferPointer { g in
                backward(
                    weights: w, record: &buffers.record, truncation: truncation, buffers: buffers,
                    grads: g.baseAddress!, scratch: &buffers.scratch)
            }
            loss += buffers.record.loss
            buffers.gradient.withUnsafeBufferPointer { g in
                for k in 0..<total.count { total[k] += g[k] }
            }
            keep?(buffers.record)
        }
        return loss
    }
}
