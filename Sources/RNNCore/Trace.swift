/// The full recording of one sequence through a model, forward and backward: what
/// `rnnlab trace` prints and what every report, chart and graph is derived from.
public struct Trace: Sendable {
    public let model: Model
    public let sample: Sample
    public let truncation: Int?
    public let record: NetworkRecord
    /// dL/dθ in the layout's order.
    public let gradient: [Double]
    /// jacobianNorms[l][d]: ‖∂s_T/∂s_t‖₂ for t = 0 … T, per layer and direction.
    public let jacobianNorms: [[[Double]]]
    /// The part of dL/dh_T (and dL/dc_T) of the first layer's forward cell that came from
    /// outside the network: for an encoder, what its decoder hands back (nil for a network that
    /// ends in its own loss).
    public let handedBack: StateGradient?
    /// For a view of one layer of a larger network (`layerView`): the part of dL/dh_t (T × H,
    /// in the cell's own step order) that comes from outside the cell at every step — from the
    /// layer above, or from the readout for the top layer.
    public internal(set) var fromAbove: [Double]?
    /// For a view of one layer: which (0-based layer, direction) of how many layers.
    public internal(set) var view: (layer: Int, direction: Int, layers: Int)?

    /// Runs forward, backward and the Jacobian norms.
    public init(model: Model, sample: Sample, truncation: Int? = nil) {
        self.model = model
        self.sample = sample
        self.truncation = truncation
        let (record, gradient) = model.network.lossAndGradient(
            parameters: model.parameters, sample: sample, truncation: truncation)
        self.record = record
        self.gradient = gradient
        jacobianNorms = record.layers.indices.map { l in
            record.layers[l].indices.map { d in
                model.network.jacobianNorms(parameters: model.parameters, record: record, layer: l, direction: d)
            }
        }
        handedBack = nil
    }

    /// A trace of one half of a larger model from the record that model made (an encoder's or
    /// a decoder's, from `Seq2SeqTrace`): nothing is run again.
    init(model: Model, sample: Sample, record: NetworkRecord, gradient: [Double],
         jacobianNorms: [[[Double]]], handedBack: StateGradient?) {
        self.model = model
        self.sample = sample
        truncation = nil
        self.record = record
        self.gradient = gradient
        self.jacobianNorms = jacobianNorms
        self.handedBack = handedBack
    }

    /// The trace JSON of `shared/spec/trace-format.md` (format `rnnlab.trace.v1`).
    ///
    /// The contract's keys describe the first layer's forward cell; models that use the
    /// project's extensions (stacked, bidirectional, embedding) add a `layers` array with the
    /// same per-step record for every layer and direction. Extra keys beyond the contract:
    /// `dh_norm`/`dc_norm` per step and `grad_norms` per weight (pre-activations stay in the
    /// record for reports but are left out here: they would add 40% to an LSTM trace).
    public func json() -> [UInt8] {
        let network = model.network, spec = network.spec
        let T = record.steps, Y = spec.outputSize
        var w = JSONWriter(capacity: estimatedSize)
        w.beginObject()
        w.key("format"); w.string("rnnlab.trace.v1")
        w.key("cell"); w.string(spec.cell.rawValue)
        w.key("steps"); w.integer(T)
        w.key("loss"); w.number(record.loss)
        if let truncation { w.key("truncation"); w.integer(truncation) }
        let first = record.layers[0][0]
        w.key("forward")
        w.cellForward(first, y: spec.isContractModel ? record.y : nil, outputSize: Y)
        w.key("backward")
        w.cellBackward(first)
        w.key("jacobian_norms"); w.numbers(jacobianNorms[0][0])
        w.gradients(gradient, layout: network.layout)
        if !spec.isContractModel {
            w.key("y")
            w.matrix(record.y, rows: T, cols: Y)
            w.key("layers")
            w.layerRecords(record.layers, jacobianNorms: jacobianNorms)
        }
        w.endObject()
        w.newline()
        return w.bytes
    }

    private var estimatedSize: Int {
        let perStep = record.layers.flatMap { $0 }.reduce(0) { $0 + 3 * $1.gateWidth + 5 * $1.hiddenSize }
        return 24 * (record.steps * perStep + gradient.count) + 4096
    }
}

/// dL/dh (and, for a cell with a cell state, dL/dc) of one cell at one step.
public struct StateGradient: Sendable, Equatable {
    public var dh: [Double]
    /// nil where no gradient reaches c (an LSTM encoder whose decoder is not an LSTM).
    public var dc: [Double]?

    public init(dh: [Double], dc: [Double]?) {
        self.dh = dh
        self.dc = dc
    }
}

/// The pieces of a trace: one cell's per-step records, the per-layer records and the gradients.
extension JSONWriter {
    /// `forward`: the gates, c (lstm), h and, when given, y_t of every step t = 1 … T.
    mutating func cellForward(_ r: CellRecord, y: [Double]?, outputSize Y: Int) {
        beginArray()
        for t in 1...r.steps {
            beginObject()
            key("t"); integer(t)
            key("gates")
            beginObject()
            for (g, name) in r.spec.gateNames.enumerated() {
                key(name); numbers(r.gate(g, at: t))
            }
            endObject()
            if r.spec.hasCellState { key("c"); numbers(r.cell(at: t)) }
            key("h"); numbers(r.hidden(at: t))
            if let y { key("y"); numbers(y[((t - 1) * Y)..<(t * Y)]) }
            endObject()
        }
        endArray()
    }

    /// `backward`: dL/dh_t (and dL/dc_t) with their norms for t = 0 … T.
    mutating func cellBackward(_ r: CellRecord) {
        beginArray()
        for t in 0...r.steps {
            beginObject()
            key("t"); integer(t)
            key("dh"); numbers(r.dhAt(t))
            if r.spec.hasCellState { key("dc"); numbers(r.dcAt(t)) }
            key("dh_norm"); number(euclideanNorm(r.dhAt(t)))
            if r.spec.hasCellState { key("dc_norm"); number(euclideanNorm(r.dcAt(t))) }
            endObject()
        }
        endArray()
    }

    /// `layers`: one `{layer, direction, forward, backward, jacobian_norms}` per cell.
    mutating func layerRecords(_ layers: [[CellRecord]], jacobianNorms: [[[Double]]]) {
        beginArray()
        for (l, directions) in layers.enumerated() {
            for (d, cellRecord) in directions.enumerated() {
                beginObject()
                key("layer"); integer(l + 1)
                key("direction"); string(d == 0 ? "forward" : "backward")
                key("forward"); cellForward(cellRecord, y: nil, outputSize: 0)
                key("backward"); cellBackward(cellRecord)
                key("jacobian_norms"); numbers(jacobianNorms[l][d])
                endObject()
            }
        }
        endArray()
    }

    /// `grads` (dL/dθ in every weight's own shape) and `grad_norms` (‖dL/dθ‖₂ per weight).
    mutating func gradients(_ gradient: [Double], layout: ParameterLayout) {
        key("grads")
        beginObject()
        for slot in layout.slots {
            key(slot.name)
            if slot.isVector {
                numbers(gradient[slot.range])
            } else {
                matrix(gradient[slot.range], rows: slot.rows, cols: slot.cols)
            }
        }
        endObject()
        key("grad_norms")
        beginObject()
        for slot in layout.slots {
            key(slot.name); number(euclideanNorm(gradient[slot.range]))
        }
        endObject()
    }
}
