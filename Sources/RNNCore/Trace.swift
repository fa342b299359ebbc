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
        writeForward(first, into: &w, y: spec.isContractModel ? record.y : nil, outputSize: Y)
        w.key("backward")
        writeBackward(first, into: &w)
        w.key("jacobian_norms"); w.numbers(jacobianNorms[0][0])
        w.key("grads")
        w.beginObject()
        for slot in network.layout.slots {
            w.key(slot.name)
            writeTensor(gradient, slot: slot, into: &w)
        }
        w.endObject()
        w.key("grad_norms")
        w.beginObject()
        for slot in network.layout.slots {
            w.key(slot.name); w.number(euclideanNorm(gradient[slot.range]))
        }
        w.endObject()
        if !spec.isContractModel {
            w.key("y")
            w.matrix(record.y, rows: T, cols: Y)
            w.key("layers")
            w.beginArray()
            for (l, directions) in record.layers.enumerated() {
                for (d, cellRecord) in directions.enumerated() {
                    w.beginObject()
                    w.key("layer"); w.integer(l + 1)
                    w.key("direction"); w.string(d == 0 ? "forward" : "backward")
                    w.key("forward"); writeForward(cellRecord, into: &w, y: nil, outputSize: Y)
                    w.key("backward"); writeBackward(cellRecord, into: &w)
                    w.key("jacobian_norms"); w.numbers(jacobianNorms[l][d])
                    w.endObject()
                }
            }
            w.endArray()
        }
        w.endObject()
        w.newline()
        return w.bytes
    }

    private var estimatedSize: Int {
        let perStep = record.layers.flatMap { $0 }.reduce(0) { $0 + 3 * $1.gateWidth + 5 * $1.hiddenSize }
        return 24 * (record.steps * perStep + gradient.count) + 4096
    }

    private func writeForward(_ r: CellRecord, into w: inout JSONWriter, y: [Double]?, outputSize Y: Int) {
        w.beginArray()
        for t in 1...r.steps {
            w.beginObject()
            w.key("t"); w.integer(t)
            w.key("gates")
            w.beginObject()
            for (g, name) in r.spec.gateNames.enumerated() {
                w.key(name); w.numbers(r.gate(g, at: t))
            }
            w.endObject()
            if r.spec.hasCellState { w.key("c"); w.numbers(r.cell(at: t)) }
            w.key("h"); w.numbers(r.hidden(at: t))
            if let y { w.key("y"); w.numbers(y[((t - 1) * Y)..<(t * Y)]) }
            w.endObject()
        }
        w.endArray()
    }

    private func writeBackward(_ r: CellRecord, into w: inout JSONWriter) {
        w.beginArray()
        for t in 0...r.steps {
            w.beginObject()
            w.key("t"); w.integer(t)
            w.key("dh"); w.numbers(r.dhAt(t))
            if r.spec.hasCellState { w.key("dc"); w.numbers(r.dcAt(t)) }
            w.key("dh_norm"); w.number(euclideanNorm(r.dhAt(t)))
            if r.spec.hasCellState { w.key("dc_norm"); w.number(euclideanNorm(r.dcAt(t))) }
            w.endObject()
        }
        w.endArray()
    }

    private func writeTensor(_ values: [Double], slot: TensorSlot, into w: inout JSONWriter) {
        if slot.isVector {
            w.numbers(values[slot.range])
        } else {
            w.matrix(values[slot.range], rows: slot.rows, cols: slot.cols)
        }
    }
}
