/// Spectral norms of the state Jacobians ∂s_T/∂s_t, t = 0 … T: the quantity whose decay or
/// growth is the vanishing or exploding gradient (Pascanu, Mikolov and Bengio 2013).
///
/// s is h for rnn and gru, and (h, c) for lstm, with h_t and c_t as independent inputs to the
/// remaining steps. The products are built from the end:
/// ```
/// P_T = I,   P_{t−1} = P_t · J_t,   J_t = ∂s_t/∂s_{t−1}
/// ```
/// and P is rescaled by an exact power of two after every step, with the exponent kept apart,
/// so a norm of 1e−400 or 1e+400 is computed as faithfully as one of 1 (the first underflows to
/// 0 and the second to +∞ only in the final rounding, as the true values do).
func jacobianNorms(cell: any RecurrentCell, weights: UnsafePointer<Double>, record: CellRecord) -> [Double] {
    let T = record.steps, H = cell.spec.hiddenSize, S = cell.spec.stateSize
    var norms = [Double](repeating: 0, count: T + 1)
    norms[T] = 1
    var p = [Double](repeating: 0, count: S * S)
    for i in 0..<S { p[i * S + i] = 1 }
    var next = [Double](repeating: 0, count: S * S)
    var dense = [Double](repeating: 0, count: S * H)
    var diagonals = [Double](repeating: 0, count: 2 * H)
    var exponent = 0
    var solver = SpectralNormSolver(rows: S, cols: S)
    var left: [Double] = []
    var vanished = false
    for t in stride(from: T, through: 1, by: -1) {
        if vanished { norms[t - 1] = 0; continue }
        dense.withUnsafeMutableBufferPointer { dBuf in
            diagonals.withUnsafeMutableBufferPointer { cBuf in
                cell.stateJacobian(
                    weights: weights, record: record, t: t, dense: dBuf.baseAddress!,
                    cDiagonals: cBuf.baseAddress!)
            }
        }
        p.withUnsafeBufferPointer { pBuf in
            next.withUnsafeMutableBufferPointer { nBuf in
                dense.withUnsafeBufferPointer { dBuf in
                    // columns for h_{t−1}: P · ∂s_t/∂h_{t−1}
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: S, n: H, k: S,
                        a: pBuf.baseAddress!, lda: S, b: dBuf.baseAddress!, ldb: H, beta: 0,
                        c: nBuf.baseAddress!, ldc: S)
                }
                if S > H {
                    // columns for c_{t−1}: only ∂h_t[j]/∂c_{t−1}[j] and ∂c_t[j]/∂c_{t−1}[j] are non-zero
                    diagonals.withUnsafeBufferPointer { dg in
                        let pp = pBuf.baseAddress!, np = nBuf.baseAddress!, d = dg.baseAddress!
                        for r in 0..<S {
                            let row = r * S
                            for j in 0..<H {
                                np[row + H + j] = pp[row + j] * d[j] + pp[row + H + j] * d[H + j]
                            }
                        }
                    }
                }
            }
        }
        swap(&p, &next)
        let largest = maxMagnitude(p)
        if largest == 0 {
            norms[t - 1] = 0
            vanished = true
            continue
        }
        // Keep P's entries near 1 by exact powers of two (only when they drift: the scaling is
        // exact, so how often it happens does not change a single bit of the result).
        if largest.isFinite && (largest.exponent > 64 || largest.exponent < -64) {
            let shift = largest.exponent
            let factor = Double(sign: .plus, exponent: -shift, significand: 1)
            p.withUnsafeMutableBufferPointer { for k in $0.indices { $0[k] *= factor } }
            exponent += Int(shift)
        }
        // Warm start: if u is P_t's top left vector, P_{t−1}ᵀ u = J_tᵀ P_tᵀ u points near
        // P_{t−1}'s top right vector.
        var start: [Double]? = nil
        if left.count == S {
            var s = [Double](repeating: 0, count: S)
            p.withUnsafeBufferPointer { pBuf in
                left.withUnsafeBufferPointer { lBuf in
                    s.withUnsafeMutableBufferPointer { sBuf in
                        BLAS.gemv(
                            transpose: true, m: S, n: S, a: pBuf.baseAddress!, lda: S,
                            x: lBuf.baseAddress!, beta: 0, y: sBuf.baseAddress!)
                    }
                }
            }
            start = s
        }
        let (sigma, u) = p.withUnsafeBufferPointer { solver.largest($0.baseAddress!, start: start) }
        left = u
        norms[t - 1] = Double(sign: .plus, exponent: exponent, significand: sigma)
    }
    return norms
}

extension Network {
    /// `jacobian_norms` for one cell of the network (by default the first layer's forward cell,
    /// the one the trace contract describes), holding that cell's inputs fixed.
    public func jacobianNorms(
        parameters: [Double], record: NetworkRecord, layer: Int = 0, direction: Int = 0
    ) -> [Double] {
        parameters.withUnsafeBufferPointer {
            RNNCore.jacobianNorms(
                cell: layers[layer][direction], weights: $0.baseAddress!,
                record: record.layers[layer][direction])
        }
    }
}
