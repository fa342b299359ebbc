/// One cell of a stacked or bidirectional network as a trace of its own, so that everything
/// drawn for a one-layer trace (the step-through, its equations, the unrolled graph) can show
/// any layer and direction. Nothing is run again: the view re-labels the recorded numbers.
///
/// The view's model is a one-layer network with no readout whose weights are that cell's. Its
/// input is what the cell read (the network's input for layer 1, the layer below's outputs
/// above it), in the cell's own step order (reversed for a backward-in-time cell), and
/// `fromAbove` is what reached h_t from outside the cell at each step: W_hyᵀ dL/dy_t (this
/// direction's half) for the top layer, else the layer above's input weights transposed times
/// its pre-activation gradients, summed over its directions.
extension Trace {
    public func layerView(layer l: Int, direction d: Int) -> Trace {
        let network = model.network, spec = network.spec, p = model.parameters
        let L = spec.hiddenSizes.count, T = record.steps
        let r = record.layers[l][d], H = r.hiddenSize
        let prefix = (L > 1 ? "layer\(l + 1)." : "") + (spec.bidirectional ? (d == 0 ? "forward." : "backward.") : "")
        let viewSpec = NetworkSpec(cell: spec.cell, inputSize: r.spec.inputSize, hiddenSizes: [H], outputSize: 0,
                                   activation: spec.activation, gruVariant: spec.gruVariant, peephole: spec.peephole)
        let viewNetwork = Network(viewSpec)
        var parameters = [Double](repeating: 0, count: viewNetwork.layout.count)
        for slot in viewNetwork.layout.slots {
            guard let source = network.layout.slot(named: prefix + slot.name) else { continue }
            for k in 0..<slot.count { parameters[slot.offset + k] = p[source.offset + k] }
        }
        let width = r.spec.inputSize
        let below = l == 0 ? record.input : record.outputs[l - 1]
        var input = [Double](repeating: 0, count: T * width)
        for s in 1...max(T, 1) where T > 0 {
            let t = sequenceStep(s, direction: d)
            for k in 0..<width { input[(s - 1) * width + k] = below[(t - 1) * width + k] }
        }
        let above = gradientFromAbove(layer: l, direction: d)
        let viewRecord = NetworkRecord(steps: T, input: input, layers: [[r]], outputs: [Array(r.h.dropFirst(H))], y: [], loss: record.loss, dy: [])
        var view = Trace(model: Model(network: viewNetwork, parameters: parameters), sample: sample, record: viewRecord,
                         gradient: [], jacobianNorms: [[jacobianNorms[l][d]]], handedBack: nil)
        view.fromAbove = above
        view.view = (l, d, L)
        return view
    }

    /// What reaches cell (l, d)'s h_t from outside the cell at each of its own steps (T × H):
    /// W_hyᵀ dL/dy_t (this direction's columns) for the top layer, else, summed over the layer
    /// above's directions and gates, its input weights transposed times its pre-activation
    /// gradients. With no readout (an encoder's top layer) it is zero.
    public func gradientFromAbove(layer l: Int, direction d: Int) -> [Double] {
        let network = model.network, spec = network.spec, p = model.parameters
        let L = spec.hiddenSizes.count, T = record.steps
        let H = record.layers[l][d].hiddenSize
        // W (rows × cols, row-major) transposed times v, column j: Σ_k W[k][j] v[k].
        func column(_ slot: TensorSlot, _ j: Int, _ v: ArraySlice<Double>) -> Double {
            var sum = 0.0, i = slot.offset + j
            for value in v { sum += p[i] * value; i += slot.cols }
            return sum
        }
        var above = [Double](repeating: 0, count: T * H)
        let offset = d * H  // this direction's columns of whatever reads [h→; h←]
        if l == L - 1 {
            if let why = network.layout.slot(named: "W_hy"), !record.dy.isEmpty {
                let Y = why.rows
                for s in 1...max(T, 1) where T > 0 {
                    let t = sequenceStep(s, direction: d)
                    for j in 0..<H { above[(s - 1) * H + j] = column(why, offset + j, record.dy[((t - 1) * Y)..<(t * Y)]) }
                }
            }
        } else {
            for (d2, cell) in record.layers[l + 1].enumerated() {
                let p2 = (L > 1 ? "layer\(l + 2)." : "") + (spec.bidirectional ? (d2 == 0 ? "forward." : "backward.") : "")
                let keys = cell.spec.weightLetters
                let H2 = cell.hiddenSize, G2 = cell.gateWidth
                for (gi, key) in keys.enumerated() {
                    guard let w = network.layout.slot(named: p2 + "W_x" + key) else { continue }
                    for s in 1...max(T, 1) where T > 0 {
                        let s2 = sequenceStep(sequenceStep(s, direction: d), direction: d2)
                        let start = (s2 - 1) * G2 + gi * H2
                        for j in 0..<H { above[(s - 1) * H + j] += column(w, offset + j, cell.dPreActivations[start..<(start + H2)]) }
                    }
                }
            }
        }
        return above
    }

    /// The sequence's step that a cell's own step s reads (a backward cell runs from T down).
    private func sequenceStep(_ s: Int, direction: Int) -> Int { direction == 0 ? s : record.steps + 1 - s }
}
