import RNNCore

/// The numbers behind the step-through's per-unit equations: every term of each pre-activation
/// (forward) and of the chain rule for dL/dh_t and dL/dc_t (backward), computed in double
/// precision from the recorded step and the weights, for the units the page shows.
///
/// Forward, for each gate g (a vanilla RNN has the one "gate" a):
/// ```
/// a^g_t[j] = (W_xg x_t)[j] + (W_hg h_{t-1})[j] + b_g[j]  [+ p_g[j] c_{t-1}[j]]     terms x.g h.g p.g, constant b.g
/// ```
/// (the GRU's candidate reads r_t ⊙ h_{t-1}, or with `reset_after` b_h + r_t ((W_hh h_{t-1}) + b_hh);
/// the simplified GRU's reads h_{t-1} itself).
/// Backward, at step t:
/// ```
/// dL/dh_t[j] = e + dir + rho     e: from the output (or the layer above) at t
///                                dir: the GRU's direct path from h_{t+1}
///                                rho: Σ_k through the pre-activations of step t + 1
///              (+ hand at t = T)  an encoder's: what its decoder hands back
/// dL/dc_t[j] = dc.f + dc.h + dc.p   dc_{t+1} f_{t+1} + dh_t o_t tanh′(c_t) + Σ_g p_g da^g_{t+1}
///              (+ dc.hand at t = T)
/// ```
/// An encoder (no readout) has no `e` unless it is stacked.
/// Each term is stored for t = 0 … T (zero where it does not exist at t); the tests check that
/// they add up to the recorded pre-activations and derivatives.
struct StepEquations {
    /// Each term's values, (T + 1) × `units.count`: row t is step t.
    private(set) var terms: [(name: String, values: [Double])] = []
    /// Values that do not change with t (biases, peephole weights), one per unit.
    private(set) var constants: [(name: String, values: [Double])] = []
    /// The units (0-based) the terms are for.
    let units: [Int]
    /// The gates' letters in stacking order, as the weights name them (`f i c o`, `z r h`, and
    /// `h` for a vanilla RNN, whose W_xh, W_hh and b_h compute its one pre-activation a_t).
    let gateKeys: [String]

    /// The terms for `units` of the first layer's forward cell.
    init(trace: Trace, units: [Int]) {
        self.units = units
        let r = trace.record.layers[0][0], spec = r.spec
        let H = r.hiddenSize, X = spec.inputSize, T = r.steps, G = spec.gateCount * H
        let network = trace.model.network, p = trace.model.parameters
        let stacked = network.spec.hiddenSizes.count > 1, bidirectional = network.spec.bidirectional
        let prefix = (stacked ? "layer1." : "") + (bidirectional ? "forward." : "")
        let keys = Self.gateKeys(spec)
        gateKeys = keys
        // Every name asked for here is one the cell allocated: they are fixed by the cell kind.
        func weight(_ name: String) -> Weight { Weight(p, network.layout.slot(named: prefix + name)!) }
        let resetAfter = spec.kind == .gru && spec.gruVariant == .resetAfter
        let peepholes: Set<String> = spec.peephole ? ["f", "i", "o"] : []
        let truncation = trace.truncation
        // As the cells decide (RecurrentCell.gradientFlows): does dL/dh_{s-1} get step s's part?
        func flows(into s: Int) -> Bool {
            guard let k = truncation else { return true }
            return s == 1 || (s - 1) % k != 0
        }
        let x = trace.record.input
        var terms: [(name: String, values: [Double])] = [], constants: [(name: String, values: [Double])] = []
        func add<S: Sequence<Int>>(_ name: String, steps: S, _ value: (Int, Int) -> Double) {
            var values = [Double](repeating: 0, count: (T + 1) * units.count)
            for t in steps { for (n, j) in units.enumerated() { values[t * units.count + n] = value(t, j) } }
            terms.append((name, values))
        }
        func constant(_ name: String, _ value: (Int) -> Double) {
            constants.append((name, units.map(value)))
        }

        // Forward: the terms of every gate's pre-activation.
        for (gi, key) in keys.enumerated() {
            let wx = weight("W_x" + key), wh = weight("W_h" + key)
            let b = weight("b_" + key)
            add("x.\(key)", steps: 1...T) { t, j in wx.row(j, dot: x[((t - 1) * X)..<(t * X)]) }
            if spec.hasResetGate && key == "h" && !resetAfter {
                // the candidate reads r_t ⊙ h_{t-1} (the record's aux)
                add("h.h", steps: 1...T) { t, j in wh.row(j, dot: r.aux[((t - 1) * H)..<(t * H)]) }
            } else {
                add("h.\(key)", steps: 1...T) { t, j in wh.row(j, dot: r.h[((t - 1) * H)..<(t * H)]) }
            }
            if peepholes.contains(key) {
                let pg = weight("p_" + key)
                add("p.\(key)", steps: 1...T) { t, j in pg[j] * r.c[(t - 1) * H + j] }
                constant("p.\(key)") { pg[$0] }
            }
            if spec.kind != .rnn {
                add("a.\(key)", steps: 1...T) { t, j in r.preActivations[(t - 1) * G + gi * H + j] }
            }
            constant("b.\(key)") { b[$0] }
            if resetAfter {
                let bh = weight("b_h" + key)
                constant("bh.\(key)") { bh[$0] }
            }
        }

        // Backward: dL/dh_t from the output at t (or the layer above) …
        // (the readout's columns, or the layer above's input weights, transposed, times the
        // gradients they carried: `Trace.gradientFromAbove`, which a layer view has already
        // taken for its cell). An encoder's one layer has no readout: nothing comes from above.
        if let above = trace.fromAbove ?? (stacked || network.layout.slot(named: "W_hy") != nil
                                           ? trace.gradientFromAbove(layer: 0, direction: 0) : nil) {
            add("e", steps: 1...T) { t, j in above[(t - 1) * H + j] }
        }
        // … at the last step, what came from outside (an encoder's decoder hands back
        // dL/dh_0, and dL/dc_0 when both are LSTMs) …
        if let handed = trace.handedBack {
            add("hand", steps: [T]) { _, j in handed.dh[j] }
            if let dc = handed.dc { add("dc.hand", steps: [T]) { _, j in dc[j] } }
        }
        // … and from step t + 1 through the recurrence.
        let into = (0..<T).filter { flows(into: $0 + 1) }
        let dPre = r.dPreActivations
        func block(_ t: Int, _ gi: Int) -> ArraySlice<Double> { dPre[(t * G + gi * H)..<(t * G + (gi + 1) * H)] }
        func gate(_ gi: Int, _ s: Int, _ j: Int) -> Double { r.gates[(s - 1) * G + gi * H + j] }
        switch spec.kind {
        case .rnn:
            let whh = weight("W_hh")
            add("rho", steps: into) { t, j in whh.column(j, dot: block(t, 0)) }
            add("da", steps: 1...T) { t, j in dPre[(t - 1) * H + j] }
            add("dphi", steps: 1...T) { t, j in
                spec.activation.slope(preActivation: r.preActivations[(t - 1) * H + j], output: r.h[t * H + j])
            }
        case .lstm:
            let wh = keys.map { weight("W_h" + $0) }
            add("rho", steps: into) { t, j in (0..<4).reduce(0) { $0 + wh[$1].column(j, dot: block(t, $1)) } }
            add("dc.f", steps: into) { t, j in r.dc[(t + 1) * H + j] * gate(0, t + 1, j) }
            add("dtc", steps: 1...T) { t, j in
                let tc = r.aux[(t - 1) * H + j]
                return (1 - tc) * (1 + tc)
            }
            add("dc.h", steps: 1...T) { t, j in
                let tc = r.aux[(t - 1) * H + j]
                return r.dh[t * H + j] * gate(3, t, j) * ((1 - tc) * (1 + tc))
            }
            if spec.peephole {
                let pf = weight("p_f"), pi = weight("p_i"), po = weight("p_o")
                add("dc.p", steps: into) { t, j in
                    pf[j] * dPre[t * G + j] + pi[j] * dPre[t * G + H + j] + po[j] * dPre[t * G + 3 * H + j]
                }
            }
        case .gru where !spec.hasResetGate:
            // The simplified GRU: h_t = z ⊙ h̃ + (1 − z) ⊙ h_{t-1}, both gates reading h_{t-1}.
            let whz = weight("W_hz"), whh = weight("W_hh")
            add("dir", steps: into) { t, j in r.dh[(t + 1) * H + j] * (1 - gate(0, t + 1, j)) }
            add("rho", steps: into) { t, j in whz.column(j, dot: block(t, 0)) + whh.column(j, dot: block(t, 1)) }
        case .gru:
            let whz = weight("W_hz"), whr = weight("W_hr"), whh = weight("W_hh")
            add("dir", steps: into) { t, j in
                let z = gate(0, t + 1, j)
                return r.dh[(t + 1) * H + j] * (resetAfter ? z : 1 - z)
            }
            add("rho", steps: into) { t, j in
                let gates = whz.column(j, dot: block(t, 0)) + whr.column(j, dot: block(t, 1))
                if resetAfter { return gates + whh.column(j, dot: r.dAux[(t * H)..<((t + 1) * H)]) }
                return gates + gate(1, t + 1, j) * whh.column(j, dot: block(t, 2))
            }
        }
        self.terms = terms
        self.constants = constants
    }

    /// `f i c o` for the LSTM (W_xc is c̃'s), `z r h` for the GRU (W_xh is h̃'s), `h` for the
    /// vanilla RNN.
    static func gateKeys(_ kind: CellKind) -> [String] {
        switch kind {
        case .rnn: return ["h"]
        case .lstm: return ["f", "i", "c", "o"]
        case .gru: return ["z", "r", "h"]
        }
    }

    /// The gates' letters of this cell (`CellSpec.weightLetters`).
    static func gateKeys(_ spec: CellSpec) -> [String] { spec.weightLetters }

    /// The value of term `name` at step t for the n-th unit.
    func term(_ name: String, t: Int, unit n: Int) -> Double? {
        terms.first { $0.name == name }.map { $0.values[t * units.count + n] }
    }
}

/// A weight matrix (or vector) of the flat parameter vector, read in place.
private struct Weight {
    let p: [Double]
    let offset: Int, rows: Int, cols: Int

    init(_ p: [Double], _ slot: TensorSlot) {
        self.p = p
        offset = slot.offset
        rows = slot.rows
        cols = slot.cols
    }

    subscript(i: Int) -> Double { p[offset + i] }

    /// (W v)[i] = Σ_k W[i][k] v[k].
    func row(_ i: Int, dot v: ArraySlice<Double>) -> Double {
        var sum = 0.0, k = offset + i * cols
        for value in v { sum += p[k] * value; k += 1 }
        return sum
    }

    /// (Wᵀ v)[i] = Σ_k W[k][i] v[k].
    func column(_ i: Int, dot v: ArraySlice<Double>) -> Double {
        var sum = 0.0, k = offset + i
        for value in v { sum += p[k] * value; k += cols }
        return sum
    }
}

extension Activation {
    /// φ′ at a step, as the core takes it (relu′(0) = 0; tanh′ from the output).
    func slope(preActivation a: Double, output h: Double) -> Double {
        switch self {
        case .tanh: return (1 - h) * (1 + h)
        case .relu: return a > 0 ? 1 : 0
        case .linear: return 1
        }
    }
}
