/// An encoder–decoder as an encoder–decoder MODEL.json describes it: architecture and weights.
public struct Seq2SeqModel: Sendable {
    public var seq2seq: Seq2Seq
    public var parameters: [Double]

    public init(seq2seq: Seq2Seq, parameters: [Double]) {
        self.seq2seq = seq2seq
        self.parameters = parameters
    }
}

/// The full recording of one pair through an encoder–decoder, forward and backward: what
/// `rnnlab trace` prints for an encoder–decoder model (README: "Trace file extensions").
public struct Seq2SeqTrace: Sendable {
    public let model: Seq2SeqModel
    public let pair: Seq2SeqPair
    public let record: Seq2SeqRecord
    /// dL/dθ in `model.seq2seq.layout`'s order.
    public let gradient: [Double]
    /// encoderJacobianNorms[l][d][s] = ‖∂s_S/∂s_s‖₂, s = 0 … S, over that encoder cell's own
    /// recurrence with its inputs held fixed: how much the state handed to the decoder still
    /// depends on the state at source step s (the gradient's way back to the first words).
    public let encoderJacobianNorms: [[[Double]]]
    /// The same over the decoder's steps, t = 0 … n + 1 (t = 0 is the bridged state).
    public let decoderJacobianNorms: [[[Double]]]

    public init(model: Seq2SeqModel, pair: Seq2SeqPair) {
        self.model = model
        self.pair = pair
        let s2s = model.seq2seq
        let (record, gradient) = s2s.lossAndGradient(parameters: model.parameters, pair: pair)
        self.record = record
        self.gradient = gradient
        func norms(_ network: Network, _ parameters: [Double], _ r: NetworkRecord) -> [[[Double]]] {
            r.layers.indices.map { l in
                r.layers[l].indices.map { d in
                    network.jacobianNorms(parameters: parameters, record: r, layer: l, direction: d)
                }
            }
        }
        encoderJacobianNorms = norms(s2s.encoder, s2s.encoderParameters(model.parameters), record.encoder)
        decoderJacobianNorms = norms(s2s.decoder, s2s.decoderParameters(model.parameters), record.decoder)
    }

    /// The encoder half as a single-network trace (its record, gradient and Jacobian norms;
    /// no readout), with `handedBack` the gradient its first layer's forward cell receives at
    /// step S from the decoder: what the step-through's last backward step starts from.
    public var encoderTrace: Trace {
        let s2s = model.seq2seq
        let first = record.decoder.layers[0][0], H = s2s.spec.encoder.hiddenSize
        let carriesC = s2s.spec.encoder.cell == .lstm && s2s.spec.decoder.cell == .lstm
        let handed = StateGradient(dh: Array(first.dhAt(0).prefix(H)), dc: carriesC ? Array(first.dcAt(0).prefix(H)) : nil)
        return Trace(model: Model(network: s2s.encoder, parameters: s2s.encoderParameters(model.parameters)),
                     sample: s2s.samples(for: record).encoder, record: record.encoder,
                     gradient: Array(gradient[..<s2s.decoderOffset]), jacobianNorms: encoderJacobianNorms,
                     handedBack: handed)
    }

    /// The decoder half as a single-network trace: started from the bridged state, fed BOS and
    /// the target, its loss the model's.
    public var decoderTrace: Trace {
        let s2s = model.seq2seq
        return Trace(model: Model(network: s2s.decoder, parameters: s2s.decoderParameters(model.parameters)),
                     sample: s2s.samples(for: record).decoder, record: record.decoder,
                     gradient: Array(gradient[s2s.decoderOffset...]), jacobianNorms: decoderJacobianNorms,
                     handedBack: nil)
    }

    /// The trace JSON (format `rnnlab.trace.v1`, `"model": "encoder_decoder"`):
    /// ```
    /// { "format", "model": "encoder_decoder", "loss",
    ///   "source": [ids], "decoder_input": [BOS, target…], "decoder_target": [target…, EOS],
    ///   "encoder": { "cell", "steps": S, "layers": [ {layer, direction, forward, backward, jacobian_norms} ] },
    ///   "bridge": [ {layer, h, c, dh, dc} ],            // each decoder layer's h_0 (c_0) and dL/dh_0
    ///   "decoder": { "cell", "steps": n + 1, "y": logits, "layers": [ … ] },
    ///   "grads", "grad_norms" }
    /// ```
    /// The per-cell records are those of an ordinary trace's `layers`.
    public func json() -> [UInt8] {
        let s2s = model.seq2seq, spec = s2s.spec
        var w = JSONWriter(capacity: estimatedSize)
        w.beginObject()
        w.key("format"); w.string("rnnlab.trace.v1")
        w.key("model"); w.string("encoder_decoder")
        w.key("loss"); w.number(record.loss)
        w.key("source"); w.integers(pair.source)
        w.key("decoder_input"); w.integers(s2s.decoderInput(pair.target))
        w.key("decoder_target"); w.integers(s2s.decoderTargets(pair.target))
        w.key("encoder")
        w.beginObject()
        w.key("cell"); w.string(spec.encoder.cell.rawValue)
        w.key("steps"); w.integer(record.encoder.steps)
        w.key("layers"); w.layerRecords(record.encoder.layers, jacobianNorms: encoderJacobianNorms)
        w.endObject()
        w.key("bridge")
        w.beginArray()
        for (l, cells) in record.decoder.layers.enumerated() {
            let first = cells[0]
            w.beginObject()
            w.key("layer"); w.integer(l + 1)
            w.key("h"); w.numbers(first.hidden(at: 0))
            if first.spec.hasCellState { w.key("c"); w.numbers(first.cell(at: 0)) }
            w.key("dh"); w.numbers(first.dhAt(0))
            if first.spec.hasCellState { w.key("dc"); w.numbers(first.dcAt(0)) }
            w.endObject()
        }
        w.endArray()
        w.key("decoder")
        w.beginObject()
        w.key("cell"); w.string(spec.decoder.cell.rawValue)
        w.key("steps"); w.integer(record.decoder.steps)
        w.key("y"); w.matrix(record.decoder.y, rows: record.decoder.steps, cols: spec.targetVocabularySize)
        w.key("layers"); w.layerRecords(record.decoder.layers, jacobianNorms: decoderJacobianNorms)
        w.endObject()
        w.gradients(gradient, layout: s2s.layout)
        w.endObject()
        w.newline()
        return w.bytes
    }

    private var estimatedSize: Int {
        func values(_ r: NetworkRecord) -> Int {
            r.steps * r.layers.flatMap { $0 }.reduce(0) { $0 + 3 * $1.gateWidth + 5 * $1.hiddenSize }
        }
        let logits = record.decoder.y.count
        return 24 * (values(record.encoder) + values(record.decoder) + logits + gradient.count) + 4096
    }
}

extension JSONWriter {
    /// A flat array of integers.
    mutating func integers(_ values: [Int]) {
        beginArray()
        for v in values { integer(v) }
        endArray()
    }
}
