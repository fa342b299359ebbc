import Foundation
import Testing
@testable import RNNCore

/// The connectivity ‖∂h_t/∂x_s‖ and ‖∂y_t/∂x_s‖ against central finite differences of the
/// forward pass, for every cell and variant, stacked layers included.
@Suite("Connectivity")
struct ConnectivityTests {
    static let cases: [(String, NetworkSpec)] = allCellVariants + [
        ("lstm stacked", NetworkSpec(cell: .lstm, inputSize: 3, hiddenSizes: [4, 3], outputSize: 2)),
        ("gru stacked", NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [3, 4], outputSize: 2)),
        ("rnn three layers", NetworkSpec(cell: .rnn, inputSize: 3, hiddenSizes: [4, 4, 2], outputSize: 2)),
    ]

    /// dh[t][s] and dy[t][s] as (rows × X) Jacobian blocks by central differences in every x_s[k].
    func finiteDifferenceNorms(
        _ network: Network, _ p: [Double], _ sample: Sample, steps T: Int, inputSize X: Int
    ) -> (hidden: [[Double]], output: [[Double]]) {
        guard case .vectors(let x, _) = sample.input else { fatalError("vector input only") }
        let top = network.spec.hiddenSizes.count - 1, H = network.spec.hiddenSizes[top]
        let Y = network.spec.outputSize
        // columns[s][k] = (∂(h_1 … h_T)/∂x_s[k], ∂(y_1 … y_T)/∂x_s[k])
        var dh = [Double](repeating: 0, count: T * H * T * X)
        var dy = [Double](repeating: 0, count: T * Y * T * X)
        let eps = 1e-6
        for s in 0..<T {
            for k in 0..<X {
                var plus = x, minus = x
                plus[s * X + k] += eps
                minus[s * X + k] -= eps
                var sp = sample, sm = sample
                sp.input = .vectors(plus, steps: T)
                sm.input = .vectors(minus, steps: T)
                let rp = network.forward(parameters: p, sample: sp), rm = network.forward(parameters: p, sample: sm)
                let column = s * X + k
                for i in 0..<(T * H) {
                    dh[i * T * X + column] = (rp.outputs[top][i] - rm.outputs[top][i]) / (2 * eps)
                }
                for i in 0..<(T * Y) { dy[i * T * X + column] = (rp.y[i] - rm.y[i]) / (2 * eps) }
            }
        }
        func norms(_ m: [Double], rows: Int) -> [[Double]] {
            (0..<T).map { t in
                (0..<T).map { s in
                    var sum = 0.0
                    for r in 0..<rows {
                        for k in 0..<X { let v = m[(t * rows + r) * T * X + s * X + k]; sum += v * v }
                    }
                    return sum.squareRoot()
                }
            }
        }
        return (norms(dh, rows: H), norms(dy, rows: Y))
    }

    @Test(arguments: ConnectivityTests.cases.map(\.0))
    func equalsFiniteDifferences(name: String) {
        let spec = Self.cases.first { $0.0 == name }!.1
        let T = 7
        let (network, p, sample) = randomProblem(spec, steps: T, loss: .mseAll, seed: 41, scale: 0.6)
        let record = network.forward(parameters: p, sample: sample)
        let exact = network.connectivity(parameters: p, record: record)
        let fd = finiteDifferenceNorms(network, p, sample, steps: T, inputSize: spec.inputSize)
        #expect(exact.steps == T && exact.hidden.count == T && exact.output.count == T)
        var largest = 0.0
        for t in 0..<T {
            #expect(exact.hidden[t].count == t + 1 && exact.output[t].count == t + 1)
            for s in 0..<T {
                if s > t {
                    // causality: h_t does not depend on later inputs
                    #expect(fd.hidden[t][s] < 1e-9, "\(name) t=\(t + 1) s=\(s + 1)")
                    continue
                }
                for (e, f, what) in [(exact.hidden[t][s], fd.hidden[t][s], "h"), (exact.output[t][s], fd.output[t][s], "y")] {
                    largest = max(largest, f)
                    #expect(abs(e - f) <= 1e-6 * max(f, 1e-3), "\(name) ‖∂\(what)_\(t + 1)/∂x_\(s + 1)‖: exact \(e), finite differences \(f)")
                }
            }
        }
        #expect(largest > 0.01, "\(name): a test whose Jacobians are all tiny would prove little")
    }

    @Test func tokenInputIsTheEmbeddedVector() {
        // With an embedding, x_s is the vector the first layer reads; the norms still exist for
        // every s ≤ t and are positive for s = t.
        let spec = NetworkSpec(cell: .lstm, inputSize: 5, hiddenSizes: [6], outputSize: 9, vocabularySize: 9)
        let (network, p, sample) = randomProblem(spec, steps: 12, loss: .xentAll, seed: 3)
        let record = network.forward(parameters: p, sample: sample)
        let c = network.connectivity(parameters: p, record: record)
        #expect(c.output.count == 12)
        for t in 0..<12 { #expect(c.output[t][t] > 0 && c.hidden[t][t] > 0) }
    }

    @Test func bidirectionalIsNotCovered() {
        let spec = NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2, bidirectional: true)
        #expect(!Network(spec).supportsConnectivity)
        #expect(Network(NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2)).supportsConnectivity)
    }

    @Test func linearRNNIsAMatrixPower() {
        // h_t = W h_{t−1} + U x_t exactly: ∂h_t/∂x_s = W^(t−s) U, so with W = s·Q (Q orthogonal)
        // ‖∂h_t/∂x_s‖ = s^(t−s) ‖U‖_F.
        let H = 6, T = 20, scale = 0.8
        let network = Network(NetworkSpec(cell: .rnn, inputSize: 2, hiddenSizes: [H], outputSize: 1, activation: .linear))
        var rng = SplitMix64(seed: 8)
        var p = network.initialParameters(seed: 8)
        let q = orthogonalColumns(rows: H, cols: H, rng: &rng)
        let wh = network.layout.slot(named: "W_hh")!, wx = network.layout.slot(named: "W_xh")!
        for k in 0..<(H * H) { p[wh.offset + k] = scale * q[k] }
        let u = euclideanNorm(p[wx.offset..<(wx.offset + H * 2)])
        let sample = Sample(input: .vectors((0..<(2 * T)).map { _ in rng.uniform(-1, 1) }, steps: T), loss: .mseLast, targets: .vectors([0]))
        let c = network.connectivity(parameters: p, record: network.forward(parameters: p, sample: sample))
        for t in 1...T {
            for s in 1...t {
                let expected = pow(scale, Double(t - s)) * u
                #expect(abs(c.hidden[t - 1][s - 1] - expected) <= 1e-12 * expected, "t=\(t) s=\(s)")
            }
        }
    }
}
