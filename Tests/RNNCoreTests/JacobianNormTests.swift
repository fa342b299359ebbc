import Foundation
import Testing
@testable import RNNCore

/// The Jacobian norms against what theory says they must be (Pascanu, Mikolov and Bengio 2013).
@Suite("Jacobian norms")
struct JacobianNormTests {
    /// A vanilla RNN with W_hh = s · Q (Q orthogonal), zero inputs and state.
    func orthogonalRNN(_ activation: Activation, H: Int, T: Int, s: Double, seed: UInt64) -> (Network, [Double], Sample) {
        let network = Network(NetworkSpec(cell: .rnn, inputSize: 2, hiddenSizes: [H], outputSize: 1, activation: activation))
        var rng = SplitMix64(seed: seed)
        var p = network.initialParameters(seed: seed)
        let q = orthogonalColumns(rows: H, cols: H, rng: &rng)
        let wh = network.layout.slot(named: "W_hh")!
        for k in 0..<(H * H) { p[wh.offset + k] = s * q[k] }
        let sample = Sample(
            input: .vectors((0..<(2 * T)).map { _ in rng.uniform(-1, 1) }, steps: T),
            loss: .mseLast, targets: .vectors([0.5]))
        return (network, p, sample)
    }

    @Test(arguments: [0.5, 0.9, 1.0, 1.1, 1.7])
    func linearRNNNormsArePowersOfS(s: Double) {
        let T = 40
        let (network, p, sample) = orthogonalRNN(.linear, H: 8, T: T, s: s, seed: 21)
        let record = network.forward(parameters: p, sample: sample)
        let norms = network.jacobianNorms(parameters: p, record: record)
        #expect(norms.count == T + 1)
        for t in 0...T {
            let expected = pow(s, Double(T - t))
            #expect(abs(norms[t] - expected) <= 1e-9 * expected, "t=\(t): \(norms[t]) vs \(expected)")
        }
    }

    @Test func extremeScalesRoundOnlyAtTheEnd() {
        // s = 1e11 over 29 steps: s^28 = 1e308 is still a double, s^29 is not. s = 1e−11: the
        // norms underflow through the subnormals to 0 only where the true value does.
        let T = 29
        for s in [1e11, 1e-11] {
            let network = Network(NetworkSpec(cell: .rnn, inputSize: 1, hiddenSizes: [6], outputSize: 1, activation: .linear))
            var rng = SplitMix64(seed: 5)
            var p = [Double](repeating: 0, count: network.parameterCount)
            let q = orthogonalColumns(rows: 6, cols: 6, rng: &rng)
            let wh = network.layout.slot(named: "W_hh")!
            for k in 0..<36 { p[wh.offset + k] = s * q[k] }
            let sample = Sample(input: .vectors([Double](repeating: 0, count: T), steps: T), loss: .mseLast, targets: .vectors([0]))
            let record = network.forward(parameters: p, sample: sample)
            let norms = network.jacobianNorms(parameters: p, record: record)
            for t in 0...T {
                // the true value, s^(T−t), as a correctly rounded double
                let exponent = Double(T - t) * log10(s)
                if exponent > 308.25 {
                    #expect(norms[t] == .infinity, "t=\(t)")
                } else if exponent < -323.5 {
                    #expect(norms[t] == 0, "t=\(t)")
                } else if exponent > -307 {
                    let expected = pow(s, Double(T - t))
                    #expect(norms[t].isFinite && abs(norms[t] - expected) <= 1e-9 * expected, "t=\(t): \(norms[t]) vs \(expected)")
                } else {
                    #expect(norms[t] > 0 && norms[t].isFinite, "t=\(t): subnormal expected, got \(norms[t])")
                }
            }
        }
    }

    @Test(arguments: [0.6, 0.95])
    func tanhRNNNormsStayBelowTheBound(s: Double) {
        // ‖∂h_T/∂h_t‖ ≤ Π ‖diag(tanh′)‖ ‖W_hh‖ ≤ s^(T−t) when σ_max(W_hh) = s < 1.
        let T = 30, H = 10
        let network = Network(NetworkSpec(cell: .rnn, inputSize: 3, hiddenSizes: [H], outputSize: 1))
        var rng = SplitMix64(seed: 99)
        var p = network.initialParameters(seed: 7)
        // W_hh = U diag(σ) Vᵀ with σ_1 = s and the rest spread below it.
        let u = orthogonalColumns(rows: H, cols: H, rng: &rng), v = orthogonalColumns(rows: H, cols: H, rng: &rng)
        let sigma = (0..<H).map { s * (1 - 0.08 * Double($0)) }
        let wh = network.layout.slot(named: "W_hh")!
        for i in 0..<H {
            for j in 0..<H {
                p[wh.offset + i * H + j] = (0..<H).reduce(0) { $0 + u[i * H + $1] * sigma[$1] * v[j * H + $1] }
            }
        }
        let sample = Sample(
            input: .vectors((0..<(3 * T)).map { _ in rng.uniform(-1, 1) }, steps: T),
            loss: .mseAll, targets: .vectors((0..<T).map { _ in rng.uniform(-1, 1) }))
        let record = network.forward(parameters: p, sample: sample)
        let norms = network.jacobianNorms(parameters: p, record: record)
        #expect(norms[T] == 1)
        for t in 0..<T {
            #expect(norms[t] <= pow(s, Double(T - t)) * (1 + 1e-12), "t=\(t)")
            #expect(norms[t] > 0)
        }
        // and the bound is not vacuous: the gradient really vanishes
        #expect(norms[0] < 1e-3)
    }

    @Test func largestSingularValueOfAKnownMatrix() {
        // diag(3, 2.9999, 1, …) rotated: the two top values are close, a hard case for Lanczos.
        let n = 40
        var rng = SplitMix64(seed: 8)
        let u = orthogonalColumns(rows: n, cols: n, rng: &rng), v = orthogonalColumns(rows: n, cols: n, rng: &rng)
        var sigma = (0..<n).map { 1 - Double($0) / Double(2 * n) }
        sigma[0] = 3; sigma[1] = 2.9999
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = (0..<n).reduce(0) { $0 + u[i * n + $1] * sigma[$1] * v[j * n + $1] } } }
        var solver = SpectralNormSolver(rows: n, cols: n)
        let result = a.withUnsafeBufferPointer { solver.largest($0.baseAddress!, start: nil) }
        #expect(abs(result.sigma - 3) <= 1e-12 * 3)
    }
}
