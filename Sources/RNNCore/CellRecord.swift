import Foundation

/// The per-step record of one cell run over one sequence: the single source for backward,
/// reports, graphs and the trace.
///
/// All arrays are flat and row-major; T is `steps`, H is `hiddenSize`, G·H is `gateWidth`.
/// States are stored for t = 0...T (row 0 is the initial state); per-step quantities for
/// t = 1...T (row t−1).
public struct CellRecord: Sendable {
    public let spec: CellSpec
    public internal(set) var steps: Int
    public var hiddenSize: Int { spec.hiddenSize }
    public var gateWidth: Int { spec.gateCount * spec.hiddenSize }

    /// (T, G·H) gate pre-activations in stacking order (rnn: a_t).
    public var preActivations: [Double]
    /// (T, G·H) gate outputs in stacking order (σ or tanh); empty for rnn.
    public var gates: [Double]
    /// (T+1, H) hidden states h_0 … h_T.
    public var h: [Double]
    /// (T+1, H) cell states c_0 … c_T; empty unless lstm.
    public var c: [Double]
    /// (T, H) a cell-specific intermediate the backward pass needs:
    /// lstm tanh(c_t); gru `lecture` r_t ⊙ h_{t−1}; gru `reset_after` W_hh h_{t−1} + b_hh;
    /// empty for rnn and the simplified gru, which need none.
    public var aux: [Double]
    /// (T+1, H) total derivatives dL/dh_t, t = 0 … T (filled by backward).
    public var dh: [Double]
    /// (T+1, H) total derivatives dL/dc_t (lstm only).
    public var dc: [Double]
    /// (T, G·H) derivatives of the loss with respect to the pre-activations.
    public var dPreActivations: [Double]
    /// (T, H) gru `reset_after` only: dL/d(W_hh h_{t−1} + b_hh).
    public var dAux: [Double]

    init(spec: CellSpec, steps: Int) {
        self.spec = spec
        self.steps = steps
        preActivations = []
        gates = []
        h = []
        c = []
        aux = []
        dh = []
        dc = []
        dPreActivations = []
        dAux = []
        prepare(steps: steps)
    }

    /// Sizes the forward arrays for a pass over `steps` steps, with zero initial states.
    /// A record that already has those sizes keeps its storage: training passes one record from
    /// sequence to sequence. The derivatives are left as they are until backward resizes them.
    mutating func prepare(steps: Int) {
        self.steps = steps
        let H = spec.hiddenSize
        let gw = spec.gateCount * H
        // The cells write every entry of these before reading it, except the initial states.
        preActivations.refill(unfilled: steps * gw)
        gates.refill(unfilled: spec.kind == .rnn ? 0 : steps * gw)
        h.refill(unfilled: (steps + 1) * H, zeroFirst: H)
        c.refill(unfilled: spec.hasCellState ? (steps + 1) * H : 0, zeroFirst: H)
        aux.refill(unfilled: spec.kind == .lstm || spec.hasResetGate ? steps * H : 0)
    }

    /// h_t as an array (t = 0 … T).
    public func hidden(at t: Int) -> ArraySlice<Double> { h[(t * hiddenSize)..<((t + 1) * hiddenSize)] }
    /// c_t as an array (t = 0 … T); lstm only.
    public func cell(at t: Int) -> ArraySlice<Double> { c[(t * hiddenSize)..<((t + 1) * hiddenSize)] }
    /// Gate `g` (stacking index) at step t = 1 … T.
    public func gate(_ g: Int, at t: Int) -> ArraySlice<Double> {
        let start = (t - 1) * gateWidth + g * hiddenSize
        return gates[start..<(start + hiddenSize)]
    }
    public func dhAt(_ t: Int) -> ArraySlice<Double> { dh[(t * hiddenSize)..<((t + 1) * hiddenSize)] }
    public func dcAt(_ t: Int) -> ArraySlice<Double> { dc[(t * hiddenSize)..<((t + 1) * hiddenSize)] }
}

extension Array where Element == Double {
    /// `count` doubles that the caller writes before it reads any, except the first `zeroFirst`,
    /// which are zero. The records of a long sequence are tens of megabytes, and filling them
    /// with zeros only to overwrite them cost about a tenth of the core's time.
    init(unfilled count: Int, zeroFirst: Int = 0) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { buffer.baseAddress!.update(repeating: 0, count: Swift.min(zeroFirst, count)) }
            initialized = count
        }
    }

    /// Makes this array what `init(unfilled:zeroFirst:)` gives (stale values instead of
    /// undefined ones), keeping its storage when it is large enough: training passes one set of
    /// arrays from sequence to sequence.
    mutating func refill(unfilled count: Int, zeroFirst: Int = 0) {
        if self.count == count {
            let zeros = Swift.min(zeroFirst, count)
            if zeros > 0 { withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: zeros) } }
        } else if count <= capacity {
            refillWithZeros(count: count)
        } else {
            self = [Double](unfilled: count, zeroFirst: zeroFirst)
        }
    }

    /// Makes this `count` zeros, keeping its storage when it is large enough.
    mutating func refillWithZeros(count: Int) {
        guard count <= capacity else {
            self = [Double](repeating: 0, count: count)
            return
        }
        // Only the difference in length is removed or appended, and the zeros are one memset:
        // element by element, a debug build spent most of a pass over sequences of changing
        // lengths (an encoder–decoder's) here. 0.0 is all zero bits.
        if count < self.count {
            removeLast(self.count - count)
        } else if count > self.count {
            append(contentsOf: repeatElement(0, count: count - self.count))
        }
        if count > 0 { withUnsafeMutableBufferPointer { _ = memset($0.baseAddress!, 0, count * MemoryLayout<Double>.stride) } }
    }
}

/// An additive nudge to one entry of h_t or c_t right after it is computed (t = 0 nudges the
/// initial state). The trace's `dh` and `dc` are, by definition, the loss's derivatives with
/// respect to such nudges; the gradient checker uses this to verify them.
public struct StatePerturbation: Sendable {
    public enum State: Sendable { case hidden, cell }
    public var state: State
    public var t: Int
    public var unit: Int
    public var delta: Double
    /// Which layer (0 = the one reading the input) and, for a bidirectional layer, which direction.
    public var layer: Int
    public var reversed: Bool

    public init(
        state: State, t: Int, unit: Int, delta: Double, layer: Int = 0, reversed: Bool = false
    ) {
        self.state = state
        self.t = t
        self.unit = unit
        self.delta = delta
        self.layer = layer
        self.reversed = reversed
    }
}
