/// Connectivity (Madsen, "Visualizing memorization in RNNs", Distill 2019): how strongly each
/// recorded output and state depends on each earlier input, as the Frobenius norms
/// ```
/// hidden[t][s] = ‖∂h_t/∂x_s‖,   output[t][s] = ‖∂y_t/∂x_s‖,   1 ≤ s ≤ t ≤ T
/// ```
/// (0-based in the arrays: `hidden[t − 1][s − 1]`). h_t is the top layer's hidden state, x_s what
/// the first layer reads at step s (the embedded vector for token input), y_t the readout's output
/// W_hy h_t + b_y (the logits, before any softmax). Exact, not estimated: the tangents
/// ∂s^l_t/∂x_s of every layer's state are carried forward for all s at once,
/// ```
/// J^l_t = A^l_t J^l_{t−1} + B^l_t J^{l−1}_t[h],   J^1_t[·, s = t] = ∂s^1_t/∂x_t
/// ```
/// with A the state Jacobian (`stateJacobian`) and B the input Jacobian (`inputJacobian`) of
/// each step, so a whole sequence costs about S·H·X·T²/2 multiply-adds per layer, in matrix
/// products. A bidirectional layer makes h_t depend on inputs after t as well; it is not covered.
public struct Connectivity: Sendable, Equatable {
    public let steps: Int
    /// `hidden[t − 1][s − 1]` = ‖∂h_t/∂x_s‖ for s ≤ t.
    public let hidden: [[Double]]
    /// `output[t − 1][s − 1]` = ‖∂y_t/∂x_s‖ for s ≤ t; empty without a readout.
    public let output: [[Double]]
}

extension Network {
    /// Whether `connectivity` covers this network: every layer runs forward in time only.
    public var supportsConnectivity: Bool { !spec.bidirectional }

    /// The connectivity of one recorded pass (see `Connectivity`). Requires
    /// `supportsConnectivity`; the record is the one `forward` (or `trace`) made with these
    /// parameters.
    public func connectivity(parameters: [Double], record: NetworkRecord) -> Connectivity {
        precondition(supportsConnectivity, "connectivity: a bidirectional network is not covered")
        let T = record.steps
        guard T > 0 else { return Connectivity(steps: 0, hidden: [], output: []) }
        let X = layers[0][0].spec.inputSize, N = T * X
        let cells = layers.map { $0[0] }
        // Tangents of every layer's state, S_l × N row-major, column (s − 1)·X + k = ∂/∂x_s[k].
        let sizes = cells.map { $0.spec.stateSize * N }
        var current = sizes.map { UnsafeMutablePointer<Double>.allocate(capacity: $0) }
        var next = sizes.map { UnsafeMutablePointer<Double>.allocate(capacity: $0) }
        defer { for p in current + next { p.deallocate() } }
        var hidden: [[Double]] = [], output: [[Double]] = []
        hidden.reserveCapacity(T)
        let Y = hasReadout ? spec.outputSize : 0
        var y = [Double](repeating: 0, count: Y * N)
        // Each layer's step Jacobians, refilled at every step (A: S × H, its c diagonals, B: S × X_l).
        var aBuffers = cells.map { [Double](repeating: 0, count: $0.spec.stateSize * $0.spec.hiddenSize) }
        var dBuffers = cells.map { [Double](repeating: 0, count: 2 * $0.spec.hiddenSize) }
        var bBuffers = cells.map { [Double](repeating: 0, count: $0.spec.stateSize * $0.spec.inputSize) }
        parameters.withUnsafeBufferPointer { wBuf in
            let w = wBuf.baseAddress!
            for t in 1...T {
                let old = (t - 1) * X, used = t * X
                for (l, cell) in cells.enumerated() {
                    let H = cell.spec.hiddenSize, S = cell.spec.stateSize, Xl = cell.spec.inputSize
                    let cellRecord = record.layers[l][0]
                    aBuffers[l].withUnsafeMutableBufferPointer { aBuf in
                        dBuffers[l].withUnsafeMutableBufferPointer { dBuf in
                            cell.stateJacobian(
                                weights: w, record: cellRecord, t: t, dense: aBuf.baseAddress!,
                                cDiagonals: dBuf.baseAddress!)
                        }
                    }
                    bBuffers[l].withUnsafeMutableBufferPointer {
                        cell.inputJacobian(weights: w, record: cellRecord, t: t, dense: $0.baseAddress!)
                    }
                    let cur = current[l], nxt = next[l]
                    for r in 0..<S { for k in old..<used { nxt[r * N + k] = 0 } }
                    if old > 0 {
                        // through the state: A_t · J_{t−1} (h_{t−1} columns dense, c_{t−1} diagonal)
                        aBuffers[l].withUnsafeBufferPointer { aBuf in
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: S, n: old, k: H,
                                a: aBuf.baseAddress!, lda: H, b: cur, ldb: N, beta: 0, c: nxt, ldc: N)
                        }
                        if S > H {
                            for j in 0..<H {
                                let dh = dBuffers[l][j], dc = dBuffers[l][H + j]
                                let from = cur + (H + j) * N, toH = nxt + j * N, toC = nxt + (H + j) * N
                                for k in 0..<old {
                                    toH[k] += dh * from[k]
                                    toC[k] += dc * from[k]
                                }
                            }
                        }
                    }
                    bBuffers[l].withUnsafeBufferPointer { bBuf in
                        if l == 0 {
                            // x_t itself: the new column block is ∂s_t/∂x_t
                            for r in 0..<S { for k in 0..<X { nxt[r * N + old + k] = bBuf[r * X + k] } }
                        } else {
                            // through the layer below, already at step t: B_t · J^{l−1}_t[h rows]
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: S, n: used, k: Xl,
                                a: bBuf.baseAddress!, lda: Xl, b: next[l - 1], ldb: N, beta: 1,
                                c: nxt, ldc: N)
                        }
                    }
                }
                // Every layer is at step t in `next`; the top layer's h rows give the norms.
                let top = next[cells.count - 1], H = cells[cells.count - 1].spec.hiddenSize
                hidden.append(blockNorms(top, rows: H, ld: N, blocks: t, width: X))
                if Y > 0 {
                    y.withUnsafeMutableBufferPointer { yBuf in
                        BLAS.gemm(
                            transposeA: false, transposeB: false, m: Y, n: used, k: H,
                            a: w + readoutW, lda: H, b: top, ldb: N, beta: 0, c: yBuf.baseAddress!, ldc: N)
                        output.append(blockNorms(yBuf.baseAddress!, rows: Y, ld: N, blocks: t, width: X))
                    }
                }
                swap(&current, &next)
            }
        }
        return Connectivity(steps: T, hidden: hidden, output: output)
    }
}

/// Frobenius norms of the column blocks [s·width, (s + 1)·width) of a rows × … matrix, s < blocks.
/// One pass in memory order; a block whose largest entry is outside [2⁻⁴⁵⁰, 2⁴⁵⁰], where squares
/// could overflow or underflow, is summed again scaled by a power of two, as `euclideanNorm` does.
private func blockNorms(_ m: UnsafePointer<Double>, rows: Int, ld: Int, blocks: Int, width: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: blocks), largest = sums
    for r in 0..<rows {
        let row = m + r * ld
        for s in 0..<blocks {
            let block = row + s * width
            var sum = 0.0, top = 0.0
            for k in 0..<width {
                let v = block[k]
                sum += v * v
                top = max(top, abs(v))
            }
            sums[s] += sum
            largest[s] = top.isNaN || largest[s].isNaN ? .nan : max(largest[s], top)
        }
    }
    return (0..<blocks).map { s in
        let top = largest[s]
        if top.isNaN { return .nan }
        if top == 0 || top.isInfinite { return top }
        if top.exponent > -450 && top.exponent < 450 { return sums[s].squareRoot() }
        let exponent = top.exponent
        var sum = 0.0
        for r in 0..<rows {
            let block = m + r * ld + s * width
            for k in 0..<width {
                let scaled = Double(sign: .plus, exponent: -exponent, significand: abs(block[k]))
                sum += scaled * scaled
            }
        }
        return Double(sign: .plus, exponent: exponent, significand: sum.squareRoot())
    }
}
