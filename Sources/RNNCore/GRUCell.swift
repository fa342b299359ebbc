import Foundation

/// The GRU cell in both of its forms (Γu = z, Γr = r in the course notes).
///
/// `lecture` (the course's form):
/// ```
/// z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z)
/// r_t = σ(W_xr x_t + W_hr h_{t-1} + b_r)
/// h̃_t = tanh(W_xh x_t + W_hh (r_t ⊙ h_{t-1}) + b_h)
/// h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t
/// ```
/// `reset_after` (Keras, PyTorch, cuDNN; recurrent biases b_hz, b_hr, b_hh):
/// ```
/// z_t = σ(W_xz x_t + b_z + W_hz h_{t-1} + b_hz)
/// r_t = σ(W_xr x_t + b_r + W_hr h_{t-1} + b_hr)
/// h̃_t = tanh(W_xh x_t + b_h + r_t ⊙ (W_hh h_{t-1} + b_hh))
/// h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t
/// ```
/// Gates are stacked z, r, h̃: W_xz W_xr W_xh (3H × X), W_hz W_hr W_hh (3H × H), b_z b_r b_h,
/// then b_hz b_hr b_hh for `reset_after`.
struct GRUCell: RecurrentCell {
    let spec: CellSpec
    let wx: Int, wh: Int, b: Int
    /// Offset of the recurrent biases b_hz, b_hr, b_hh (`reset_after` only).
    let bh: Int?

    init(spec: CellSpec, prefix: String, layout: inout ParameterLayout) {
        self.spec = spec
        let H = spec.hiddenSize, X = spec.inputSize
        wx = layout.addMatrix(prefix + "W_xz", rows: H, cols: X)
        layout.addMatrix(prefix + "W_xr", rows: H, cols: X)
        layout.addMatrix(prefix + "W_xh", rows: H, cols: X)
        wh = layout.addMatrix(prefix + "W_hz", rows: H, cols: H)
        layout.addMatrix(prefix + "W_hr", rows: H, cols: H)
        layout.addMatrix(prefix + "W_hh", rows: H, cols: H)
        b = layout.addVector(prefix + "b_z", count: H)
        layout.addVector(prefix + "b_r", count: H)
        layout.addVector(prefix + "b_h", count: H)
        if spec.gruVariant == .resetAfter {
            bh = layout.addVector(prefix + "b_hz", count: H)
            layout.addVector(prefix + "b_hr", count: H)
            layout.addVector(prefix + "b_hh", count: H)
        } else {
            bh = nil
        }
    }

    private var resetAfter: Bool { spec.gruVariant == .resetAfter }

    func forward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, perturbation: StatePerturbation?, recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, G = 3 * H
        // W_h h_{t-1} + b_hh (reset_after), on the stack
        withUnsafeTemporaryAllocation(of: Double.self, capacity: G) { rBuf in
        rBuf.initialize(repeating: 0)
        record.preActivations.withUnsafeMutableBufferPointer { preBuf in
        record.gates.withUnsafeMutableBufferPointer { gBuf in
        record.h.withUnsafeMutableBufferPointer { hBuf in
        record.aux.withUnsafeMutableBufferPointer { auxBuf in
        withRecurrent(weights, prepared: prepared) { wAligned in
            let whh = wAligned + 2 * H * H
            let pre = preBuf.baseAddress!, gates = gBuf.baseAddress!, h = hBuf.baseAddress!
            let aux = auxBuf.baseAddress!, rec = rBuf.baseAddress!
            perturbation?.apply(to: h, kind: .hidden, t: 0)
            let projection = inputProjection(weights: weights, input: input, steps: T, into: pre)
            for t in 1...T {
                projection.wait(forStep: t)
                let a = pre + (t - 1) * G, gt = gates + (t - 1) * G
                let hPrev = h + (t - 1) * H, hNow = h + t * H, q = aux + (t - 1) * H
                if let bh {
                    // W_h h_{t-1} + b_hh for all three blocks; the reset acts after the product.
                    rec.update(from: weights + bh, count: G)
                    BLAS.gemv(
                        transpose: false, m: G, n: H, a: wAligned, lda: H, x: hPrev,
                        beta: 1, y: rec)
                    // z and r from their full pre-activations, a gate block at a time
                    for j in 0..<(2 * H) { a[j] += rec[j] }
                    Elementwise.sigmoid(2 * H, a, into: gt)
                    for j in 0..<H {
                        q[j] = rec[2 * H + j]
                        a[2 * H + j] += gt[H + j] * q[j]
                    }
                    Elementwise.tanh(H, a + 2 * H, into: gt + 2 * H)
                    for j in 0..<H {
                        let z = gt[j]
                        hNow[j] = z * hPrev[j] + (1 - z) * gt[2 * H + j]
                    }
                } else {
                    BLAS.gemv(
                        transpose: false, m: 2 * H, n: H, a: wAligned, lda: H, x: hPrev,
                        beta: 1, y: a)
                    Elementwise.sigmoid(2 * H, a, into: gt)  // z and r
                    for j in 0..<H { q[j] = gt[H + j] * hPrev[j] }
                    // h̃_t = tanh(… + W_hh (r_t ⊙ h_{t-1}))
                    BLAS.gemv(
                        transpose: false, m: H, n: H, a: whh, lda: H, x: q, beta: 1,
                        y: a + 2 * H)
                    Elementwise.tanh(H, a + 2 * H, into: gt + 2 * H)
                    for j in 0..<H {
                        let z = gt[j]
                        hNow[j] = (1 - z) * hPrev[j] + z * gt[2 * H + j]
                    }
                }
                perturbation?.apply(to: hNow, kind: .hidden, t: t)
            }
            projection.finish()
        }}}}}}
    }

    func backward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, dhExternal: UnsafePointer<Double>,
        dcLast: UnsafePointer<Double>?, truncation: Int?,
        grads: UnsafeMutablePointer<Double>, dInput: UnsafeMutablePointer<Double>?,
        recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, G = 3 * H
        // Every entry is written below (dh_0 starts at zero and accumulates).
        record.dh.refill(unfilled: (T + 1) * H, zeroFirst: H)
        record.dPreActivations.refill(unfilled: T * G)
        if resetAfter { record.dAux.refill(unfilled: T * H) }
        // per-step scratch, on the stack
        withUnsafeTemporaryAllocation(of: Double.self, capacity: G) { sBuf in
        sBuf.initialize(repeating: 0)
        record.dh.withUnsafeMutableBufferPointer { dhBuf in
        record.dPreActivations.withUnsafeMutableBufferPointer { daBuf in
        record.dAux.withUnsafeMutableBufferPointer { dAuxBuf in
        record.gates.withUnsafeBufferPointer { gBuf in
        record.h.withUnsafeBufferPointer { hBuf in
        record.aux.withUnsafeBufferPointer { auxBuf in
        withRecurrent(weights, prepared: prepared) { wAligned in
            let whh = wAligned + 2 * H * H
            let dh = dhBuf.baseAddress!, dA = daBuf.baseAddress!, gates = gBuf.baseAddress!
            let h = hBuf.baseAddress!, aux = auxBuf.baseAddress!, s = sBuf.baseAddress!
            let dAux = dAuxBuf.baseAddress  // nil unless reset_after
            (dh + H).update(from: dhExternal, count: T * H)
            // The weight gradients, a chunk of steps at a time behind the recurrence.
            let pipeline = GradientPipeline(steps: T, multiplyAdds: T * G * (H + spec.inputSize)) { rows, oneThread in
                let first = rows.lowerBound, k = rows.count
                // dW_hz, dW_hr += Σ_t (da_z, da_r) h_{t-1}ᵀ
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: 2 * H, n: H, k: k,
                    a: dA + first * G, lda: G, b: h + first * H, ldb: H, beta: 1, c: grads + wh,
                    ldc: H, oneThread: oneThread)
                if let bh, let dRh = dAux {
                    // dW_hh += Σ_t dR_h h_{t-1}ᵀ;  db_h? += Σ_t (da_z, da_r, dR_h)
                    BLAS.gemm(
                        transposeA: true, transposeB: false, m: H, n: H, k: k,
                        a: dRh + first * H, lda: H, b: h + first * H, ldb: H, beta: 1,
                        c: grads + wh + 2 * H * H, ldc: H, oneThread: oneThread)
                    for t in rows {
                        for j in 0..<H {
                            grads[bh + j] += dA[t * G + j]
                            grads[bh + H + j] += dA[t * G + H + j]
                            grads[bh + 2 * H + j] += dRh[t * H + j]
                        }
                    }
                } else {
                    // dW_hh += Σ_t da_h (r_t ⊙ h_{t-1})ᵀ
                    BLAS.gemm(
                        transposeA: true, transposeB: false, m: H, n: H, k: k,
                        a: dA + first * G + 2 * H, lda: G, b: aux + first * H, ldb: H, beta: 1,
                        c: grads + wh + 2 * H * H, ldc: H, oneThread: oneThread)
                }
                accumulateInputGradients(
                    weights: weights, wx: wx, b: b, input: input, rows: rows, dPre: dA,
                    grads: grads, dInput: dInput, oneThread: oneThread)
            }
            for t in stride(from: T, through: 1, by: -1) {
                let dht = dh + t * H, da = dA + (t - 1) * G, gt = gates + (t - 1) * G
                let hPrev = h + (t - 1) * H, q = aux + (t - 1) * H
                let flows = gradientFlows(into: t, truncation: truncation)
                if resetAfter {
                    let dRh = dAux! + (t - 1) * H
                    for j in 0..<H {
                        let z = gt[j], r = gt[H + j], hTilde = gt[2 * H + j]
                        // forward: h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃_t
                        let dAh = dht[j] * (1 - z) * tanhDerivative(output: hTilde)
                        da[2 * H + j] = dAh
                        da[j] = dht[j] * (hPrev[j] - hTilde) * sigmoidDerivative(output: z)
                        // forward: a_h = … + r_t ⊙ (W_hh h_{t-1} + b_hh)
                        dRh[j] = dAh * r
                        da[H + j] = dAh * q[j] * sigmoidDerivative(output: r)
                        s[j] = da[j]
                        s[H + j] = da[H + j]
                        s[2 * H + j] = dRh[j]
                    }
                    if flows {
                        let dPrev = dht - H
                        for j in 0..<H { dPrev[j] += dht[j] * gt[j] }
                        // forward: (W_hz, W_hr, W_hh) h_{t-1}  ⇒  dh_{t-1} += W_hᵀ (da_z, da_r, dR_h)
                        BLAS.gemv(
                            transpose: true, m: G, n: H, a: wAligned, lda: H, x: s, beta: 1,
                            y: dPrev)
                    }
                } else {
                    for j in 0..<H {
                        let z = gt[j], hTilde = gt[2 * H + j]
                        // forward: h_t = (1 − z) ⊙ h_{t-1} + z ⊙ h̃_t
                        da[2 * H + j] = dht[j] * z * tanhDerivative(output: hTilde)
                        da[j] = dht[j] * (hTilde - hPrev[j]) * sigmoidDerivative(output: z)
                    }
                    // forward: a_h = … + W_hh q, q = r_t ⊙ h_{t-1}  ⇒  dq = W_hhᵀ da_h
                    BLAS.gemv(
                        transpose: true, m: H, n: H, a: whh, lda: H, x: da + 2 * H, beta: 0, y: s)
                    for j in 0..<H {
                        da[H + j] = s[j] * hPrev[j] * sigmoidDerivative(output: gt[H + j])
                    }
                    if flows {
                        let dPrev = dht - H
                        for j in 0..<H { dPrev[j] += dht[j] * (1 - gt[j]) + s[j] * gt[H + j] }
                        BLAS.gemv(
                            transpose: true, m: 2 * H, n: H, a: wAligned, lda: H, x: da,
                            beta: 1, y: dPrev)
                    }
                }
                pipeline.completed(step: t)
            }
            pipeline.finish()
        }}}}}}}}
    }

    func stateJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int,
        dense: UnsafeMutablePointer<Double>, cDiagonals: UnsafeMutablePointer<Double>
    ) {
        let H = spec.hiddenSize, G = 3 * H
        let whz = weights + wh, whr = whz + H * H, whh = whr + H * H
        let row0 = (t - 1) * G
        if resetAfter {
            // ∂h_t/∂h_{t-1} = diag(z) + diag((h_{t-1} − h̃) σ′_z) W_hz
            //   + diag((1 − z) tanh′(h̃)) [diag(r) W_hh + diag(n σ′_r) W_hr],  n = W_hh h_{t-1} + b_hh
            resetAfterRows(weights + wh, columns: H, record: record, t: t, candidateTimesR: true, dense: dense)
            for j in 0..<H { dense[j * H + j] += record.gates[row0 + j] }
        } else {
            // ∂h_t/∂h_{t-1} = diag(1 − z) + diag((h̃ − h_{t-1}) σ′_z) W_hz
            //   + diag(z tanh′(h̃)) W_hh [diag(r) + diag(h_{t-1} σ′_r) W_hr]
            var m = [Double](repeating: 0, count: H * H)
            for l in 0..<H {
                let r = record.gates[row0 + H + l], hPrev = record.h[(t - 1) * H + l]
                let kr = hPrev * sigmoidDerivative(output: r)
                for k in 0..<H { m[l * H + k] = kr * whr[l * H + k] }
                m[l * H + l] += r
            }
            m.withUnsafeBufferPointer { mBuf in
                BLAS.gemm(
                    transposeA: false, transposeB: false, m: H, n: H, k: H,
                    a: whh, lda: H, b: mBuf.baseAddress!, ldb: H, beta: 0, c: dense, ldc: H)
            }
            for j in 0..<H {
                let z = record.gates[row0 + j], hTilde = record.gates[row0 + 2 * H + j]
                let hPrev = record.h[(t - 1) * H + j]
                let kz = (hTilde - hPrev) * sigmoidDerivative(output: z)
                let kh = z * tanhDerivative(output: hTilde)
                let out = dense + j * H
                for k in 0..<H { out[k] = kh * out[k] + kz * whz[j * H + k] }
                out[j] += 1 - z
            }
        }
    }
}

extension GRUCell {
    func inputJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>
    ) {
        let H = spec.hiddenSize, X = spec.inputSize, G = 3 * H
        let wxz = weights + wx, wxr = wxz + H * X, wxh = wxr + H * X
        let row0 = (t - 1) * G
        if resetAfter {
            // ∂h_t/∂x_t = diag((h_{t-1} − h̃) σ′_z) W_xz + diag((1 − z) tanh′(h̃)) [W_xh + diag(n σ′_r) W_xr]
            resetAfterRows(wxz, columns: X, record: record, t: t, candidateTimesR: false, dense: dense)
        } else {
            // ∂h_t/∂x_t = diag((h̃ − h_{t-1}) σ′_z) W_xz + diag(z tanh′(h̃)) [W_xh + W_hh diag(h_{t-1} σ′_r) W_xr]
            let whh = weights + wh + 2 * H * H
            var m = [Double](repeating: 0, count: H * X)
            for l in 0..<H {
                let r = record.gates[row0 + H + l], hPrev = record.h[(t - 1) * H + l]
                let kr = hPrev * sigmoidDerivative(output: r)
                for k in 0..<X { m[l * X + k] = kr * wxr[l * X + k] }
            }
            m.withUnsafeBufferPointer { mBuf in
                BLAS.gemm(
                    transposeA: false, transposeB: false, m: H, n: X, k: H,
                    a: whh, lda: H, b: mBuf.baseAddress!, ldb: X, beta: 0, c: dense, ldc: X)
            }
            for j in 0..<H {
                let z = record.gates[row0 + j], hTilde = record.gates[row0 + 2 * H + j]
                let hPrev = record.h[(t - 1) * H + j]
                let kz = (hTilde - hPrev) * sigmoidDerivative(output: z)
                let kh = z * tanhDerivative(output: hTilde)
                let out = dense + j * X
                for k in 0..<X { out[k] = kh * (out[k] + wxh[j * X + k]) + kz * wxz[j * X + k] }
            }
        }
    }

    /// For `reset_after`, the rows diag(kz) M_z + diag(kh·ρ) M_h + diag(kh n σ′_r) M_r (H × K) for the
    /// three stacked blocks at `m` (z, r, h̃), with kz = (h_{t−1} − h̃) σ′_z, kh = (1 − z) tanh′(h̃)
    /// and ρ = r when v is h_{t−1} (the reset multiplies W_hh h_{t−1}), 1 when v is x_t.
    func resetAfterRows(
        _ m: UnsafePointer<Double>, columns K: Int, record: CellRecord, t: Int, candidateTimesR: Bool,
        dense: UnsafeMutablePointer<Double>
    ) {
        let H = spec.hiddenSize, row0 = (t - 1) * 3 * H
        let mz = m, mr = m + H * K, mh = mr + H * K
        for j in 0..<H {
            let z = record.gates[row0 + j], r = record.gates[row0 + H + j]
            let hTilde = record.gates[row0 + 2 * H + j], hPrev = record.h[(t - 1) * H + j]
            let n = record.aux[(t - 1) * H + j]
            let kz = (hPrev - hTilde) * sigmoidDerivative(output: z)
            let kh = (1 - z) * tanhDerivative(output: hTilde)
            let khh = candidateTimesR ? kh * r : kh, khr = kh * n * sigmoidDerivative(output: r)
            let out = dense + j * K
            for k in 0..<K { out[k] = kz * mz[j * K + k] + khh * mh[j * K + k] + khr * mr[j * K + k] }
        }
    }
}
