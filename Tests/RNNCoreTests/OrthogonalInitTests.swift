import Foundation
import Testing
@testable import RNNCore

/// The blocked orthogonal initialiser (Sources/RNNKernels/orthonormal.c) against the Gram–Schmidt
/// it replaced, kept here as the reference: Q of A = QR with R's diagonal positive is unique, so
/// two stable algorithms must agree to rounding on the same A.
@Suite("Orthogonal initialiser")
struct OrthogonalInitTests {
    /// The former `orthogonalColumns`: modified Gram–Schmidt with reorthogonalisation (MGS2), column
    /// by column over the row-major matrix, from the same draws.
    static func referenceColumns(rows: Int, cols: Int, rng: inout SplitMix64) -> [Double] {
        var a = [Double](repeating: 0, count: rows * cols)
        for k in 0..<(rows * cols) { a[k] = rng.normal() }
        for j in 0..<cols {
            for _ in 0..<2 {
                for i in 0..<j {
                    var dot = 0.0
                    for r in 0..<rows { dot += a[r * cols + i] * a[r * cols + j] }
                    for r in 0..<rows { a[r * cols + j] -= dot * a[r * cols + i] }
                }
            }
            var norm = 0.0
            for r in 0..<rows { norm += a[r * cols + j] * a[r * cols + j] }
            let rjj = norm.squareRoot()
            for r in 0..<rows { a[r * cols + j] /= rjj }
        }
        return a
    }

    /// ‖QᵀQ − I‖_F.
    static func lossOfOrthogonality(_ q: [Double], rows: Int, cols: Int) -> Double {
        var sum = 0.0
        for i in 0..<cols {
            for j in 0..<cols {
                var dot = 0.0
                for r in 0..<rows { dot += q[r * cols + i] * q[r * cols + j] }
                let d = dot - (i == j ? 1 : 0)
                sum += d * d
            }
        }
        return sum.squareRoot()
    }

    /// Tiny; square (the vanilla RNN's H × H, which needs the second projection in its last
    /// blocks); tall 4:1 (LSTM) and 3:1 (GRU); widths that fill no 32- or 256-column block
    /// exactly, and one past a 256-column block (big enough for the products' second thread).
    static let shapes: [(rows: Int, cols: Int)] = [
        (1, 1), (2, 1), (4, 1), (3, 3), (8, 2), (12, 4),
        (31, 31), (33, 33), (64, 64), (200, 200), (300, 300),
        (4 * 40, 40), (4 * 70, 70), (3 * 33, 33), (3 * 100, 100), (4 * 257, 257),
    ]

    @Test(arguments: shapes.indices)
    func agreesWithGramSchmidtColumnByColumn(shape: Int) {
        let (rows, cols) = Self.shapes[shape]
        var rng = SplitMix64(seed: 1000 + UInt64(shape)), same = rng
        let q = orthogonalColumns(rows: rows, cols: cols, rng: &rng)
        let reference = Self.referenceColumns(rows: rows, cols: cols, rng: &same)
        #expect(rng.next() == same.next(), "the same number of draws")
        let worst = zip(q, reference).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-10, "\(rows) × \(cols): max |ΔQ| = \(worst)")
        let loss = Self.lossOfOrthogonality(q, rows: rows, cols: cols)
        #expect(loss < 1e-12, "\(rows) × \(cols): ‖QᵀQ − I‖_F = \(loss)")
    }

    /// Far from a Gaussian matrix: singular values spread over ten decades (A = X D Vᵀ, X
    /// Gaussian, D graded, V orthogonal), where one projection per block or column would lose
    /// orthogonality. Q must still be orthonormal, and QᵀA = R upper triangular with a positive
    /// diagonal (A's QR factor, not just some orthonormal basis).
    @Test(arguments: [(300, 150), (200, 200)])
    func illConditioned(rows: Int, cols: Int) {
        var rng = SplitMix64(seed: 77)
        let v = orthogonalColumns(rows: cols, cols: cols, rng: &rng)
        var x = (0..<(rows * cols)).map { _ in rng.normal() }
        for i in 0..<rows { for j in 0..<cols { x[i * cols + j] *= pow(10, -10 * Double(j) / Double(cols - 1)) } }
        var a = [Double](repeating: 0, count: rows * cols)
        BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: cols, k: cols, a: x, lda: cols, b: v, ldb: cols,
                  beta: 0, c: &a, ldc: cols)
        var q = a
        orthonormalize(&q, rows: rows, cols: cols)
        let loss = Self.lossOfOrthogonality(q, rows: rows, cols: cols)
        #expect(loss < 1e-12, "\(rows) × \(cols): ‖QᵀQ − I‖_F = \(loss)")
        var r = [Double](repeating: 0, count: cols * cols)
        BLAS.gemm(transposeA: true, transposeB: false, m: cols, n: cols, k: rows, a: q, lda: cols, b: a, ldb: cols,
                  beta: 0, c: &r, ldc: cols)
        let scale = r.map(abs).max() ?? 1
        var below = 0.0
        for i in 0..<cols { for j in 0..<i { below = max(below, abs(r[i * cols + j])) } }
        #expect(below < 1e-13 * scale, "\(rows) × \(cols): |R below the diagonal| = \(below / scale) of the largest")
        #expect((0..<cols).allSatisfy { r[$0 * cols + $0] > 0 }, "R's diagonal positive")
    }

    @Test func sameSeedSameBits() {
        // 1028 × 257: products large enough to be shared with the second thread.
        for (rows, cols) in [(300, 300), (4 * 257, 257)] {
            var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5)
            let first = orthogonalColumns(rows: rows, cols: cols, rng: &a)
            let second = orthogonalColumns(rows: rows, cols: cols, rng: &b)
            #expect(first.map(\.bitPattern) == second.map(\.bitPattern), "\(rows) × \(cols)")
        }
    }

    /// The draw order is unchanged, so a seed still means the same weights: every parameter but
    /// the recurrent kernels is bit for bit what the former initialiser gave, and those agree to
    /// rounding.
    @Test(arguments: [CellKind.rnn, .lstm, .gru])
    func initialParametersDrawInTheSameOrder(cell: CellKind) {
        let network = Network(NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [20, 9], outputSize: 2, vocabularySize: 7))
        let p = network.initialParameters(seed: 11)
        // The former Network.initialParameters(seed:), with the reference Gram–Schmidt.
        var rng = SplitMix64(seed: 11)
        var expected = [Double](repeating: 0, count: network.layout.count)
        var recurrent: [Range<Int>] = []
        if let embedding = network.embedding, let vocab = network.spec.vocabularySize {
            for k in 0..<(vocab * network.spec.inputSize) { expected[embedding + k] = rng.uniform(-0.05, 0.05) }
        }
        for cells in network.layers {
            for c in cells {
                let s = c.spec, G = s.gateCount, H = s.hiddenSize, X = s.inputSize
                let limit = (6.0 / Double(X + G * H)).squareRoot()
                for k in 0..<(G * H * X) { expected[c.wx + k] = rng.uniform(-limit, limit) }
                let q = Self.referenceColumns(rows: G * H, cols: H, rng: &rng)
                for k in 0..<(G * H * H) { expected[c.wh + k] = q[k] }
                recurrent.append(c.wh..<(c.wh + G * H * H))
                if s.kind == .lstm { for j in 0..<H { expected[c.b + j] = 1 } }
            }
        }
        let width = network.topWidth, Y = network.spec.outputSize
        let limit = (6.0 / Double(width + Y)).squareRoot()
        for k in 0..<(Y * width) { expected[network.readoutW + k] = rng.uniform(-limit, limit) }

        #expect(p.count == expected.count)
        for k in p.indices {
            if recurrent.contains(where: { $0.contains(k) }) {
                #expect(abs(p[k] - expected[k]) < 1e-10, "\(cell) [\(k)]: \(p[k]) vs \(expected[k])")
            } else {
                #expect(p[k].bitPattern == expected[k].bitPattern, "\(cell) [\(k)]: \(p[k]) vs \(expected[k])")
            }
        }
    }
}
