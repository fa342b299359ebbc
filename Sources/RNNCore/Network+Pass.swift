/// Forward and backward passes through a whole network.
extension Network {
    /// Runs the sequence forward through every layer and the readout, and evaluates the loss.
    public func forward(
        parameters: [Double], sample: Sample, perturbation: StatePerturbation? = nil
    ) -> NetworkRecord {
        precondition(parameters.count == layout.count, "parameter vector has the wrong size")
        var record = NetworkRecord.empty
        parameters.withUnsafeBufferPointer { pBuf in
            forward(
                weights: pBuf.baseAddress!, sample: sample, perturbation: perturbation, recurrent: [],
                into: &record)
        }
        return record
    }

    /// Backprop through time through the readout and every layer; fills the record's
    /// derivatives and returns dL/dθ as a flat vector in the layout's order.
    /// `truncation` k stops the gradient between chunks of k steps (nil: full BPTT).
    public func backward(
        parameters: [Double], record: inout NetworkRecord, sample: Sample, truncation: Int? = nil
    ) -> [Double] {
        var grads = [Double](repeating: 0, count: layout.count)
        var scratch = BackwardScratch()
        parameters.withUnsafeBufferPointer { pBuf in
            grads.withUnsafeMutableBufferPointer { gBuf in
                backward(
                    weights: pBuf.baseAddress!, record: &record, sample: sample,
                    truncation: truncation, recurrent: [], grads: gBuf.baseAddress!,
                    scratch: &scratch)
            }
        }
        return grads
    }

    /// Forward and backward in one call: the loss, the record and the gradient.
    public func lossAndGradient(
        parameters: [Double], sample: Sample, truncation: Int? = nil
    ) -> (record: NetworkRecord, gradient: [Double]) {
        var record = forward(parameters: parameters, sample: sample)
        let grads = backward(
            parameters: parameters, record: &record, sample: sample, truncation: truncation)
        return (record, grads)
    }

    /// Training's forward and backward: the loss, with dL/dθ left in `buffers.gradient`. The
    /// same numbers as `lossAndGradient`, but every array of the pass is `buffers`' from the
    /// previous sequence, and the recurrent matrices are the aligned copies `alignRecurrent`
    /// made for the batch (a lesson's small models take microseconds per sequence, and
    /// allocating, page-faulting and copying cost about a tenth of that).
    func lossAndGradient(
        weights: UnsafePointer<Double>, sample: Sample, truncation: Int?, buffers: PassBuffers
    ) -> Double {
        forward(
            weights: weights, sample: sample, perturbation: nil, recurrent: buffers.recurrent,
            into: &buffers.record)
        buffers.gradient.refillWithZeros(count: layout.count)
        buffers.gradient.withUnsafeMutableBufferPointer { gBuf in
            backward(
                weights: weights, record: &buffers.record, sample: sample, truncation: truncation,
                recurrent: buffers.recurrent, grads: gBuf.baseAddress!, scratch: &buffers.scratch)
        }
        return buffers.record.loss
    }

    /// The forward pass into `record`, whose arrays are reused where their sizes fit.
    /// `recurrent` holds an aligned copy of every cell's recurrent matrix (layer by layer, forward
    /// direction first), or is empty for the cells to make their own.
    func forward(
        weights w: UnsafePointer<Double>, sample: Sample, perturbation: StatePerturbation?,
        recurrent: [AlignedCopy], into record: inout NetworkRecord
    ) {
        let T = sample.steps, Y = spec.outputSize
        record.steps = T
        embed(sample.input, weights: w, into: &record.input)
        if record.layers.count != layers.count || record.layers.first?.first?.spec != layers[0][0].spec {
            record.layers = layers.map { cells in cells.map { CellRecord(spec: $0.spec, steps: T) } }
            record.outputs = Array(repeating: [], count: layers.count)
        }
        var cellIndex = 0  // in `recurrent`
        for (l, cells) in layers.enumerated() {
            let input = l == 0 ? record.input : record.outputs[l - 1]
            for (d, cell) in cells.enumerated() {
                record.layers[l][d].prepare(steps: T)
                if d == 0 {
                    let h0 = l == 0 ? sample.h0 : sample.upperH0?[l - 1]
                    let c0 = l == 0 ? sample.c0 : sample.upperC0?[l - 1]
                    if let h0 { record.layers[l][d].h.replaceSubrange(0..<h0.count, with: h0) }
                    if let c0 { record.layers[l][d].c.replaceSubrange(0..<c0.count, with: c0) }
                }
                let nudge = perturbation.flatMap {
                    $0.layer == l && $0.reversed == (d == 1) ? $0 : nil
                }
                let prepared = recurrent.isEmpty ? nil : UnsafePointer(recurrent[cellIndex].pointer)
                cellIndex += 1
                let x = d == 0 ? input : reversedRows(input, steps: T)
                x.withUnsafeBufferPointer {
                    cell.forward(
                        weights: w, input: $0.baseAddress!, record: &record.layers[l][d],
                        perturbation: nudge, recurrent: prepared)
                }
            }
            layerOutput(record.layers[l], steps: T, into: &record.outputs[l])
        }
        guard hasReadout else {  // an encoder: its states are read by whatever follows it
            record.y.refill(unfilled: 0)
            record.loss = 0
            return
        }
        // y_t = W_hy h_t + b_y for every step in one product.
        record.y.refill(unfilled: T * Y)
        let top = record.outputs[layers.count - 1], width = topWidth
        record.y.withUnsafeMutableBufferPointer { yBuf in
            let y = yBuf.baseAddress!, bias = w + readoutB
            for t in 0..<T { for k in 0..<Y { y[t * Y + k] = bias[k] } }  // no memmove call per row
            top.withUnsafeBufferPointer { hBuf in
                BLAS.gemm(
                    transposeA: false, transposeB: true, m: T, n: Y, k: width,
                    a: hBuf.baseAddress!, lda: width, b: w + readoutW, ldb: width, beta: 1,
                    c: yBuf.baseAddress!, ldc: Y)
            }
        }
        record.loss = sample.loss.evaluate(
            y: record.y, steps: T, outputSize: Y, targets: sample.targets, dy: &record.dy)
    }

    /// The backward pass: fills the record's derivatives and adds dL/dθ into `g`, which the
    /// caller zeroes. `scratch` holds the derivatives passed between layers (reused when the
    /// caller keeps it); `recurrent` as for `forward`. `finalStates` brings dL/dh_T (and dL/dc_T)
    /// of every cell's last state from outside the network (a decoder that starts from them);
    /// without a readout they are the only source of the gradient.
    func backward(
        weights w: UnsafePointer<Double>, record: inout NetworkRecord, sample: Sample,
        truncation: Int?, recurrent: [AlignedCopy], grads g: UnsafeMutablePointer<Double>,
        scratch: inout BackwardScratch, finalStates: FinalStateGradients? = nil
    ) {
        let T = record.steps, width = topWidth
        if hasReadout {
            readoutBackward(weights: w, record: record, grads: g, into: &scratch.dAbove)
        } else {
            scratch.dAbove.refillWithZeros(count: T * width)
        }
        var cellIndex = recurrent.count  // in `recurrent`, of this layer's first cell (below)
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let cells = layers[l]
            let below = l == 0 ? record.input : record.outputs[l - 1]
            let X = cells[0].spec.inputSize, H = cells[0].spec.hiddenSize
            let needInput = l > 0 || embedding != nil
            scratch.dBelow.refillWithZeros(count: needInput ? T * X : 0)
            cellIndex -= recurrent.isEmpty ? 0 : cells.count
            for (d, cell) in cells.enumerated() {
                let x = d == 0 ? below : reversedRows(below, steps: T)
                var dh = directionSlice(scratch.dAbove, steps: T, width: H * cells.count,
                                        hidden: H, direction: d)
                // The last state also reaches what follows the network: its own step T.
                let dhLast = finalStates?.dh[l][d] ?? [], dcLast = finalStates?.dc[l][d] ?? []
                for j in dhLast.indices { dh[(T - 1) * H + j] += dhLast[j] }
                scratch.dx.refillWithZeros(count: needInput ? T * X : 0)
                let prepared = recurrent.isEmpty ? nil : UnsafePointer(recurrent[cellIndex + d].pointer)
                x.withUnsafeBufferPointer { xBuf in
                    dh.withUnsafeBufferPointer { dhBuf in
                        dcLast.withUnsafeBufferPointer { dcBuf in
                            scratch.dx.withUnsafeMutableBufferPointer { dxBuf in
                                cell.backward(
                                    weights: w, input: xBuf.baseAddress!,
                                    record: &record.layers[l][d],
                                    dhExternal: dhBuf.baseAddress!,
                                    dcLast: dcBuf.isEmpty ? nil : dcBuf.baseAddress!,
                                    truncation: truncation,
                                    grads: g, dInput: needInput ? dxBuf.baseAddress! : nil,
                                    recurrent: prepared)
                            }
                        }
                    }
                }
                if needInput {
                    let ordered = d == 0 ? scratch.dx : reversedRows(scratch.dx, steps: T)
                    for k in 0..<(T * X) { scratch.dBelow[k] += ordered[k] }
                }
            }
            // dL/dx of this layer is dL/d(output) of the one below (swapped, to keep both arrays).
            if needInput { swap(&scratch.dAbove, &scratch.dBelow) }
        }
        if let embedding, case .tokens(let ids) = sample.input {
            // forward: x_t = E[token_t]  ⇒  dE[token_t] += dL/dx_t
            let D = spec.inputSize
            for (t, id) in ids.enumerated() {
                for k in 0..<D { g[embedding + id * D + k] += scratch.dAbove[t * D + k] }
            }
        }
    }

    /// The readout's backward: adds dW_hy and db_y into `g` and writes dL/d(top output) into `dTop`.
    private func readoutBackward(
        weights w: UnsafePointer<Double>, record: NetworkRecord, grads g: UnsafeMutablePointer<Double>,
        into dTop: inout [Double]
    ) {
        let T = record.steps, Y = spec.outputSize, width = topWidth
        // forward: y_t = W_hy h_t + b_y  ⇒  dW_hy += dyᵀ H, db_y += Σ dy, dH = dy W_hy
        dTop.refill(unfilled: T * width)  // the product below writes every entry
        record.dy.withUnsafeBufferPointer { dyBuf in
            record.outputs.last!.withUnsafeBufferPointer { hBuf in
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: Y, n: width, k: T,
                    a: dyBuf.baseAddress!, lda: Y, b: hBuf.baseAddress!, ldb: width,
                    beta: 1, c: g + readoutW, ldc: width)
                for t in 0..<T { for k in 0..<Y { g[readoutB + k] += dyBuf[t * Y + k] } }
                dTop.withUnsafeMutableBufferPointer { dBuf in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: T, n: width, k: Y,
                        a: dyBuf.baseAddress!, lda: Y, b: w + readoutW, ldb: width,
                        beta: 0, c: dBuf.baseAddress!, ldc: width)
                }
            }
        }
    }

    // MARK: - Plumbing between layers

    /// x_t for every step: the sample's vectors, or the embedding's rows for its tokens.
    private func embed(_ input: Sample.Input, weights: UnsafePointer<Double>, into x: inout [Double]) {
        switch input {
        case .vectors(let vectors, _):
            x = vectors
        case .tokens(let ids):
            let D = spec.inputSize, e = embedding!
            x.refill(unfilled: ids.count * D)
            for (t, id) in ids.enumerated() {
                for k in 0..<D { x[t * D + k] = weights[e + id * D + k] }
            }
        }
    }

    /// The aligned copies of every cell's recurrent matrix that training's passes share (made
    /// once per batch, since the parameters change only between batches).
    func alignRecurrent(_ buffers: PassBuffers, weights: UnsafePointer<Double>) {
        let cells = layers.joined()
        if buffers.recurrent.count != cells.count {
            buffers.recurrent = cells.map { AlignedCopy(of: weights + $0.wh, count: $0.recurrentCount) }
        } else {
            for (copy, cell) in zip(buffers.recurrent, cells) { copy.update(from: weights + cell.wh) }
        }
    }

    /// [h→_t, h←_t] per step in sequence order (just h_t for one direction).
    private func layerOutput(_ records: [CellRecord], steps T: Int, into out: inout [Double]) {
        let H = records[0].hiddenSize
        if records.count == 1 {
            out.refill(unfilled: T * H)
            out.withUnsafeMutableBufferPointer { o in
                records[0].h.withUnsafeBufferPointer { o.baseAddress!.update(from: $0.baseAddress! + H, count: T * H) }
            }
            return
        }
        out.refill(unfilled: T * 2 * H)  // every entry is written below
        for t in 1...T {
            let s = T + 1 - t  // the backward cell's own step for sequence step t
            for j in 0..<H {
                out[(t - 1) * 2 * H + j] = records[0].h[t * H + j]
                out[(t - 1) * 2 * H + H + j] = records[1].h[s * H + j]
            }
        }
    }

    /// The part of dL/d(layer output) that belongs to one direction, in that cell's step order.
    private func directionSlice(
        _ d: [Double], steps T: Int, width: Int, hidden H: Int, direction: Int
    ) -> [Double] {
        if width == H { return d }
        var out = [Double](repeating: 0, count: T * H)
        for s in 1...T {
            let t = direction == 0 ? s : T + 1 - s
            for j in 0..<H { out[(s - 1) * H + j] = d[(t - 1) * width + direction * H + j] }
        }
        return out
    }

    private func reversedRows(_ x: [Double], steps T: Int) -> [Double] {
        guard T > 0 else { return x }
        let width = x.count / T
        var out = [Double](repeating: 0, count: x.count)
        for t in 0..<T {
            for k in 0..<width { out[(T - 1 - t) * width + k] = x[t * width + k] }
        }
        return out
    }
}

/// dL/dh_T and dL/dc_T of every cell's last state (its own step T: for a backward-in-time cell,
/// the state after reading the sequence's first step) that arrive from outside the network.
/// `dh[l][d]` has H entries; `dc[l][d]` H for an LSTM, or is empty (no gradient).
struct FinalStateGradients {
    var dh: [[[Double]]]
    var dc: [[[Double]]]
}

/// The derivatives a backward pass hands from layer to layer.
struct BackwardScratch {
    /// (T, width) dL/d(output) of the layer being processed.
    var dAbove: [Double] = []
    /// (T, X) dL/d(input) of that layer, summed over its directions.
    var dBelow: [Double] = []
    /// (T, X) one direction's dL/d(input).
    var dx: [Double] = []
}

/// Everything a training pass needs besides the parameters, kept from one sequence to the
/// next. Belongs to one training run (one thread).
final class PassBuffers {
    var record = NetworkRecord.empty
    /// dL/dθ of the last sequence.
    var gradient: [Double] = []
    var scratch = BackwardScratch()
    /// Every cell's recurrent matrix, 64-byte aligned (see `Network.alignRecurrent`).
    var recurrent: [AlignedCopy] = []
}

extension NetworkRecord {
    /// A record with no steps, for a forward pass to fill.
    static var empty: NetworkRecord {
        NetworkRecord(steps: 0, input: [], layers: [], outputs: [], y: [], loss: 0, dy: [])
    }
}
