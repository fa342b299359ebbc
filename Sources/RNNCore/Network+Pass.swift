/// Forward and backward passes through a whole network.
extension Network {
    /// Runs the sequence forward through every layer and the readout, and evaluates the loss.
    public func forward(
        parameters: [Double], sample: Sample, perturbation: StatePerturbation? = nil
    ) -> NetworkRecord {
        precondition(parameters.count == layout.count, "parameter vector has the wrong size")
        let T = sample.steps, Y = spec.outputSize
        return parameters.withUnsafeBufferPointer { pBuf in
            let w = pBuf.baseAddress!
            let firstInput = embeddedInput(sample.input, weights: w)
            var input = firstInput
            var records: [[CellRecord]] = []
            var outputs: [[Double]] = []
            for (l, cells) in layers.enumerated() {
                var layerRecords: [CellRecord] = []
                for (d, cell) in cells.enumerated() {
                    var record = CellRecord(spec: cell.spec, steps: T)
                    if d == 0 {
                        let h0 = l == 0 ? sample.h0 : sample.upperH0?[l - 1]
                        let c0 = l == 0 ? sample.c0 : sample.upperC0?[l - 1]
                        if let h0 { record.h.replaceSubrange(0..<h0.count, with: h0) }
                        if let c0 { record.c.replaceSubrange(0..<c0.count, with: c0) }
                    }
                    let nudge = perturbation.flatMap {
                        $0.layer == l && $0.reversed == (d == 1) ? $0 : nil
                    }
                    let x = d == 0 ? input : reversedRows(input, steps: T)
                    x.withUnsafeBufferPointer {
                        cell.forward(
                            weights: w, input: $0.baseAddress!, record: &record, perturbation: nudge)
                    }
                    layerRecords.append(record)
                }
                let out = layerOutput(layerRecords, steps: T)
                records.append(layerRecords)
                outputs.append(out)
                input = out
            }
            // y_t = W_hy h_t + b_y for every step in one product.
            var y = [Double](repeating: 0, count: T * Y)
            let top = outputs.last!, width = topWidth
            y.withUnsafeMutableBufferPointer { yBuf in
                for t in 0..<T { (yBuf.baseAddress! + t * Y).update(from: w + readoutB, count: Y) }
                top.withUnsafeBufferPointer { hBuf in
                    BLAS.gemm(
                        transposeA: false, transposeB: true, m: T, n: Y, k: width,
                        a: hBuf.baseAddress!, lda: width, b: w + readoutW, ldb: width, beta: 1,
                        c: yBuf.baseAddress!, ldc: Y)
                }
            }
            let (loss, dy, _) = sample.loss.evaluate(
                y: y, steps: T, outputSize: Y, targets: sample.targets)
            return NetworkRecord(
                steps: T, input: firstInput,
                layers: records, outputs: outputs, y: y, loss: loss, dy: dy)
        }
    }

    /// Backprop through time through the readout and every layer; fills the record's
    /// derivatives and returns dL/dθ as a flat vector in the layout's order.
    /// `truncation` k stops the gradient between chunks of k steps (nil: full BPTT).
    public func backward(
        parameters: [Double], record: inout NetworkRecord, sample: Sample, truncation: Int? = nil
    ) -> [Double] {
        let T = record.steps, Y = spec.outputSize
        var grads = [Double](repeating: 0, count: layout.count)
        parameters.withUnsafeBufferPointer { pBuf in
            grads.withUnsafeMutableBufferPointer { gBuf in
                let w = pBuf.baseAddress!, g = gBuf.baseAddress!
                let width = topWidth
                // forward: y_t = W_hy h_t + b_y  ⇒  dW_hy += dyᵀ H, db_y += Σ dy, dH = dy W_hy
                var dAbove = [Double](repeating: 0, count: T * width)
                record.dy.withUnsafeBufferPointer { dyBuf in
                    record.outputs.last!.withUnsafeBufferPointer { hBuf in
                        BLAS.gemm(
                            transposeA: true, transposeB: false, m: Y, n: width, k: T,
                            a: dyBuf.baseAddress!, lda: Y, b: hBuf.baseAddress!, ldb: width,
                            beta: 1, c: g + readoutW, ldc: width)
                        for t in 0..<T { for k in 0..<Y { g[readoutB + k] += dyBuf[t * Y + k] } }
                        dAbove.withUnsafeMutableBufferPointer { dBuf in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: T, n: width, k: Y,
                                a: dyBuf.baseAddress!, lda: Y, b: w + readoutW, ldb: width,
                                beta: 0, c: dBuf.baseAddress!, ldc: width)
                        }
                    }
                }
                for l in stride(from: layers.count - 1, through: 0, by: -1) {
                    let cells = layers[l]
                    let below = l == 0 ? record.input : record.outputs[l - 1]
                    let X = cells[0].spec.inputSize, H = cells[0].spec.hiddenSize
                    let needInput = l > 0 || embedding != nil
                    var dBelow = [Double](repeating: 0, count: needInput ? T * X : 0)
                    for (d, cell) in cells.enumerated() {
                        let x = d == 0 ? below : reversedRows(below, steps: T)
                        let dh = directionSlice(dAbove, steps: T, width: H * cells.count,
                                                hidden: H, direction: d)
                        var dx = [Double](repeating: 0, count: needInput ? T * X : 0)
                        x.withUnsafeBufferPointer { xBuf in
                            dh.withUnsafeBufferPointer { dhBuf in
                                dx.withUnsafeMutableBufferPointer { dxBuf in
                                    cell.backward(
                                        weights: w, input: xBuf.baseAddress!,
                                        record: &record.layers[l][d],
                                        dhExternal: dhBuf.baseAddress!, truncation: truncation,
                                        grads: g, dInput: needInput ? dxBuf.baseAddress! : nil)
                                }
                            }
                        }
                        if needInput {
                            let ordered = d == 0 ? dx : reversedRows(dx, steps: T)
                            for k in 0..<(T * X) { dBelow[k] += ordered[k] }
                        }
                    }
                    dAbove = dBelow
                }
                if let embedding, case .tokens(let ids) = sample.input {
                    // forward: x_t = E[token_t]  ⇒  dE[token_t] += dL/dx_t
                    let D = spec.inputSize
                    for (t, id) in ids.enumerated() {
                        for k in 0..<D { g[embedding + id * D + k] += dAbove[t * D + k] }
                    }
                }
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

    // MARK: - Plumbing between layers

    private func embeddedInput(_ input: Sample.Input, weights: UnsafePointer<Double>) -> [Double] {
        switch input {
        case .vectors(let x, _):
            return x
        case .tokens(let ids):
            let D = spec.inputSize, e = embedding!
            var x = [Double](repeating: 0, count: ids.count * D)
            for (t, id) in ids.enumerated() {
                for k in 0..<D { x[t * D + k] = weights[e + id * D + k] }
            }
            return x
        }
    }

    /// [h→_t, h←_t] per step in sequence order (just h_t for one direction).
    private func layerOutput(_ records: [CellRecord], steps T: Int) -> [Double] {
        let H = records[0].hiddenSize
        if records.count == 1 { return Array(records[0].h[H...]) }
        var out = [Double](repeating: 0, count: T * 2 * H)
        for t in 1...T {
            let s = T + 1 - t  // the backward cell's own step for sequence step t
            for j in 0..<H {
                out[(t - 1) * 2 * H + j] = records[0].h[t * H + j]
                out[(t - 1) * 2 * H + H + j] = records[1].h[s * H + j]
            }
        }
        return out
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
