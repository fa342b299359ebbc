/// The vanilla (Elman) RNN cell.
///
/// ```
/// a_t = W_xh x_t + W_hh h_{t-1} + b_h
/// h_t = φ(a_t)                       φ = tanh | relu | identity
/// ```
/// Weights: W_xh (H×X), W_hh (H×H), b_h (H), allocated in that order.
struct VanillaCell: RecurrentCell {
    let spec: CellSpec
    /// Offsets of W_xh, W_hh and b_h in the flat parameter vector.
    let wx: Int, wh: Int, b: Int

    init(spec: CellSpec, prefix: String, layout: inout ParameterLayout) {
        self.spec = spec
        let H = spec.hiddenSize
        wx = layout.addMatrix(prefix + "W_xh", rows: H, cols: spec.inputSize)
        wh = layout.addMatrix(prefix + "W_hh", rows: H, cols: H)
        b = layout.addVector(prefix + "b_h", count: H)
    }

    func forward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, perturbation: StatePerturbation?, recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, phi = spec.activation
        record.preActivations.withUnsafeMutableBufferPointer { preBuf in
            record.h.withUnsafeMutableBufferPointer { hBuf in
                let pre = preBuf.baseAddress!, h = hBuf.baseAddress!
                perturbation?.apply(to: h, kind: .hidden, t: 0)
                let projection = inputProjection(weights: weights, input: input, steps: T, into: pre)
                withRecurrent(weights, prepared: prepared) { recurrent in
                for t in 1...T {
                    projection.wait(forStep: t)
                    let a = pre + (t - 1) * H, hPrev = h + (t - 1) * H, hNow = h + t * H
                    // a_t = (W_xh x_t + b_h) + W_hh h_{t-1}
                    BLAS.gemv(
                        transpose: false, m: H, n: H, a: recurrent, lda: H, x: hPrev,
                        beta: 1, y: a)
                    // h_t = φ(a_t)
                    if phi == .tanh {
                        Elementwise.tanh(H, a, into: hNow)
                    } else {
                        for j in 0..<H { hNow[j] = phi.apply(a[j]) }
                    }
                    perturbation?.apply(to: hNow, kind: .hidden, t: t)
                }
                projection.finish()
                }
            }
        }
    }

    func backward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, dhExternal: UnsafePointer<Double>,
        dcLast: UnsafePointer<Double>?, truncation: Int?,
        grads: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>?,
        recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, phi = spec.activation
        // Every entry is written below (dh_0 starts at zero and accumulates).
        record.dh.refill(unfilled: (T + 1) * H, zeroFirst: H)
        record.dPreActivations.refill(unfilled: T * H)
        record.dh.withUnsafeMutableBufferPointer { dhBuf in
            record.dPreActivations.withUnsafeMutableBufferPointer { daBuf in
                record.h.withUnsafeBufferPointer { hBuf in
                    record.preActivations.withUnsafeBufferPointer { preBuf in
                        let dh = dhBuf.baseAddress!, dA = daBuf.baseAddress!
                        let h = hBuf.baseAddress!, pre = preBuf.baseAddress!
                        (dh + H).update(from: dhExternal, count: T * H)
                        let pipeline = GradientPipeline(
                            steps: T, multiplyAdds: T * H * (H + spec.inputSize)
                        ) { rows, oneThread in
                            // dW_hh += Σ_t dL/da_t h_{t-1}ᵀ  (h_0 … h_{T-1} are rows 0 … T-1 of h)
                            BLAS.gemm(
                                transposeA: true, transposeB: false, m: H, n: H, k: rows.count,
                                a: dA + rows.lowerBound * H, lda: H, b: h + rows.lowerBound * H,
                                ldb: H, beta: 1, c: grads + wh, ldc: H, oneThread: oneThread)
                            accumulateInputGradients(
                                weights: weights, wx: wx, b: b, input: input, rows: rows,
                                dPre: dA, grads: grads, dInput: dInput, oneThread: oneThread)
                        }
                        withRecurrent(weights, prepared: prepared) { recurrent in
                        for t in stride(from: T, through: 1, by: -1) {
                            let dht = dh + t * H, da = dA + (t - 1) * H
                            let a = pre + (t - 1) * H, ht = h + t * H
                            // forward: h_t = φ(a_t)  ⇒  dL/da_t = dL/dh_t ⊙ φ′(a_t)
                            for j in 0..<H {
                                da[j] = dht[j] * phi.derivative(preActivation: a[j], output: ht[j])
                            }
                            // forward: a_t = … + W_hh h_{t-1}  ⇒  dL/dh_{t-1} += W_hhᵀ dL/da_t
                            if gradientFlows(into: t, truncation: truncation) {
                                BLAS.gemv(
                                    transpose: true, m: H, n: H, a: recurrent, lda: H, x: da,
                                    beta: 1, y: dht - H)
                            }
                            pipeline.completed(step: t)
                        }
                        }
                        pipeline.finish()
                    }
                }
            }
        }
    }

    func stateJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int,
        dense: UnsafeMutablePointer<Double>, cDiagonals: UnsafeMutablePointer<Double>
    ) {
        // ∂h_t/∂h_{t-1} = diag(φ′(a_t)) W_hh
        let H = spec.hiddenSize, phi = spec.activation
        for j in 0..<H {
            let d = phi.derivative(
                preActivation: record.preActivations[(t - 1) * H + j], output: record.h[t * H + j])
            let row = weights + wh + j * H
            for k in 0..<H { dense[j * H + k] = d * row[k] }
        }
    }
}

extension VanillaCell {
    func inputJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>
    ) {
        // ∂h_t/∂x_t = diag(φ′(a_t)) W_xh
        let H = spec.hiddenSize, X = spec.inputSize, phi = spec.activation
        for j in 0..<H {
            let d = phi.derivative(
                preActivation: record.preActivations[(t - 1) * H + j], output: record.h[t * H + j])
            let row = weights + wx + j * X
            for k in 0..<X { dense[j * X + k] = d * row[k] }
        }
    }
}
