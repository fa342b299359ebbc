/// The LSTM cell, with optional peepholes (all three looking at c_{t-1}, as in the course notes).
///
/// ```
/// f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f [+ p_f ⊙ c_{t-1}])
/// i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i [+ p_i ⊙ c_{t-1}])
/// c̃_t = tanh(W_xc x_t + W_hc h_{t-1} + b_c)
/// c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t
/// o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o [+ p_o ⊙ c_{t-1}])
/// h_t = o_t ⊙ tanh(c_t)
/// ```
/// Gates are stacked f, i, c̃, o: W_xf … W_xo form one (4H × X) block, W_hf … W_ho one (4H × H)
/// block, b_f … b_o one 4H vector, then p_f, p_i, p_o when peepholes are on.
struct LSTMCell: RecurrentCell {
    let spec: CellSpec
    let wx: Int, wh: Int, b: Int
    /// Offset of p_f (p_i and p_o follow), or nil without peepholes.
    let p: Int?

    init(spec: CellSpec, prefix: String, layout: inout ParameterLayout) {
        self.spec = spec
        let H = spec.hiddenSize, X = spec.inputSize
        wx = layout.addMatrix(prefix + "W_xf", rows: H, cols: X)
        for g in ["i", "c", "o"] { layout.addMatrix(prefix + "W_x" + g, rows: H, cols: X) }
        wh = layout.addMatrix(prefix + "W_hf", rows: H, cols: H)
        for g in ["i", "c", "o"] { layout.addMatrix(prefix + "W_h" + g, rows: H, cols: H) }
        b = layout.addVector(prefix + "b_f", count: H)
        for g in ["i", "c", "o"] { layout.addVector(prefix + "b_" + g, count: H) }
        if spec.peephole {
            p = layout.addVector(prefix + "p_f", count: H)
            layout.addVector(prefix + "p_i", count: H)
            layout.addVector(prefix + "p_o", count: H)
        } else {
            p = nil
        }
    }

    func forward(
        weights: UnsafePointer<Double>, input: UnsafePointer<Double>,
        record: inout CellRecord, perturbation: StatePerturbation?, recurrent prepared: UnsafePointer<Double>?
    ) {
        let H = spec.hiddenSize, T = record.steps, G = 4 * H
        let pf = p.map { weights + $0 }, pi = pf.map { $0 + H }, po = pf.map { $0 + 2 * H }
        record.preActivations.withUnsafeMutableBufferPointer { preBuf in
        record.gates.withUnsafeMutableBufferPointer { gBuf in
        record.h.withUnsafeMutableBufferPointer { hBuf in
        record.c.withUnsafeMutableBufferPointer { cBuf in
        record.aux.withUnsafeMutableBufferPointer { tcBuf in
        withRecurrent(weights, prepared: prepared) { recurrent in
            let pre = preBuf.baseAddress!, gates = gBuf.baseAddress!
            let h = hBuf.baseAddress!, c = cBuf.baseAddress!, tanhC = tcBuf.baseAddress!
            perturbation?.apply(to: h, kind: .hidden, t: 0)
            perturbation?.apply(to: c, kind: .cell, t: 0)
            let projection = inputProjection(weights: weights, input: input, steps: T, into: pre)
            for t in 1...T {
                projection.wait(forStep: t)
                let a = pre + (t - 1) * G, gt = gates + (t - 1) * G
                let hPrev = h + (t - 1) * H, cPrev = c + (t - 1) * H
                let hNow = h + t * H, cNow = c + t * H, tc = tanhC + (t - 1) * H
                BLAS.gemv(
                    transpose: false, m: G, n: H, a: recurrent, lda: H, x: hPrev, beta: 1, y: a)
                if let pf, let pi, let po {
                    for j in 0..<H {
                        a[j] += pf[j] * cPrev[j]
                        a[H + j] += pi[j] * cPrev[j]
                        a[3 * H + j] += po[j] * cPrev[j]
                    }
                }
                // f, i and o through σ, c̃ through tanh, a whole gate block at a time
                Elementwise.sigmoid(2 * H, a, into: gt)
                Elementwise.tanh(H, a + 2 * H, into: gt + 2 * H)
                Elementwise.sigmoid(H, a + 3 * H, into: gt + 3 * H)
                for j in 0..<H { cNow[j] = gt[j] * cPrev[j] + gt[H + j] * gt[2 * H + j] }
                perturbation?.apply(to: cNow, kind: .cell, t: t)
                Elementwise.tanh(H, cNow, into: tc)
                for j in 0..<H { hNow[j] = gt[3 * H + j] * tc[j] }
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
        let H = spec.hiddenSize, T = record.steps, G = 4 * H
        let pf = p.map { weights + $0 }, pi = pf.map { $0 + H }, po = pf.map { $0 + 2 * H }
        // Every entry is written below (dh_0 starts at zero and accumulates).
        record.dh.refill(unfilled: (T + 1) * H, zeroFirst: H)
        record.dc.refill(unfilled: (T + 1) * H)
        record.dPreActivations.refill(unfilled: T * G)
        // dL/dc_t carried down from step t + 1, on the stack (a heap array per pass is avoidable work)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: H) { dcNextBuf in
        // at t = T nothing comes from a step T + 1, but c_T may feed what follows the cell
        dcNextBuf.initialize(repeating: 0)
        if let dcLast { for j in 0..<H { dcNextBuf[j] = dcLast[j] } }
        record.dh.withUnsafeMutableBufferPointer { dhBuf in
        record.dc.withUnsafeMutableBufferPointer { dcBuf in
        record.dPreActivations.withUnsafeMutableBufferPointer { daBuf in
        record.gates.withUnsafeBufferPointer { gBuf in
        record.h.withUnsafeBufferPointer { hBuf in
        record.c.withUnsafeBufferPointer { cBuf in
        record.aux.withUnsafeBufferPointer { tcBuf in
        withRecurrent(weights, prepared: prepared) { recurrent in
            let dcNext = dcNextBuf.baseAddress!
            let dh = dhBuf.baseAddress!, dc = dcBuf.baseAddress!, dA = daBuf.baseAddress!
            let gates = gBuf.baseAddress!, h = hBuf.baseAddress!, c = cBuf.baseAddress!
            let tanhC = tcBuf.baseAddress!
            (dh + H).update(from: dhExternal, count: T * H)
            // The weight gradients, a chunk of steps at a time behind the recurrence.
            let pipeline = GradientPipeline(steps: T, multiplyAdds: T * G * (H + spec.inputSize)) { rows, oneThread in
                // dW_h += Σ_t da_t h_{t-1}ᵀ  (h_0 … h_{T-1} are rows 0 … T-1 of h)
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: G, n: H, k: rows.count,
                    a: dA + rows.lowerBound * G, lda: G, b: h + rows.lowerBound * H, ldb: H,
                    beta: 1, c: grads + wh, ldc: H, oneThread: oneThread)
                accumulateInputGradients(
                    weights: weights, wx: wx, b: b, input: input, rows: rows, dPre: dA,
                    grads: grads, dInput: dInput, oneThread: oneThread)
            }
            for t in stride(from: T, through: 1, by: -1) {
                let dht = dh + t * H, dct = dc + t * H, da = dA + (t - 1) * G
                let gt = gates + (t - 1) * G, cPrev = c + (t - 1) * H, tc = tanhC + (t - 1) * H
                let f = gt, i = gt + H, cTilde = gt + 2 * H, o = gt + 3 * H
                let daF = da, daI = da + H, daC = da + 2 * H, daO = da + 3 * H
                // One equation per loop, so that each loop is a simple vector loop.
                // forward: h_t = o_t ⊙ tanh(c_t)  ⇒  dc_t = dc_t(from t+1) + dh_t ⊙ o_t ⊙ tanh′(c_t)
                for j in 0..<H { dct[j] = dcNext[j] + dht[j] * o[j] * tanhDerivative(output: tc[j]) }
                // forward: o_t = σ(a_o)  ⇒  da_o = dh_t ⊙ tanh(c_t) ⊙ σ′
                for j in 0..<H { daO[j] = dht[j] * tc[j] * sigmoidDerivative(output: o[j]) }
                // forward: c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t
                for j in 0..<H { daF[j] = dct[j] * cPrev[j] * sigmoidDerivative(output: f[j]) }
                for j in 0..<H { daI[j] = dct[j] * cTilde[j] * sigmoidDerivative(output: i[j]) }
                for j in 0..<H { daC[j] = dct[j] * i[j] * tanhDerivative(output: cTilde[j]) }
                if let pf, let pi, let po {
                    // forward: a_f += p_f ⊙ c_{t-1} (likewise i, o)  ⇒  dp_f += da_f ⊙ c_{t-1}
                    let gpf = grads + p!, gpi = gpf + H, gpo = gpf + 2 * H
                    for j in 0..<H {
                        gpf[j] += da[j] * cPrev[j]
                        gpi[j] += da[H + j] * cPrev[j]
                        gpo[j] += da[3 * H + j] * cPrev[j]
                    }
                    for j in 0..<H {
                        dcNext[j] = dct[j] * gt[j] + pf[j] * da[j] + pi[j] * da[H + j]
                            + po[j] * da[3 * H + j]
                    }
                } else {
                    for j in 0..<H { dcNext[j] = dct[j] * gt[j] }
                }
                if gradientFlows(into: t, truncation: truncation) {
                    // forward: a_t = … + W_h h_{t-1}  ⇒  dh_{t-1} += W_hᵀ da_t
                    BLAS.gemv(
                        transpose: true, m: G, n: H, a: recurrent, lda: H, x: da, beta: 1,
                        y: dht - H)
                } else {
                    for j in 0..<H { dcNext[j] = 0 }
                }
                pipeline.completed(step: t)
            }
            // c_0 feeds only c_1 (and the peepholes of step 1): dc_0 is what flowed back from there.
            for j in 0..<H { dc[j] = dcNext[j] }
            pipeline.finish()
        }}}}}}}}}
    }

    func stateJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int,
        dense: UnsafeMutablePointer<Double>, cDiagonals: UnsafeMutablePointer<Double>
    ) {
        // The columns for h_{t−1}, through the recurrent matrices.
        gateRows(weights + wh, columns: spec.hiddenSize, record: record, t: t, dense: dense)
        // ∂c_t/∂c_{t-1} = diag(f [+ c_{t-1} σ′_f p_f + c̃ σ′_i p_i])
        let H = spec.hiddenSize
        forEachUnit(record: record, t: t) { j, u in
            var dcdc = u.f
            var dhdcDirect = 0.0
            if let p {
                dcdc += u.kf * weights[p + j] + u.ki * weights[p + H + j]
                dhdcDirect = u.ko * weights[p + 2 * H + j]
            }
            cDiagonals[j] = dhdcDirect + u.throughC * dcdc
            cDiagonals[H + j] = dcdc
        }
    }
}

extension LSTMCell {
    func inputJacobian(
        weights: UnsafePointer<Double>, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>
    ) {
        // x_t reaches c_t and h_t only through the four gates' pre-activations (the peepholes
        // read c_{t−1}, not x_t): the same rows as the h_{t−1} columns, with W_x for W_h.
        gateRows(weights + wx, columns: spec.inputSize, record: record, t: t, dense: dense)
    }

    /// One unit's factors at step t, shared by both Jacobians: with a the pre-activations,
    /// ∂c_t/∂a_f = c_{t−1} σ′_f (kf), ∂c_t/∂a_i = c̃ σ′_i (ki), ∂c_t/∂a_c̃ = i tanh′ (kc),
    /// ∂h_t/∂a_o = tanh(c_t) σ′_o (ko) and ∂h_t/∂c_t = o tanh′(c_t) (throughC).
    struct UnitFactors { var f, kf, ki, kc, ko, throughC: Double }

    func forEachUnit(record: CellRecord, t: Int, _ body: (Int, UnitFactors) -> Void) {
        let H = spec.hiddenSize, G = 4 * H
        record.gates.withUnsafeBufferPointer { gBuf in
        record.c.withUnsafeBufferPointer { cBuf in
        record.aux.withUnsafeBufferPointer { tcBuf in
            let gt = gBuf.baseAddress! + (t - 1) * G
            let cPrevs = cBuf.baseAddress! + (t - 1) * H, tcs = tcBuf.baseAddress! + (t - 1) * H
            for j in 0..<H {
                let f = gt[j], i = gt[H + j], cTilde = gt[2 * H + j], o = gt[3 * H + j]
                body(j, UnitFactors(
                    f: f, kf: cPrevs[j] * sigmoidDerivative(output: f), ki: cTilde * sigmoidDerivative(output: i),
                    kc: i * tanhDerivative(output: cTilde), ko: tcs[j] * sigmoidDerivative(output: o),
                    throughC: o * tanhDerivative(output: tcs[j])))
            }
        }}}
    }

    /// The h and c rows (S × K) of ∂s_t/∂v for a v that enters the four pre-activations through
    /// the stacked matrices at `m` (four blocks of H × K, f i c o):
    /// ∂c_t/∂v = diag(kf) M_f + diag(ki) M_i + diag(kc) M_c, ∂h_t/∂v = diag(ko) M_o + diag(throughC) ∂c_t/∂v.
    func gateRows(_ m: UnsafePointer<Double>, columns K: Int, record: CellRecord, t: Int, dense: UnsafeMutablePointer<Double>) {
        let H = spec.hiddenSize
        let mf = m, mi = mf + H * K, mc = mi + H * K, mo = mc + H * K
        forEachUnit(record: record, t: t) { j, u in
            let hRow = dense + j * K, cRow = dense + (H + j) * K
            let rf = mf + j * K, ri = mi + j * K, rc = mc + j * K, ro = mo + j * K
            for k in 0..<K {
                let dc = u.kf * rf[k] + u.ki * ri[k] + u.kc * rc[k]
                cRow[k] = dc
                hRow[k] = u.ko * ro[k] + u.throughC * dc
            }
        }
    }
}
