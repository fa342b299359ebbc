/// An encoder–decoder (sequence to sequence, Sutskever, Vinyals and Le 2014): the encoder reads
/// the source tokens into its last state, the decoder starts from that state and writes the
/// target one token at a time, each step fed the previous target token (teacher forcing in
/// training, its own previous output when it generates).
///
/// ```
/// encoder:  x_s = E_enc[source_s],  s = 1 … S        (any cell, stacked, bidirectional)
/// bridge:   h_0^dec[l] = h_S^enc[l]                   (bidirectional: [h→_S ; h←_1])
///           c_0^dec[l] = c_S^enc[l]                   (lstm → lstm only; else c_0 = 0)
/// decoder:  x_t = E_dec[in_t],  in = BOS, y_1 … y_n   (any cell, stacked, forward in time)
///           p_t = softmax(W_hy h_t + b_y),  t = 1 … n + 1, over the target vocabulary
/// loss:     L = −(1 / (n + 1)) Σ_t log p_t[out_t],  out = y_1 … y_n, EOS
/// ```
/// The loss is the existing `xent_all` over the decoder's n + 1 steps, so a decoder on its own is
/// an ordinary `Network`, and a batch averages it over its sequences (see `Seq2SeqBatch`).
///
/// **The bridge.** Layer l of the decoder starts from layer l's last state in the encoder, so
/// both halves have the same number of layers. A bidirectional encoder hands over both readers'
/// last states side by side, [h→_S ; h←_1], to a decoder twice as wide: nothing is lost, no
/// weights are added, and each half of dL/dh_0^dec is exactly what reaches one direction. (A sum
/// would mix the two readers; a learned bridge, tanh(W [h→ ; h←]), would add a layer between the
/// two halves whose gradient a lesson must then explain.) An LSTM's c crosses only to an LSTM: an
/// LSTM decoder after a GRU or vanilla encoder starts from c_0 = 0, and an LSTM encoder's c_S
/// reaches a GRU or vanilla decoder not at all (its dL/dc_S comes only through h_S).
///
/// Parameters are one flat vector, encoder first: the encoder's weights are named as in a
/// `Network`'s MODEL.json with `encoder.` in front (`encoder.E`, `encoder.W_xf`,
/// `encoder.layer2.backward.W_hz`), the decoder's with `decoder.`, and the readout is `W_hy`
/// (V_target × H_dec) and `b_y`.
public struct Seq2Seq: Sendable {
    public let spec: Seq2SeqSpec
    /// Every weight of both halves under its full name (`encoder.W_xf`, …, `W_hy`, `b_y`).
    public let layout: ParameterLayout
    /// The encoder as a network with a source embedding and no readout. Its parameters are
    /// `encoderParameters(_:)`, so every `Network` tool (Jacobian norms, graphs) applies to it.
    public let encoder: Network
    /// The decoder: a target embedding, forward-only layers and the readout over the target
    /// vocabulary; its parameters are `decoderParameters(_:)`.
    public let decoder: Network
    /// Where the decoder's weights start in the flat parameter vector (the encoder's start at 0).
    let decoderOffset: Int

    /// Checks `spec` (`Seq2SeqSpec.Problem` says which field is wrong) and lays out the weights.
    public init(_ spec: Seq2SeqSpec) throws(Seq2SeqSpec.Problem) {
        try spec.validate()
        self.spec = spec
        let e = spec.encoder, d = spec.decoder
        encoder = Network(NetworkSpec(
            cell: e.cell, inputSize: e.embeddingSize,
            hiddenSizes: Array(repeating: e.hiddenSize, count: e.layers), outputSize: 0,
            activation: e.activation, gruVariant: e.gruVariant, peephole: e.peephole,
            bidirectional: e.bidirectional, vocabularySize: spec.sourceVocabularySize))
        decoder = Network(NetworkSpec(
            cell: d.cell, inputSize: d.embeddingSize,
            hiddenSizes: Array(repeating: d.hiddenSize, count: d.layers),
            outputSize: spec.targetVocabularySize, activation: d.activation,
            gruVariant: d.gruVariant, peephole: d.peephole,
            vocabularySize: spec.targetVocabularySize))
        var layout = ParameterLayout()
        for (prefix, half) in [("encoder.", encoder), ("decoder.", decoder)] {
            for slot in half.layout.slots {
                let name = slot.name == "W_hy" || slot.name == "b_y" ? slot.name : prefix + slot.name
                if slot.isVector {
                    layout.addVector(name, count: slot.rows)
                } else {
                    layout.addMatrix(name, rows: slot.rows, cols: slot.cols)
                }
            }
        }
        self.layout = layout
        decoderOffset = encoder.layout.count
    }

    public var parameterCount: Int { layout.count }

    /// The encoder's part of a parameter vector, in `encoder.layout`'s order.
    public func encoderParameters(_ parameters: [Double]) -> [Double] {
        Array(parameters[0..<decoderOffset])
    }

    /// The decoder's part of a parameter vector, in `decoder.layout`'s order.
    public func decoderParameters(_ parameters: [Double]) -> [Double] {
        Array(parameters[decoderOffset...])
    }

    /// Keras's default initializers for both halves (`Network.initialParameters`), the decoder
    /// drawing from the seed after the encoder's.
    public func initialParameters(seed: UInt64) -> [Double] {
        encoder.initialParameters(seed: seed) + decoder.initialParameters(seed: seed &+ 1)
    }

    /// The decoder's input tokens under teacher forcing: BOS, then the target.
    public func decoderInput(_ target: [Int]) -> [Int] { [spec.bos] + target }

    /// What the decoder must predict at each of its steps: the target, then EOS.
    public func decoderTargets(_ target: [Int]) -> [Int] { target + [spec.eos] }
}

/// One source sequence and its target, as token ids. BOS and EOS are implicit: the target holds
/// neither (the decoder reads BOS first and must end with EOS).
public struct Seq2SeqPair: Sendable, Hashable {
    /// Source token ids, 0 ..< sourceVocabularySize; at least one.
    public var source: [Int]
    /// Target token ids, 0 ..< targetVocabularySize, never BOS or EOS; may be empty.
    public var target: [Int]

    public init(source: [Int], target: [Int]) {
        self.source = source
        self.target = target
    }
}

/// One half of an encoder–decoder: its cell, the cell's options, its embedding width, and its
/// layers.
public struct Seq2SeqSide: Sendable, Hashable {
    public var cell: CellKind
    /// `rnn` only.
    public var activation: Activation
    /// `gru` only.
    public var gruVariant: GRUVariant
    /// `lstm` only.
    public var peephole: Bool
    /// Width of the token embedding x_t (the cells' input size).
    public var embeddingSize: Int
    /// Units per layer and direction.
    public var hiddenSize: Int
    public var layers: Int
    /// Encoder only: each layer reads the source both ways.
    public var bidirectional: Bool

    public init(
        cell: CellKind, embeddingSize: Int, hiddenSize: Int, layers: Int = 1,
        bidirectional: Bool = false, activation: Activation = .tanh,
        gruVariant: GRUVariant = .lecture, peephole: Bool = false
    ) {
        self.cell = cell
        self.activation = activation
        self.gruVariant = gruVariant
        self.peephole = peephole
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
    }

    /// Width of the state this side hands over per layer: H, or 2H when bidirectional.
    public var stateWidth: Int { (bidirectional ? 2 : 1) * hiddenSize }
}

/// The architecture of an encoder–decoder. BOS and EOS are two ids of the target vocabulary
/// (0 and 1 unless set): BOS is only ever the decoder's first input, never predicted or
/// generated; EOS is the decoder's last prediction and ends generation.
public struct Seq2SeqSpec: Sendable, Hashable {
    public var encoder: Seq2SeqSide
    public var decoder: Seq2SeqSide
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    public var bos: Int
    public var eos: Int

    public init(
        encoder: Seq2SeqSide, decoder: Seq2SeqSide, sourceVocabularySize: Int,
        targetVocabularySize: Int, bos: Int = 0, eos: Int = 1
    ) {
        self.encoder = encoder
        self.decoder = decoder
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.bos = bos
        self.eos = eos
    }

    /// What makes a spec unusable: the field (as MODEL.json names it, `decoder.hidden_size`) and
    /// what is wrong with it.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field) \(message)" }
    }

    func validate() throws(Problem) {
        for (name, side) in [("encoder", encoder), ("decoder", decoder)] {
            for (key, value) in [("input_size", side.embeddingSize), ("hidden_size", side.hiddenSize), ("num_layers", side.layers)]
            where value < 1 {
                throw Problem(field: "\(name).\(key)", message: "must be a positive integer, not \(value)")
            }
        }
        if decoder.bidirectional {
            throw Problem(field: "decoder.bidirectional", message: "must be false: the decoder reads its own previous output, so it runs forward in time only")
        }
        if decoder.layers != encoder.layers {
            throw Problem(field: "decoder.num_layers", message: "is \(decoder.layers), encoder.num_layers is \(encoder.layers): decoder layer l starts from encoder layer l's last state")
        }
        if decoder.hiddenSize != encoder.stateWidth {
            let handed = encoder.bidirectional ? "2 × \(encoder.hiddenSize) = \(encoder.stateWidth) ([h→ ; h←] of the bidirectional encoder)" : "\(encoder.hiddenSize)"
            throw Problem(field: "decoder.hidden_size", message: "is \(decoder.hiddenSize); the encoder hands over \(handed)")
        }
        if sourceVocabularySize < 1 {
            throw Problem(field: "source_vocab_size", message: "must be a positive integer, not \(sourceVocabularySize)")
        }
        if targetVocabularySize < 2 {
            throw Problem(field: "target_vocab_size", message: "is \(targetVocabularySize); it must hold at least BOS and EOS (2)")
        }
        for (key, id) in [("bos", bos), ("eos", eos)] where id < 0 || id >= targetVocabularySize {
            throw Problem(field: key, message: "is \(id), out of range: must be 0 … \(targetVocabularySize - 1) (target_vocab_size is \(targetVocabularySize))")
        }
        if bos == eos {
            throw Problem(field: "eos", message: "is \(eos), the same id as bos: BOS and EOS must be two different tokens")
        }
    }

    /// What is wrong with `pair` for this model, or nil: ids out of range, BOS or EOS inside the
    /// target (both are implicit), or an empty source.
    public func problem(with pair: Seq2SeqPair) -> Problem? {
        if pair.source.isEmpty { return Problem(field: "source", message: "is empty: the encoder needs at least one token") }
        for (k, id) in pair.source.enumerated() where id < 0 || id >= sourceVocabularySize {
            return Problem(field: "source[\(k)]", message: "is token id \(id), out of range: must be 0 … \(sourceVocabularySize - 1) (source_vocab_size is \(sourceVocabularySize))")
        }
        for (k, id) in pair.target.enumerated() {
            if id < 0 || id >= targetVocabularySize {
                return Problem(field: "target[\(k)]", message: "is token id \(id), out of range: must be 0 … \(targetVocabularySize - 1) (target_vocab_size is \(targetVocabularySize))")
            }
            if id == bos || id == eos {
                return Problem(field: "target[\(k)]", message: "is \(id == bos ? "BOS" : "EOS") (\(id)); BOS and EOS are implicit: give the target tokens only")
            }
        }
        return nil
    }
}
