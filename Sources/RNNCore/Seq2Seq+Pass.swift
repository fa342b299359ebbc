/// Everything one forward (and backward) pass of an encoder–decoder over one pair recorded:
/// the two halves' `NetworkRecord`s, each with every gate and state of every cell.
public struct Seq2SeqRecord: Sendable {
    public internal(set) var pair: Seq2SeqPair
    /// S = source.count steps over the source. No readout: `y` is empty and `loss` 0. After
    /// backward, each cell's `dh` holds dL/dh_s at every source step s = 0 … S, and its value
    /// at s = S is what the decoder handed back through the bridge.
    public var encoder: NetworkRecord
    /// n + 1 steps over BOS, target (n = target.count); `y` holds the logits (n + 1, V) and
    /// `loss` the pair's loss. Row 0 of each layer's h (and c) is the state the bridge made;
    /// after backward, `dhAt(0)` (`dcAt(0)`) is dL/dh_0 (dL/dc_0), the gradient it hands back.
    public var decoder: NetworkRecord

    /// L = −(1 / (n + 1)) Σ_t log p_t[out_t].
    public var loss: Double { decoder.loss }
}

/// An additive nudge to one state entry in one half (see `StatePerturbation`): how the
/// gradient checker verifies every recorded dL/dh_t and dL/dc_t of both halves.
public struct Seq2SeqPerturbation: Sendable {
    public enum Half: Sendable { case encoder, decoder }
    public var half: Half
    public var state: StatePerturbation

    public init(half: Half, state: StatePerturbation) {
        self.half = half
        self.state = state
    }
}

/// Forward and backward through encoder, bridge and decoder.
extension Seq2Seq {
    /// Runs the source through the encoder, hands its last states to the decoder, and runs the
    /// decoder over BOS, target under teacher forcing. `pair` must pass `spec.problem(with:)`.
    public func forward(
        parameters: [Double], pair: Seq2SeqPair, perturbation: Seq2SeqPerturbation? = nil
    ) -> Seq2SeqRecord {
        precondition(parameters.count == layout.count, "parameter vector has the wrong size")
        precondition(spec.problem(with: pair) == nil, "invalid pair: \(spec.problem(with: pair)!)")
        var record = Seq2SeqRecord.empty
        parameters.withUnsafeBufferPointer {
            forward(weights: $0.baseAddress!, pair: pair, perturbation: perturbation, buffers: nil, into: &record)
        }
        return record
    }

    /// Backprop through the decoder, across the bridge and through the encoder; fills both
    /// records' derivatives and returns dL/dθ in `layout`'s order. `truncation` k stops the
    /// gradient between chunks of k steps within each half (nil: full BPTT).
    public func backward(
        parameters: [Double], record: inout Seq2SeqRecord, truncation: Int? = nil
    ) -> [Double] {
        var grads = [Double](repeating: 0, count: layout.count)
        var scratch = BackwardScratch()
        parameters.withUnsafeBufferPointer { pBuf in
            grads.withUnsafeMutableBufferPointer { gBuf in
                backward(
                    weights: pBuf.baseAddress!, record: &record, truncation: truncation,
                    buffers: nil, grads: gBuf.baseAddress!, scratch: &scratch)
            }
        }
        return grads
    }

    /// Forward and backward in one call.
    public func lossAndGradient(
        parameters: [Double], pair: Seq2SeqPair, truncation: Int? = nil
    ) -> (record: Seq2SeqRecord, gradient: [Double]) {
        var record = forward(parameters: parameters, pair: pair)
        let gradient = backward(parameters: parameters, record: &record, truncation: truncation)
        return (record, gradient)
    }

    // MARK: - The passes on the flat weights

    /// The forward pass into `record` (its arrays reused where they fit). With `buffers`, the
    /// recurrent matrices are the aligned copies made for the batch.
    func forward(
        weights w: UnsafePointer<Double>, pair: Seq2SeqPair, perturbation: Seq2SeqPerturbation?,
        buffers: Seq2SeqBuffers?, into record: inout Seq2SeqRecord
    ) {
        record.pair = pair
        let nudge = { (half: Seq2SeqPerturbation.Half) in
            perturbation.flatMap { $0.half == half ? $0.state : nil }
        }
        encoder.forward(
            weights: w, sample: encoderSample(pair), perturbation: nudge(.encoder),
            recurrent: buffers?.encoder.recurrent ?? [], into: &record.encoder)
        decoder.forward(
            weights: w + decoderOffset, sample: decoderSample(pair, bridgedFrom: record.encoder),
            perturbation: nudge(.decoder),
            recurrent: buffers?.decoder.recurrent ?? [], into: &record.decoder)
    }

    /// The backward pass: fills the records' derivatives and adds dL/dθ into `g` (zeroed by the
    /// caller).
    func backward(
        weights w: UnsafePointer<Double>, record: inout Seq2SeqRecord, truncation: Int?,
        buffers: Seq2SeqBuffers?, grads g: UnsafeMutablePointer<Double>,
        scratch: inout BackwardScratch
    ) {
        decoder.backward(
            weights: w + decoderOffset, record: &record.decoder, sample: decoderSample(record.pair),
            truncation: truncation, recurrent: buffers?.decoder.recurrent ?? [],
            grads: g + decoderOffset, scratch: &scratch)
        encoder.backward(
            weights: w, record: &record.encoder, sample: encoderSample(record.pair),
            truncation: truncation, recurrent: buffers?.encoder.recurrent ?? [], grads: g,
            scratch: &scratch, finalStates: bridgeBackward(record.decoder))
    }

    // MARK: - The bridge

    /// The decoder's initial states, layer by layer, from the encoder's last states:
    /// h_0 = h_S (bidirectional: [h→_S ; h←_1], the backward cell's own step S); c_0 = c_S when
    /// both halves are LSTMs, else nil (an LSTM decoder then starts from c_0 = 0).
    func bridge(_ encoded: NetworkRecord) -> (h: [[Double]], c: [[Double]]?) {
        let S = encoded.steps
        let carriesC = spec.encoder.cell == .lstm && spec.decoder.cell == .lstm
        let h = encoded.layers.map { cells in cells.flatMap { $0.hidden(at: S) } }
        let c = carriesC ? encoded.layers.map { cells in cells.flatMap { $0.cell(at: S) } } : nil
        return (h, c)
    }

    /// The bridge's backward: dL/dh_0 (dL/dc_0) of each decoder layer split back onto the
    /// encoder cells whose last states it was made from.
    func bridgeBackward(_ decoded: NetworkRecord) -> FinalStateGradients {
        let H = spec.encoder.hiddenSize, directions = spec.encoder.bidirectional ? 2 : 1
        let carriesC = spec.encoder.cell == .lstm && spec.decoder.cell == .lstm
        var dh: [[[Double]]] = [], dc: [[[Double]]] = []
        for layer in decoded.layers {
            let first = layer[0]
            dh.append((0..<directions).map { d in Array(first.dh[(d * H)..<((d + 1) * H)]) })
            dc.append((0..<directions).map { d in carriesC ? Array(first.dc[(d * H)..<((d + 1) * H)]) : [] })
        }
        return FinalStateGradients(dh: dh, dc: dc)
    }

    // MARK: - The two halves' samples

    /// The encoder's input; it has no loss (the targets are never read).
    func encoderSample(_ pair: Seq2SeqPair) -> Sample {
        Sample(input: .tokens(pair.source), loss: .xentAll, targets: .classes([]))
    }

    /// The decoder under teacher forcing: reads BOS, target; predicts target, EOS (`xent_all`);
    /// starts from zeros unless `encoded` gives the states to bridge.
    func decoderSample(_ pair: Seq2SeqPair, bridgedFrom encoded: NetworkRecord? = nil) -> Sample {
        var sample = Sample(
            input: .tokens(decoderInput(pair.target)), loss: .xentAll,
            targets: .classes(decoderTargets(pair.target)))
        guard let encoded else { return sample }
        let (h0, c0) = bridge(encoded)
        sample.h0 = h0[0]
        sample.c0 = c0?[0]
        if h0.count > 1 {
            sample.upperH0 = Array(h0[1...])
            sample.upperC0 = c0.map { Array($0[1...]) }
        }
        return sample
    }

    /// Both halves as ordinary networks see them: the encoder's sample (the source tokens; it has
    /// no loss) and the decoder's (BOS, target in; target, EOS as its `xent_all` targets; the
    /// bridged states as h0, c0, upperH0, upperC0). With `encoder`, `decoder`,
    /// `encoderParameters(_:)` and `decoderParameters(_:)` they let every single-network tool
    /// (per-step losses, Jacobian norms, graphs, the step-through) read either half of `record`;
    /// `decoder.forward(parameters: decoderParameters(p), sample:)` gives `record.decoder` again.
    public func samples(for record: Seq2SeqRecord) -> (encoder: Sample, decoder: Sample) {
        (encoderSample(record.pair), decoderSample(record.pair, bridgedFrom: record.encoder))
    }
}

/// The pass arrays of a training run, kept from one pair to the next, and the aligned copies of
/// both halves' recurrent matrices. Belongs to one run (one thread).
final class Seq2SeqBuffers {
    var record = Seq2SeqRecord.empty
    /// dL/dθ of the last pair.
    var gradient: [Double] = []
    var scratch = BackwardScratch()
    let encoder = PassBuffers(), decoder = PassBuffers()

    /// Makes (or refreshes) the aligned recurrent matrices for the parameters `w`.
    func align(_ model: Seq2Seq, weights w: UnsafePointer<Double>) {
        model.encoder.alignRecurrent(encoder, weights: w)
        model.decoder.alignRecurrent(decoder, weights: w + model.decoderOffset)
    }
}

extension Seq2SeqRecord {
    static var empty: Seq2SeqRecord {
        Seq2SeqRecord(pair: Seq2SeqPair(source: [], target: []), encoder: .empty, decoder: .empty)
    }
}
