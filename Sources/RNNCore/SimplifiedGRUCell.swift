/// The simplified GRU of course notes 04 ("GRU unit (Simple version)"): an update gate only, no
/// relevance (reset) gate. The notes write it with the memory cell c = a and concatenated weights,
/// ```
/// c̃<t> = tanh(W_c [c<t−1>, x<t>] + b_c)
/// Γu   = σ(W_u [c<t−1>, x<t>] + b_u)
/// c<t> = Γu ⊙ c̃<t> + (1 − Γu) ⊙ c<t−1>,   a<t> = c<t>
/// ```
/// and rnnlab in the names of the full GRU (Γu = z, c̃ = h̃, c = a = h; W_u = [W_hz | W_xz],
/// W_c = [W_hh | W_xh]):
/// ```
/// z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z)
/// h̃_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)
/// h_t = z_t ⊙ h̃_t + (1 − z_t) ⊙ h_{t-1}
/// ```
/// It is the `lecture` GRU with r_t fixed at 1. Gates are stacked z, h̃: W_xz W_xh (2H × X),
/// W_hz W_hh (2H × H), b_z b_h.
struct SimplifiedGRUCell: RecurrentCell {
    let spec: CellSpec
    let wx: Int, wh: Int, b: Int

    init(spec: CellSpec, prefix: String, layout: inout ParameterLayout) {
        self.spec = spec
        let H = spec.hiddenSize, X = spec.inputSize
        wx = layout.addMatrix(prefix + "W_xz", rows: H, cols: X)
        layout.addMatrix(prefix + "W_xh", rows: H, cols: X)
        wh = layout.addMatrix(prefix + "W_hz", rows: H, cols: H)
        layout.addMatrix(prefix + "W_hh", rows: H, cols: H)
        b = layout.addVector(prefix + "b_z", count: H)
        layout.addVector(prefix + "b_h", count: H)
    }

    func forward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, perturbation: StatePerturbation?, recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, G = 2 * H
        record.preActivations.withUnsafeMutableBufferPointer { preBuf in
        record.gates.withUnsafeMutableBufferPointer { gBuf in
        record.h.withUnsafeMutableBufferPointer { hBuf in
        withRecurrent(weights, prepared: prepared) { wAligned in
            let pre = preBuf.baseAddress!, gates = gBuf.baseAddress!, h = hBuf.baseAddress!
            perturbation?.apply(to: h, kind: .hidden, t: 0)
            let projection = inputProjection(weights: weights, input: input, steps: T, into: pre)
            for t in 1...T {
                projection.wait(forStep: t)
                let a = pre + (t - 1) * G, gt = gates + (t - 1) * G
                let hPrev = h + (t - 1) * H, hNow = h + t * H
                // (a_z, a_h) = (W_xz x_t + b_z, W_xh x_t + b_h) + (W_hz, W_hh) h_{t-1}
                BLAS.gemv(transpose: false, m: G, n: H, a: wAligned, lda: H, x: hPrev, beta: 1, y: a)
                Elementwise.sigmoid(H, a, into: gt)              // z_t = σ(a_z)
                Elementwise.tanh(H, a + H, into: gt + H)         // h̃_t = tanh(a_h)
                for j in 0..<H {
                    let z = gt[j]
                    hNow[j] = z * gt[H + j] + (1 - z) * hPrev[j]
                }
                perturbation?.apply(to: hNow, kind: .hidden, t: t)
            }
            projection.finish()
        }}}}
    }

    func backward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, dhExternal: UnsafePointer<Double>,
        dcLast: UnsafePointer<Double>?, truncation: Int?,
        grads: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>?,
        recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, G = 2 * H
        // Every entry is written below (dh_0 starts at zero and accumulates).
        record.dh.refill(unfilled: (T + 1) * H, zeroFirst: H)
        record.dPreActivations.refill(unfilled: T * G)
        record.dh.withUnsafeMutableBufferPointer { dhBuf in
        record.dPreActivations.withUnsafeMutableBufferPointer { daBuf in
        record.gates.withUnsafeBufferPointer { gBuf in
        record.h.withUnsafeBufferPointer { hBuf in
        withRecurrent(weights, prepared: prepared) { wAligned in
            let dh = dhBuf.baseAddress!, dA = daBuf.baseAddress!, gates = gBuf.baseAddress!
            let h = hBuf.baseAddress!
            (dh + H).update(from: dhExternal, count: T * H)
            let pipeline = GradientPipeline(steps: T, multiplyAdds: T * G * (H + spec.inputSize)) { rows, oneThread in
                // forward: (a_z, a_h) = … + (W_hz, W_hh) h_{t-1}  ⇒  dW_h += Σ_t (da_z, da_h) h_{t-1}ᵀ
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: G, n: H, k: rows.count,
                    a: dA + rows.lowerBound * G, lda: G, b: h + rows.lowerBound * H, ldb: H,
                    beta: 1, c: grads + wh, ldc: H, oneThread: oneThread)
                accumulateInputGradients(
                    weights: weights, wx: wx, b: b, input: input, rows: rows, dPre: dA,
                    grads: grads, dInput: dInput, oneThread: oneThread)
            }
            for t in stride(from: T, through: 1, by: -1) {
                let dht = dh + t * H, da = dA + (t - 1) * G, gt = gates + (t - 1) * G
                let hPrev = h + (t - 1) * H
                for j in 0..<H {
                    let z = gt[j], hTilde = gt[H + j]
                    // forward: h_t = z ⊙ h̃_t + (1 − z) ⊙ h_{t-1}, z = σ(a_z), h̃_t = tanh(a_h)
                    da[j] = dht[j] * (hTilde - hPrev[j]) * sigmoidDerivative(output: z)
                    da[H + j] = dht[j] * z * tanhDerivative(output: hTilde)
                }
                if gradientFlows(into: t, truncation: truncation) {
                    let dPrev = dht - H
                    // directly through (1 − z) ⊙ h_{t-1}, and through both pre-activations
                    for j in 0..<H { dPrev[j] += dht[j] * (1 - gt[j]) }
                    BLAS.gemv(transpose: true, m: G, n: H, a: wAligned, lda: H, x: da, beta: 1, y: dPrev)
                }
                pipeline.completed(step: t)
            }
            pipeline.finish()
        }}}}}
    }

    func stateJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int,
        dense: UnsafeMutablePointer<Double>, cDiagonals: UnsafeMutablePointer<Double>
    ) {
        // ∂h_t/∂h_{t-1} = diag(1 − z) + diag((h̃ − h_{t-1}) σ′_z) W_hz + diag(z tanh′(h̃)) W_hh
        let H = spec.hiddenSize
        blockRows(weights + wh, columns: H, record: record, t: t, dense: dense)
        for j in 0..<H { dense[j * H + j] += 1 - record.gates[(t - 1) * 2 * H + j] }
    }
}

extension SimplifiedGRUCell {
    func inputJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>
    ) {
        // ∂h_t/∂x_t = diag((h̃ − h_{t-1}) σ′_z) W_xz + diag(z tanh′(h̃)) W_xh
        blockRows(weights + wx, columns: spec.inputSize, record: record, t: t, dense: dense)
    }

    /// diag((h̃ − h_{t-1}) σ′_z) M_z + diag(z tanh′(h̃)) M_h (H × K) for the two stacked blocks at `m`.
    func blockRows(_ m: UnsafePointer<Double>, columns K: Int, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>) {
        let H = spec.hiddenSize, row0 = (t - 1) * 2 * H
        let mz = m, mh = m + H * K
        for j in 0..<H {
            let z = record.gates[row0 + j], hTilde = record.gates[row0 + H + j]
            let hPrev = record.h[(t - 1) * H + j]
            let kz = (hTilde - hPrev) * sigmoidDerivative(output: z)
            let kh = z * tanhDerivative(output: hTilde)
            let out = dense + j * K
            for k in 0..<K { out[k] = kz * mz[j * K + k] + kh * mh[j * K + k] }
        }
    }
}
