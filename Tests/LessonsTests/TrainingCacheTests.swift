import Foundation
import Testing
@testable import Lessons
@testable import RNNCore

/// The process's training cache: a hit is the bits of training again, it replays the epochs to
/// the progress, and any difference in the inputs is a different key.
@Suite("Training cache")
struct TrainingCacheTests {
    func problem(hidden: Int = 3) -> (Network, [Double], [Sample], TrainingConfig) {
        let network = Network(NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [hidden], outputSize: 1))
        var rng = SplitMix64(seed: 4)
        let samples = (0..<6).map { _ in
            Sample(input: .vectors((0..<10).map { _ in rng.uniform(-1, 1) }, steps: 5), loss: .mseLast,
                   targets: .vectors([rng.uniform(-1, 1)]))
        }
        let config = TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: 4, batchSize: 2, seed: 9)
        return (network, network.initialParameters(seed: 3), samples, config)
    }

    @Test func aHitIsTheSameBitsAndReplaysTheEpochs() {
        let (network, p, samples, config) = problem()
        let direct = network.train(parameters: p, samples: samples, config: config)
        let first = network.trainCached(parameters: p, samples: samples, config: config).result
        var epochs: [Int] = []
        let second = network.trainCached(parameters: p, samples: samples, config: config) { epochs.append($0.epoch) }.result
        #expect(first.parameters.map(\.bitPattern) == direct.parameters.map(\.bitPattern))
        #expect(second.parameters.map(\.bitPattern) == direct.parameters.map(\.bitPattern))
        #expect(epochs == [1, 2, 3, 4])
    }

    @Test func everyInputIsPartOfTheKey() {
        let (network, p, samples, config) = problem()
        let base = TrainingCache.key(model: network, parameters: p, samples: samples, config: config)
        #expect(base != nil)
        #expect(base == TrainingCache.key(model: Network(network.spec), parameters: p, samples: samples, config: config))
        var q = p
        q[0] = q[0].nextUp
        var other = samples
        other[5].targets = .vectors([0.25])
        var longer = config
        longer.epochs = 5
        let wider = problem(hidden: 4)
        var relu = network.spec
        relu.activation = .relu
        for key in [TrainingCache.key(model: network, parameters: q, samples: samples, config: config),
                    TrainingCache.key(model: network, parameters: p, samples: other, config: config),
                    TrainingCache.key(model: network, parameters: p, samples: samples, config: longer),
                    TrainingCache.key(model: wider.0, parameters: wider.1, samples: samples, config: config),
                    TrainingCache.key(model: Network(relu), parameters: p, samples: samples, config: config)] {
            #expect(key != base)
        }
    }
}
