/// Keras's default initializers, on rnnlab's seeded, portable RNG:
/// - input kernels (W_x*, W_hy): Glorot-uniform, U(−l, l) with l = √(6 / (fan_in + fan_out)),
///   fans taken over the stacked gate matrix as Keras stores it (X and G·H);
/// - recurrent kernels (W_h*): orthogonal over the stacked (G·H × H) matrix;
/// - biases zero, except the LSTM forget bias b_f = 1 (Keras `unit_forget_bias`);
/// - embedding: U(−0.05, 0.05); peepholes zero.
extension Network {
    public func initialParameters(seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var p = [Double](repeating: 0, count: layout.count)
        if let embedding, let vocab = spec.vocabularySize {
            for k in 0..<(vocab * spec.inputSize) { p[embedding + k] = rng.uniform(-0.05, 0.05) }
        }
        for cells in layers {
            for cell in cells {
                let s = cell.spec, G = s.gateCount, H = s.hiddenSize, X = s.inputSize
                let wx = cell.wx, wh = cell.wh, b = cell.b
                let limit = (6.0 / Double(X + G * H)).squareRoot()
                for k in 0..<(G * H * X) { p[wx + k] = rng.uniform(-limit, limit) }
                let q = orthogonalColumns(rows: G * H, cols: H, rng: &rng)
                for k in 0..<(G * H * H) { p[wh + k] = q[k] }
                if s.kind == .lstm { for j in 0..<H { p[b + j] = 1 } }
            }
        }
        let width = topWidth, Y = spec.outputSize
        let limit = (6.0 / Double(width + Y)).squareRoot()
        for k in 0..<(Y * width) { p[readoutW + k] = rng.uniform(-limit, limit) }
        return p
    }
}

/// A rows × cols matrix (rows ≥ cols) with orthonormal columns: Q of the QR factorization of a
/// standard normal matrix, signs fixed by R's diagonal so the distribution is uniform (as Keras
/// does). Gram–Schmidt with reorthogonalization is exact enough at these sizes.
func orthogonalColumns(rows: Int, cols: Int, rng: inout SplitMix64) -> [Double] {
    precondition(rows >= cols)
    var a = [Double](repeating: 0, count: rows * cols)
    for k in 0..<(rows * cols) { a[k] = rng.normal() }
    for j in 0..<cols {
        var rjj = 0.0
        for _ in 0..<2 {
            for i in 0..<j {
                var dot = 0.0
                for r in 0..<rows { dot += a[r * cols + i] * a[r * cols + j] }
                for r in 0..<rows { a[r * cols + j] -= dot * a[r * cols + i] }
            }
        }
        var norm = 0.0
        for r in 0..<rows { norm += a[r * cols + j] * a[r * cols + j] }
        rjj = norm.squareRoot()
        // Q's column j is the normalized residual; sign(R_jj) is positive by construction.
        for r in 0..<rows { a[r * cols + j] /= rjj }
    }
    return a
}
