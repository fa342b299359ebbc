import Foundation
import Testing
@testable import RNNCore

/// Optimizers, clipping, initializers, truncated BPTT and training, against hand-written formulas.
@Suite("Training")
struct TrainingTests {
    func close(_ a: Double, _ b: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(what): \(a) vs \(b)", sourceLocation: sourceLocation)
    }

    @Test func adamFollowsKeras() {
        // Keras 3: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); θ −= η √(1 − β2ᵗ)/(1 − β1ᵗ) m / (√v + ε)
        var p = [1.0, -2.0]
        var opt = Optimizer(.adam(learningRate: 0.01), parameterCount: 2)
        let g1 = [0.5, -3.0], g2 = [0.1, 2.0]
        opt.update(&p, gradient: g1)
        var m = g1.map { 0.1 * $0 }, v = g1.map { 0.001 * $0 * $0 }
        var expected = [1.0, -2.0]
        var a = 0.01 * (1 - 0.999).squareRoot() / (1 - 0.9)
        for k in 0..<2 { expected[k] -= a * m[k] / (v[k].squareRoot() + 1e-7) }
        close(p[0], expected[0], "adam step 1 [0]"); close(p[1], expected[1], "adam step 1 [1]")
        opt.update(&p, gradient: g2)
        for k in 0..<2 {
            m[k] += (g2[k] - m[k]) * 0.1
            v[k] += (g2[k] * g2[k] - v[k]) * 0.001
        }
        a = 0.01 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.9 * 0.9)
        for k in 0..<2 { expected[k] -= a * m[k] / (v[k].squareRoot() + 1e-7) }
        close(p[0], expected[0], "adam step 2 [0]"); close(p[1], expected[1], "adam step 2 [1]")
    }

    @Test func sgdMomentumAndAdagrad() {
        var p = [1.0]
        var sgd = Optimizer(.sgd(learningRate: 0.1, momentum: 0.9), parameterCount: 1)
        sgd.update(&p, gradient: [2.0])          // v = −0.2
        close(p[0], 0.8, "sgd step 1")
        sgd.update(&p, gradient: [1.0])          // v = 0.9 × −0.2 − 0.1 = −0.28
        close(p[0], 0.52, "sgd step 2")
        var q = [1.0]
        var ada = Optimizer(.adagrad(), parameterCount: 1)  // η 0.001, a₀ 0.1, ε 1e−7
        ada.update(&q, gradient: [2.0])
        close(q[0], 1 - 0.001 * 2 / (0.1 + 4 + 1e-7).squareRoot(), "adagrad")
    }

    @Test func clipping() {
        var g = [3.0, 4.0]
        let norm = Clipping.globalNorm(1).apply(to: &g)
        close(norm, 5, "norm before clipping")
        close(g[0], 0.6, "clipped [0]"); close(g[1], 0.8, "clipped [1]")
        var h = [3.0, -0.2, -7.0]
        Clipping.value(0.5).apply(to: &h)
        #expect(h == [0.5, -0.2, -0.5])
        var small = [0.1, 0.1]
        Clipping.globalNorm(1).apply(to: &small)
        #expect(small == [0.1, 0.1], "below the threshold nothing changes")
    }

    @Test func kerasInitializers() {
        let network = Network(NetworkSpec(cell: .lstm, inputSize: 5, hiddenSizes: [15], outputSize: 1))
        let p = network.initialParameters(seed: 42)
        #expect(p == network.initialParameters(seed: 42), "seeded and reproducible")
        #expect(p != network.initialParameters(seed: 43))
        let limit = (6.0 / Double(5 + 60)).squareRoot()
        for name in ["W_xf", "W_xi", "W_xc", "W_xo"] {
            let s = network.layout.slot(named: name)!
            #expect(p[s.range].allSatisfy { abs($0) <= limit }, "\(name) within the Glorot bound")
        }
        #expect(p[network.layout.slot(named: "b_f")!.range].allSatisfy { $0 == 1 }, "forget bias 1")
        #expect(p[network.layout.slot(named: "b_i")!.range].allSatisfy { $0 == 0 })
        // The stacked recurrent kernel (60 × 15) has orthonormal columns.
        let wh = network.layout.slot(named: "W_hf")!.offset
        for a in 0..<15 {
            for b in 0..<15 {
                var dot = 0.0
                for r in 0..<60 { dot += p[wh + r * 15 + a] * p[wh + r * 15 + b] }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-12)
            }
        }
    }

    @Test func truncatedBPTTStopsTheGradientBetweenChunks() {
        let spec = NetworkSpec(cell: .lstm, inputSize: 2, hiddenSizes: [4], outputSize: 1)
        let (network, p, sample) = randomProblem(spec, steps: 12, loss: .mseAll, seed: 9)
        var full = network.forward(parameters: p, sample: sample)
        let gFull = network.backward(parameters: p, record: &full, sample: sample)
        var long = network.forward(parameters: p, sample: sample)
        let gLong = network.backward(parameters: p, record: &long, sample: sample, truncation: 12)
        #expect(gFull == gLong && full.layers[0][0].dh == long.layers[0][0].dh, "k ≥ T is full BPTT")
        var cut = network.forward(parameters: p, sample: sample)
        _ = network.backward(parameters: p, record: &cut, sample: sample, truncation: 4)
        let H = 4, rf = full.layers[0][0], rc = cut.layers[0][0]
        for t in 9...12 { #expect(Array(rc.dhAt(t)) == Array(rf.dhAt(t)), "the last chunk is unchanged at t=\(t)") }
        // At the end of chunk 2 only the readout's own gradient remains: W_hyᵀ dL/dy_8.
        let wy = network.layout.slot(named: "W_hy")!.offset
        for j in 0..<H { close(rc.dh[8 * H + j], p[wy + j] * cut.dy[7], "dh_8[\(j)]") }
        #expect(Array(rc.dhAt(8)) != Array(rf.dhAt(8)))
    }

    @Test func trainingLearnsAndDivergenceIsReported() {
        let spec = NetworkSpec(cell: .gru, inputSize: 1, hiddenSizes: [8], outputSize: 1)
        let network = Network(spec)
        var rng = SplitMix64(seed: 1)
        let samples = (0..<32).map { _ -> Sample in
            let x = (0..<6).map { _ in rng.uniform() }
            return Sample(input: .vectors(x, steps: 6), loss: .mseLast, targets: .vectors([x.reduce(0, +) / 6]))
        }
        let result = network.train(parameters: network.initialParameters(seed: 2), samples: samples,
                                   config: TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: 30, batchSize: 8))
        #expect(result.outcome == .completed)
        #expect(result.history.last!.loss < 0.2 * result.history.first!.loss)

        let linear = Network(NetworkSpec(cell: .rnn, inputSize: 1, hiddenSizes: [4], outputSize: 1, activation: .linear))
        var p = linear.initialParameters(seed: 3)
        for k in linear.layout.slot(named: "W_hh")!.range { p[k] *= 3 }
        let big = [Sample(input: .vectors(Array(repeating: 1, count: 60), steps: 60), loss: .mseLast, targets: .vectors([0]))]
        let diverged = linear.train(parameters: p, samples: big, config: TrainingConfig(optimizer: .sgd(learningRate: 1), epochs: 5, batchSize: 1))
        guard case .diverged(let epoch, let step) = diverged.outcome else {
            Issue.record("expected divergence, got \(diverged.outcome)")
            return
        }
        #expect(epoch >= 1 && step >= 1)
        #expect(diverged.outcome.message == "diverged at epoch \(epoch), step \(step)")
        let finite = diverged.parameters.allSatisfy { $0.isFinite }
        #expect(finite, "the last finite parameters are kept")
    }
}
