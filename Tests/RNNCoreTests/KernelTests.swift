import Foundation
import Testing
@testable import RNNCore

/// The dense kernels (Sources/RNNKernels) against plain loops, and σ/tanh against true values.
@Suite("Kernels")
struct KernelTests {
    static func random(_ count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in rng.uniform(-1, 1) }
    }

    /// Sizes that fill no panel exactly, cross the 256-step blocking of k, are big enough for
    /// the second thread, or are thin (matrix-vector and outer products).
    static let gemmSizes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (3, 5, 2), (17, 9, 31), (37, 23, 600), (160, 40, 300), (1000, 13, 129),
        (1000, 1, 128), (1, 128, 1000), (1000, 128, 1),  // a one-output readout's three shapes
    ]

    @Test(arguments: gemmSizes.indices)
    func gemmMatchesPlainLoops(size: Int) {
        let (m, n, k) = Self.gemmSizes[size]
        for (transA, transB, tight) in [false, true].flatMap({ a in [false, true].flatMap { b in [(a, b, false), (a, b, true)] } }) {
            do {
                // Row strides wider than the rows, so the kernels must honour lda/ldb/ldc, and
                // tight ones (which thin shapes turn into matrix-vector products).
                let pad = tight ? 0 : 1
                let lda = (transA ? m : k) + 3 * pad, ldb = (transB ? k : n) + 2 * pad, ldc = n + pad
                let a = Self.random((transA ? k : m) * lda, seed: 1)
                let b = Self.random((transB ? n : k) * ldb, seed: 2)
                let c0 = Self.random(m * ldc, seed: 3)
                var c = c0
                let alpha = 0.75, beta = -0.5
                a.withUnsafeBufferPointer { aBuf in
                    b.withUnsafeBufferPointer { bBuf in
                        c.withUnsafeMutableBufferPointer { cBuf in
                            BLAS.gemm(
                                transposeA: transA, transposeB: transB, m: m, n: n, k: k,
                                alpha: alpha, a: aBuf.baseAddress!, lda: lda, b: bBuf.baseAddress!,
                                ldb: ldb, beta: beta, c: cBuf.baseAddress!, ldc: ldc)
                        }
                    }
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let x = transA ? a[p * lda + i] : a[i * lda + p]
                            let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                            s += x * y
                            magnitude += abs(x * y)
                        }
                        let expected = alpha * s + beta * c0[i * ldc + j]
                        worst = max(worst, abs(c[i * ldc + j] - expected) / (magnitude + 1))
                    }
                }
                #expect(worst < 1e-14, "m \(m) n \(n) k \(k) transA \(transA) transB \(transB): \(worst)")
                // Padding between rows of C is never written.
                if !tight { for i in 0..<m { #expect(c[i * ldc + n] == c0[i * ldc + n]) } }
            }
        }
    }

    @Test(arguments: [(1, 1), (7, 3), (512, 128), (45, 70), (160, 40)])
    func gemvMatchesPlainLoops(m: Int, n: Int) {
        let lda = n + 5
        let a = Self.random(m * lda, seed: 4)
        let x = Self.random(max(m, n), seed: 5)
        let y0 = Self.random(max(m, n), seed: 6)
        for transpose in [false, true] {
            var y = y0
            let outputs = transpose ? n : m
            a.withUnsafeBufferPointer { aBuf in
                x.withUnsafeBufferPointer { xBuf in
                    y.withUnsafeMutableBufferPointer { yBuf in
                        BLAS.gemv(
                            transpose: transpose, m: m, n: n, alpha: 1.5, a: aBuf.baseAddress!,
                            lda: lda, x: xBuf.baseAddress!, beta: 0.25, y: yBuf.baseAddress!)
                    }
                }
            }
            for i in 0..<outputs {
                var s = 0.0, magnitude = 0.0
                for p in 0..<(transpose ? m : n) {
                    let term = transpose ? a[p * lda + i] * x[p] : a[i * lda + p] * x[p]
                    s += term
                    magnitude += abs(term)
                }
                let expected = 1.5 * s + 0.25 * y0[i]
                #expect(abs(y[i] - expected) <= 1e-14 * (magnitude + 1), "transpose \(transpose) entry \(i)")
            }
            // Entries past the output are untouched.
            for i in outputs..<y.count { #expect(y[i] == y0[i]) }
        }
    }

    /// Distance in units of the last place of the reference.
    static func ulps(_ value: Double, _ reference: Double) -> Double {
        reference == 0 ? abs(value) / Double.leastNonzeroMagnitude : abs(value - reference) / reference.ulp
    }

    /// Against correctly rounded values from mpmath (Tests/Reference/make_activations.py).
    @Test func sigmoidAndTanhAreWithinTwoUlpOfTheTrueValues() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/activations/activations.json", withExtension: nil))
        // rnnlab's own reader: Foundation's JSONSerialization does not round-trip every double.
        let root = try JSONReader.parse([UInt8](try Data(contentsOf: url)))
        guard case .array(let lines) = root.value else { Issue.record("not an array"); return }
        let rows: [[Double]] = lines.map { line in
            guard case .array(let cells) = line.value else { return [] }
            return cells.compactMap { if case .number(let v, _) = $0.value { v } else { nil } }
        }
        #expect(rows.count == 3000)
        var worstSigmoid = 0.0, worstTanh = 0.0
        for row in rows {
            worstSigmoid = max(worstSigmoid, Self.ulps(Elementwise.sigmoid(row[0]), row[1]))
            worstTanh = max(worstTanh, Self.ulps(Elementwise.tanh(row[0]), row[2]))
        }
        #expect(worstSigmoid <= 2, "σ: \(worstSigmoid) ulp")
        #expect(worstTanh <= 2, "tanh: \(worstTanh) ulp")
        // The vector forms give the scalar forms' bits.
        let xs = rows.map { $0[0] }
        var vs = [Double](repeating: 0, count: xs.count), vt = vs
        xs.withUnsafeBufferPointer { x in
            vs.withUnsafeMutableBufferPointer { Elementwise.sigmoid(xs.count, x.baseAddress!, into: $0.baseAddress!) }
            vt.withUnsafeMutableBufferPointer { Elementwise.tanh(xs.count, x.baseAddress!, into: $0.baseAddress!) }
        }
        #expect(zip(xs, vs).allSatisfy { Elementwise.sigmoid($0).bitPattern == $1.bitPattern })
        #expect(zip(xs, vt).allSatisfy { Elementwise.tanh($0).bitPattern == $1.bitPattern })
        // And the portable C path (CPUs without AVX2, other architectures) gives the same bits.
        let portable = Elementwise.portable(xs)
        #expect(zip(portable.sigma, vs).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(zip(portable.tanh, vt).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    @Test func sigmoidAndTanhAtTheEdges() {
        #expect(Elementwise.sigmoid(0) == 0.5)
        #expect(Elementwise.sigmoid(.infinity) == 1 && Elementwise.sigmoid(-.infinity) == 0)
        #expect(Elementwise.sigmoid(40) == 1 && Elementwise.sigmoid(-800) == 0)
        #expect(Elementwise.sigmoid(-700) > 0 && Self.ulps(Elementwise.sigmoid(-700), exp(-700)) <= 2)  // no overflow to 0
        #expect(Elementwise.sigmoid(-740) > 0 && Elementwise.sigmoid(-740) < 1e-320)  // gradual underflow
        #expect(Elementwise.sigmoid(.nan).isNaN && Elementwise.tanh(.nan).isNaN)
        #expect(Elementwise.tanh(0).bitPattern == (0.0).bitPattern)
        #expect(Elementwise.tanh(-0.0).bitPattern == (-0.0).bitPattern)
        #expect(Elementwise.tanh(.infinity) == 1 && Elementwise.tanh(-.infinity) == -1)
        #expect(Elementwise.tanh(20) == 1 && Elementwise.tanh(-19.5) == -tanh(19.5))
        #expect(Elementwise.tanh(1e-300) == 1e-300)
        #expect(Elementwise.tanh(Double.leastNonzeroMagnitude) == Double.leastNonzeroMagnitude)
        // Odd and monotone across the reduction's seams.
        var previous = -1.0
        for k in -4000...4000 {
            let x = Double(k) / 400
            let t = Elementwise.tanh(x)
            #expect(t.bitPattern == (-Elementwise.tanh(-x)).bitPattern || x == 0)
            #expect(t >= previous)
            previous = t
        }
    }
}
