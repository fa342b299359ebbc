/// The three recurrent cells of the course.
public enum CellKind: String, Sendable, CaseIterable {
    case rnn
    case lstm
    case gru
}

/// The GRU forms: the two full ones of `shared/spec/trace-format.md`, the course's (`lecture`) and
/// the one Keras, PyTorch and cuDNN use (`reset_after`), and the notes' simplified GRU with an
/// update gate only (`simplified`, README "Trace file extensions"; no framework has it).
public enum GRUVariant: String, Sendable, CaseIterable {
    case lecture
    case resetAfter = "reset_after"
    case simplified
}

/// Everything that fixes a cell's equations and weight shapes.
public struct CellSpec: Sendable, Hashable {
    public var kind: CellKind
    public var inputSize: Int
    public var hiddenSize: Int
    /// `rnn` only.
    public var activation: Activation
    /// `gru` only.
    public var gruVariant: GRUVariant
    /// `lstm` only.
    public var peephole: Bool

    public init(
        kind: CellKind, inputSize: Int, hiddenSize: Int, activation: Activation = .tanh,
        gruVariant: GRUVariant = .lecture, peephole: Bool = false
    ) {
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.activation = activation
        self.gruVariant = gruVariant
        self.peephole = peephole
    }

    /// Gates stacked in the cell's pre-activation vector: 1 (rnn), 4 (lstm f i c̃ o), 3 (gru z r h̃),
    /// 2 (simplified gru z h̃).
    public var gateCount: Int {
        switch kind {
        case .rnn: return 1
        case .lstm: return 4
        case .gru: return gruVariant == .simplified ? 2 : 3
        }
    }

    /// The gate names in stacking order, as they appear on the wire.
    public var gateNames: [String] {
        switch kind {
        case .rnn: return []
        case .lstm: return ["f", "i", "c_tilde", "o"]
        case .gru: return gruVariant == .simplified ? ["z", "h_tilde"] : ["z", "r", "h_tilde"]
        }
    }

    /// The gates' letters in their weights' names (`W_xf`, `W_hz`, …), in stacking order: `f i c
    /// o` for the LSTM (W_xc is c̃'s), `z r h` for the GRU (W_xh is h̃'s; `z h` for the simplified
    /// GRU, which has no reset gate), `h` for the vanilla RNN's one pre-activation.
    public var weightLetters: [String] {
        switch kind {
        case .rnn: return ["h"]
        case .lstm: return ["f", "i", "c", "o"]
        case .gru: return hasResetGate ? ["z", "r", "h"] : ["z", "h"]
        }
    }

    public var hasCellState: Bool { kind == .lstm }

    /// Whether the cell has the relevance (reset) gate r: every GRU but the simplified one.
    public var hasResetGate: Bool { kind == .gru && gruVariant != .simplified }

    /// Size of the recurrent state the Jacobian norms are taken over: (h, c) for LSTM.
    public var stateSize: Int { hasCellState ? 2 * hiddenSize : hiddenSize }
}
