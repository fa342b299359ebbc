import Foundation
import Synchronization
import Testing
@testable import RNNCore

/// `Network.train` reuses one set of pass arrays and one aligned copy of each recurrent matrix
/// per batch. These tests hold it to the plain loop it replaced (a fresh `lossAndGradient` per
/// sequence) bit for bit, including over sequences of different lengths and initial states,
/// where a stale entry of a reused array would show.
@Suite("Training reuses its buffers")
struct TrainingReuseTests {
    /// The training loop as it was written before the buffers were reused.
    func referenceTrain(_ network: Network, _ initial: [Double], _ samples: [Sample], _ config: TrainingConfig)
        -> (parameters: [Double], losses: [Double])
    {
        var parameters = initial
        var optimizer = Optimizer(config.optimizer, parameterCount: network.layout.count)
        var rng = SplitMix64(seed: config.seed)
        var order = Array(samples.indices)
        var losses: [Double] = []
        for _ in 1...config.epochs {
            if config.shuffle {
                for i in stride(from: order.count - 1, to: 0, by: -1) {
                    order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
                }
            }
            var start = 0
            while start < order.count {
                let members = order[start..<min(start + config.batchSize, order.count)]
                start += config.batchSize
                var gradient = [Double](repeating: 0, count: network.layout.count)
                var loss = 0.0
                for index in members {
                    let (record, g) = network.lossAndGradient(
                        parameters: parameters, sample: samples[index], truncation: config.truncation)
                    loss += record.loss
                    for k in gradient.indices { gradient[k] += g[k] }
                }
                let scale = 1 / Double(members.count)
                loss *= scale
                for k in gradient.indices { gradient[k] *= scale }
                _ = config.clipping?.apply(to: &gradient)
                losses.append(loss)
                optimizer.update(&parameters, gradient: gradient)
            }
        }
        return (parameters, losses)
    }

    /// Sequences of 4, 9 and 14 steps in runs of four of one length (so that, unshuffled, arrays
    /// are reused as they are, and also resized), every other one with initial states.
    func samples(_ spec: NetworkSpec, loss: LossKind, count: Int, seed: UInt64) -> (Network, [Double], [Sample]) {
        var made: [Sample] = []
        var network: Network!, parameters: [Double] = []
        for k in 0..<count {
            let T = 4 + 5 * ((k / 4 + Int(seed)) % 3)
            let (n, p, sample) = randomProblem(
                spec, steps: T, loss: loss, seed: seed &+ UInt64(k), scale: 0.4, initialStates: k % 2 == 0)
            if k == 0 { (network, parameters) = (n, p) }
            made.append(sample)
        }
        return (network, parameters, made)
    }

    static let cases: [(String, NetworkSpec, LossKind, TrainingConfig)] = {
        var out: [(String, NetworkSpec, LossKind, TrainingConfig)] = []
        let plain = TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: 3, batchSize: 4, seed: 5)
        var inOrder = plain
        inOrder.shuffle = false
        for (name, spec) in allCellVariants {
            out.append((name, spec, .mseAll, inOrder))
            out.append((name + ", shuffled", spec, .mseLast, plain))
        }
        var clipped = plain
        clipped.clipping = .globalNorm(0.05)
        clipped.truncation = 4
        var valueClipped = plain
        valueClipped.clipping = .value(0.01)
        valueClipped.optimizer = .sgd(learningRate: 0.1, momentum: 0.9)
        for cell in [CellKind.rnn, .lstm, .gru] {
            out.append(("\(cell) clipped, truncated", NetworkSpec(cell: cell, inputSize: 2, hiddenSizes: [5], outputSize: 1), .mseLast, clipped))
            out.append(("\(cell) in order, stacked", NetworkSpec(cell: cell, inputSize: 2, hiddenSizes: [5, 3], outputSize: 1), .mseAll, inOrder))
            out.append(("\(cell) in order, bidirectional", NetworkSpec(cell: cell, inputSize: 2, hiddenSizes: [5], outputSize: 1, bidirectional: true), .mseAll, inOrder))
            out.append(("\(cell) value-clipped", NetworkSpec(cell: cell, inputSize: 2, hiddenSizes: [5], outputSize: 1), .mseAll, valueClipped))
            out.append(("\(cell) stacked", NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [4, 6], outputSize: 2), .mseAll, clipped))
            out.append(("\(cell) bidirectional", NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [4], outputSize: 2, bidirectional: true), .mseLast, plain))
            out.append(("\(cell) bidirectional stacked", NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [3, 4], outputSize: 2, bidirectional: true), .mseAll, clipped))
            out.append(("\(cell) embedding", NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [6], outputSize: 5, vocabularySize: 5), .xentAll, plain))
            out.append(("\(cell) embedding stacked", NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [4, 4], outputSize: 5, vocabularySize: 5), .xentLast, clipped))
        }
        return out
    }()

    @Test(arguments: cases.indices)
    func sameBitsAsAFreshPassPerSequence(_ index: Int) {
        let (name, spec, loss, config) = Self.cases[index]
        let (network, parameters, data) = samples(spec, loss: loss, count: 12, seed: UInt64(17 + index))
        let expected = referenceTrain(network, parameters, data, config)
        let result = network.train(parameters: parameters, samples: data, config: config)
        #expect(result.outcome == .completed, "\(name)")
        #expect(result.parameters == expected.parameters, "\(name): trained parameters")
        // Mean over an epoch's batches, in the same order as train takes it.
        let perEpoch = expected.losses.count / config.epochs
        for (e, summary) in result.history.enumerated() {
            var sum = 0.0
            for b in 0..<perEpoch { sum += expected.losses[e * perEpoch + b] }
            #expect(summary.loss == sum / Double(perEpoch), "\(name): epoch \(e + 1) loss")
        }
    }

    /// Two models trained at once on two threads (as a lesson's comparison does) share nothing.
    @Test func concurrentTrainingGivesTheSameBits() {
        let specs = [
            NetworkSpec(cell: .lstm, inputSize: 3, hiddenSizes: [8], outputSize: 1),
            NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [6], outputSize: 1),
        ]
        let config = TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: 4, batchSize: 8, seed: 2)
        let problems = specs.enumerated().map { samples($0.element, loss: .mseAll, count: 40, seed: UInt64(90 + $0.offset)) }
        let alone = problems.map { $0.0.train(parameters: $0.1, samples: $0.2, config: config).parameters }
        let together = Mutex<[[Double]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            let (network, parameters, data) = problems[k]
            let trained = network.train(parameters: parameters, samples: data, config: config).parameters
            together.withLock { $0[k] = trained }
        }
        #expect(together.withLock { $0 } == alone)
    }
}
