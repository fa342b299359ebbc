import Foundation
import Testing
@testable import RNNCore

/// The feed-forward models (window baseline, the notes' Embedding example): finite differences
/// for every layer and loss, what a window reads, a hand-computed case, Keras's parameter counts.
@Suite("Feed-forward models")
struct FeedForwardTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var spec: FeedForwardSpec
        var loss: LossKind
        var steps: Int
        var testDescription: String { "\(label), \(loss.rawValue), T = \(steps)" }
    }

    /// Every reader (window shorter and longer than the sequence, pooling), with and without an
    /// embedding, every activation, zero to two hidden layers, every loss the reader takes.
    static let cases: [Case] = {
        var out: [Case] = []
        let readers: [(String, FeedForwardSpec.Reader)] = [("window 3", .window(3)), ("window 9", .window(9)), ("pooling", .averagePooling)]
        for (name, reader) in readers {
            for vocab in [nil, 7] as [Int?] {
                for (activation, hidden) in [(Activation.tanh, [5]), (.relu, [6, 4]), (.linear, [])] {
                    for loss in LossKind.allCases {
                        let spec = FeedForwardSpec(inputSize: 3, reader: reader, hiddenSizes: hidden, outputSize: 4,
                                                   activation: activation, vocabularySize: vocab)
                        guard spec.reads(loss) else { continue }
                        out.append(Case(label: "\(name)\(vocab == nil ? "" : ", embedding") \(activation.rawValue) \(hidden)",
                                        spec: spec, loss: loss, steps: 6))
                    }
                }
            }
        }
        return out
    }()

    /// Random weights and a random sequence; for relu, a seed whose pre-activations keep clear of
    /// the kink at 0 (central differences straddle it within ε).
    static func problem(_ spec: FeedForwardSpec, steps T: Int, loss: LossKind, seed: UInt64)
        -> (FeedForward, [Double], Sample)
    {
        let model = FeedForward(spec)
        var seed = seed
        while true {
            var rng = SplitMix64(seed: seed)
            let p = (0..<model.parameterCount).map { _ in 0.6 * rng.normal() }
            let input: Sample.Input = spec.vocabularySize.map { v in .tokens((0..<T).map { _ in Int(rng.next() % UInt64(v)) }) }
                ?? .vectors((0..<(T * spec.inputSize)).map { _ in rng.uniform(-1, 1) }, steps: T)
            let Y = spec.outputSize, n = loss.coversAllSteps ? T : 1
            let targets: Targets = loss == .mseLast || loss == .mseAll
                ? .vectors((0..<(n * Y)).map { _ in rng.uniform(-1, 1) })
                : .classes((0..<n).map { _ in Int(rng.next() % UInt64(Y)) })
            let sample = Sample(input: input, loss: loss, targets: targets)
            let record = model.forward(parameters: p, sample: sample)
            let nearest = record.pre.flatMap { $0 }.map(abs).min() ?? 1
            if spec.activation != .relu || nearest > 0.02 { return (model, p, sample) }
            seed += 1000
        }
    }

    @Test(arguments: cases)
    func gradientsAgreeWithFiniteDifferences(_ c: Case) {
        let (model, p, sample) = Self.problem(c.spec, steps: c.steps, loss: c.loss, seed: 5)
        let (record, gradient) = model.lossAndGradient(parameters: p, sample: sample)
        let check = GradientCheck()
        var entries = check.checkParameters(layout: model.layout, parameters: p, analytic: gradient) {
            model.forward(parameters: $0, sample: sample).loss
        }
        // dL/dx_t through the window or the pooling, by nudging the inputs themselves.
        if case .vectors(let x, let T) = sample.input {
            var numeric = [Double](repeating: 0, count: x.count)
            for k in x.indices {
                let f = { (d: Double) -> Double in
                    var y = x
                    y[k] += d
                    return model.forward(parameters: p, sample: Sample(input: .vectors(y, steps: T), loss: sample.loss, targets: sample.targets)).loss
                }
                let e = check.epsilon
                numeric[k] = (4 * (f(e / 2) - f(-e / 2)) / e - (f(e) - f(-e)) / (2 * e)) / 3
            }
            entries.append(.init(name: "dx", analytic: record.dInput, numeric: numeric))
        }
        #expect(entries.count == model.layout.slots.count + (c.spec.vocabularySize == nil ? 1 : 0))
        for entry in entries {
            let w = entry.worst
            #expect(w.error < 1e-6, "\(c.testDescription): \(entry.name)[\(w.index)] analytic \(w.analytic), numeric \(w.numeric)")
        }
        #expect(entries.reduce(0.0) { $0 + maxMagnitude($1.analytic) } > 1e-3)
    }

    @Test func aWindowReadsTheLastWStepsZeroPaddedInFront() {
        let spec = FeedForwardSpec(inputSize: 2, reader: .window(4), hiddenSizes: [5], outputSize: 3)
        let model = FeedForward(spec)
        let p = model.initialParameters(seed: 3)
        func y(_ x: [Double]) -> [Double] {
            model.scoredOutputs(parameters: p, sample: Sample(input: .vectors(x, steps: x.count / 2), loss: .mseLast, targets: .vectors([0, 0, 0]))).y
        }
        let short = [0.3, -0.2, 0.9, 0.4]                       // T = 2 < W
        #expect(y(short) == y([0, 0, 0, 0] + short))             // = two zero steps in front
        let long = [0.5, 0.1, -0.7, 0.8, 0.2, 0.6, -0.1, 0.3, 0.4, -0.5]  // T = 5 > W
        var changed = long
        changed[0] = 9; changed[1] = -9                          // step 1 is outside the window
        #expect(y(long) == y(changed))
        changed[2] = 9                                           // step 2 is inside it
        #expect(y(long) != y(changed))
        // Over every step the window slides: y_2 of a sequence is y_T of its first two steps.
        let all = model.scoredOutputs(parameters: p, sample: Sample(input: .vectors(long, steps: 5), loss: .mseAll,
                                                                    targets: .vectors([Double](repeating: 0, count: 15)))).y
        #expect(Array(all[3..<6]) == y(Array(long[0..<4])))
    }

    @Test func poolingIgnoresTheOrderOfTheSteps() {
        let spec = FeedForwardSpec(inputSize: 4, reader: .averagePooling, hiddenSizes: [6], outputSize: 2,
                                   activation: .relu, vocabularySize: 9)
        let model = FeedForward(spec)
        let p = model.initialParameters(seed: 8)
        func y(_ ids: [Int]) -> [Double] {
            model.scoredOutputs(parameters: p, sample: Sample(input: .tokens(ids), loss: .xentLast, targets: .classes([1]))).y
        }
        let a = y([3, 1, 4, 1, 5]), b = y([5, 1, 4, 3, 1])
        for (u, v) in zip(a, b) { #expect(abs(u - v) < 1e-15) }
        #expect(spec.reads(.xentLast) && !spec.reads(.xentAll))
    }

    @Test func oneHiddenUnitByHand() {
        // u = [x_1; x_2] (W = 2, X = 1), h = tanh(w·u + b), y = v h + c, L = (y − d)²
        let model = FeedForward(FeedForwardSpec(inputSize: 1, reader: .window(2), hiddenSizes: [1], outputSize: 1))
        let (w1, w2, b, v, c, d) = (0.7, -0.4, 0.1, 1.5, -0.2, 0.3)
        let (x1, x2) = (0.9, -0.6)
        let p = [w1, w2, b, v, c]
        #expect(model.layout.slots.map(\.name) == ["W_1", "b_1", "W_y", "b_y"])
        let sample = Sample(input: .vectors([x1, x2], steps: 2), loss: .mseLast, targets: .vectors([d]))
        let (record, g) = model.lossAndGradient(parameters: p, sample: sample)
        let h = tanh(w1 * x1 + w2 * x2 + b), y = v * h + c
        #expect(abs(record.loss - (y - d) * (y - d)) < 1e-15)
        let dy = 2 * (y - d), da = dy * v * (1 - h * h)
        let expected = [da * x1, da * x2, da, dy * h, dy]
        for (a, e) in zip(g, expected) { #expect(abs(a - e) < 1e-14 * max(1, abs(e))) }
        #expect(abs(record.dInput[0] - da * w1) < 1e-14 && abs(record.dInput[1] - da * w2) < 1e-14)
    }

    /// Counts printed by Tests/Reference/keras_feedforward_counts.py (Keras 3.15.1, JAX backend).
    @Test func kerasParameterCounts() {
        func count(_ W: Int, _ n: Int, _ hidden: [Int], _ out: Int, vocab: Int? = nil) -> Int {
            FeedForward(FeedForwardSpec(inputSize: n, reader: .window(W), hiddenSizes: hidden, outputSize: out,
                                        vocabularySize: vocab)).parameterCount
        }
        #expect(count(1, 1, [32], 1) == 97)
        #expect(count(5, 1, [32], 1) == 225)
        #expect(count(10, 1, [32], 1) == 385)
        #expect(count(20, 1, [32], 1) == 705)
        #expect(count(10, 8, [16], 4) == 1364)
        #expect(count(6, 3, [8, 5], 2) == 209)
        #expect(count(4, 2, [], 3) == 27)
        #expect(count(5, 8, [16], 30, vocab: 30) == 1406)
        // Course notes 01: Embedding(256, 128) → GlobalAveragePooling1D → Dense(128) → relu → Dense(10) → softmax
        let notes = FeedForward(FeedForwardSpec(inputSize: 128, reader: .averagePooling, hiddenSizes: [128], outputSize: 10,
                                                activation: .relu, vocabularySize: 256))
        #expect(notes.parameterCount == 50_570)
        #expect(notes.layout.slots.map(\.count) == [32_768, 16_384, 128, 1_280, 10])
    }

    @Test func trainingLearnsAndIsDeterministic() {
        // Predict the sum of the last 3 of 5 numbers: a window of 3 can, and does.
        let spec = FeedForwardSpec(inputSize: 1, reader: .window(3), hiddenSizes: [8], outputSize: 1)
        let model = FeedForward(spec)
        var rng = SplitMix64(seed: 2)
        let samples = (0..<128).map { _ -> Sample in
            let x = (0..<5).map { _ in rng.uniform(-1, 1) }
            return Sample(input: .vectors(x, steps: 5), loss: .mseLast, targets: .vectors([x[2] + x[3] + x[4]]))
        }
        let config = TrainingConfig(optimizer: .adam(learningRate: 0.01), epochs: 40, batchSize: 16, seed: 4)
        let a = model.train(parameters: model.initialParameters(seed: 1), samples: samples, config: config)
        let b = model.train(parameters: model.initialParameters(seed: 1), samples: samples, config: config)
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        #expect(a.outcome == .completed)
        #expect(a.history.last!.loss < 0.02 * a.history.first!.loss)
    }
}
