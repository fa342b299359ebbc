/// Finite differences through an encoder–decoder: the decoder, the bridge and the encoder.
extension GradientCheck {
    /// Checks dL/dθ of a batch's loss (padding and all) for every weight of both halves.
    public func checkParameters(seq2seq: Seq2Seq, parameters: [Double], batch: Seq2SeqBatch) -> [Entry] {
        let (_, gradient, _) = seq2seq.lossAndGradient(parameters: parameters, batch: batch)
        return checkParameters(layout: seq2seq.layout, parameters: parameters, analytic: gradient) {
            seq2seq.lossAndGradient(parameters: $0, batch: batch).loss
        }
    }

    /// Checks the recorded dL/dh_t (and dL/dc_t) of every cell of both halves over one pair,
    /// t = 0 … S in the encoder and 0 … n + 1 in the decoder (where t = 0 is the bridged state).
    /// Entries are named `encoder.layer1.dh`, `encoder.layer1.backward.dc`, `decoder.layer2.dh`.
    public func checkStates(seq2seq: Seq2Seq, parameters: [Double], pair: Seq2SeqPair) -> [Entry] {
        let (record, _) = seq2seq.lossAndGradient(parameters: parameters, pair: pair)
        var entries: [Entry] = []
        for (half, records, prefix) in [
            (Seq2SeqPerturbation.Half.encoder, record.encoder.layers, "encoder."),
            (.decoder, record.decoder.layers, "decoder."),
        ] {
            entries += checkStates(records, prefix: prefix) { nudge in
                seq2seq.forward(
                    parameters: parameters, pair: pair,
                    perturbation: Seq2SeqPerturbation(half: half, state: nudge)
                ).loss
            }
        }
        return entries
    }
}
