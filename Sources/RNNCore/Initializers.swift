import RNNKernels

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
                p.replaceSubrange(wh..<(wh + G * H * H), with: q)
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
/// standard normal matrix (drawn row by row), signs fixed by R's diagonal so the distribution is
/// uniform (as Keras does).
func orthogonalColumns(rows: Int, cols: Int, rng: inout SplitMix64) -> [Double] {
    var a = [Double](repeating: 0, count: rows * cols)
    a.withUnsafeMutableBufferPointer { buffer in  // no array bookkeeping per draw in debug builds
        for k in buffer.indices { buffer[k] = rng.normal() }
    }
    orthonormalize(&a, rows: rows, cols: cols)
    return a
}

/// Replaces the row-major rows × cols matrix a (rows ≥ cols, full rank) by Q of a = QR with R's
/// diagonal positive. Q is unique, so any stable QR gives the same Q to rounding; this one is block
/// Gram–Schmidt on the dense kernels (Sources/RNNKernels/orthonormal.c): seconds for the largest
/// cell's 16384 × 4096, where Gram–Schmidt column by column in Swift took minutes.
func orthonormalize(_ a: inout [Double], rows: Int, cols: Int) {
    precondition(rows >= cols && rows <= Int(Int32.max) && a.count == rows * cols)
    a.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        rk_orthonormalize(Int32(rows), Int32(cols), base, Int32(cols))
    }
}
