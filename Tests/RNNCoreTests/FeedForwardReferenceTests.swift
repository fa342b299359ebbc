import Foundation
import Testing
@testable import RNNCore

/// The feed-forward models against Keras itself (Tests/Reference/make_feedforward.py): the same
/// weights, the same sequences, Keras's outputs. They pin down what the lessons say: a window is
/// Keras's Flatten of the last W steps with zeros in front, the sliding window is a causal
/// Conv1D, and pooling is GlobalAveragePooling1D.
@Suite("Feed-forward models against Keras")
struct FeedForwardReferenceTests {
    static let cases: [String] = {
        guard let dir = Bundle.module.url(forResource: "Fixtures/feedforward", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 6)
        for kind in ["window_", "sliding_", "pooling_"] { #expect(Self.cases.contains { $0.hasPrefix(kind) }, "no \(kind) case") }
    }

    @Test(arguments: cases)
    func outputsAgreeWithKeras(name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/feedforward/\(name)", withExtension: "json"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let root = try #require(json as? [String: Any])
        let s = try #require(root["spec"] as? [String: Any])
        let window = s["window"] as? Int ?? 0
        let reader: FeedForwardSpec.Reader = s["reader"] as? String == "pooling" ? .averagePooling : .window(window)
        let inputSize = try #require(s["input_size"] as? Int), hidden = try #require(s["hidden_sizes"] as? [Int])
        let outputs = try #require(s["output_size"] as? Int)
        let activation = try #require((s["activation"] as? String).flatMap(Activation.init(rawValue:)))
        let spec = FeedForwardSpec(inputSize: inputSize, reader: reader, hiddenSizes: hidden, outputSize: outputs,
                                   activation: activation, vocabularySize: s["vocab_size"] as? Int)
        let loss = try #require((s["loss"] as? String).flatMap(LossKind.init(rawValue:)))
        let model = FeedForward(spec)
        // The weights by name, every one given (rows of a matrix, or a vector).
        let weights = try #require(root["weights"] as? [String: Any])
        #expect(Set(weights.keys) == Set(model.layout.slots.map(\.name)))
        var p = [Double](repeating: .nan, count: model.parameterCount)
        for slot in model.layout.slots {
            let given = slot.isVector ? weights[slot.name] as? [Double] : (weights[slot.name] as? [[Double]])?.flatMap { $0 }
            let values = try #require(given, "\(name): \(slot.name)")
            #expect(values.count == slot.count, "\(slot.name)")
            p.replaceSubrange(slot.range, with: values)
        }
        let sequences = try #require(root["sequences"] as? [[String: Any]])
        #expect(!sequences.isEmpty)
        let Y = spec.outputSize
        for (k, sequence) in sequences.enumerated() {
            let input: Sample.Input
            if let ids = sequence["tokens"] as? [Int] { input = .tokens(ids) } else {
                let rows = try #require(sequence["x"] as? [[Double]])
                input = .vectors(rows.flatMap { $0 }, steps: rows.count)
            }
            let T = input.steps
            let targets: Targets = loss == .mseLast ? .vectors(Array(repeating: 0, count: Y))
                : .classes(Array(repeating: 0, count: loss.coversAllSteps ? T : 1))
            let y = model.scoredOutputs(parameters: p, sample: Sample(input: input, loss: loss, targets: targets)).y
            let expected = try #require(sequence["y"] as? [Double])
            #expect(y.count == expected.count, "\(name) sequence \(k)")
            // Keras 3.15 on JAX computes activations and embeddings in float32 even when asked for
            // float64 (make_feedforward.py): agreement within float32 rounding of the outputs'
            // scale. A wrong window order, padding side or kernel layout is off by the scale itself.
            let scale = maxMagnitude(expected)
            for (a, e) in zip(y, expected) {
                #expect(abs(a - e) <= 1e-6 * scale, "\(name) sequence \(k) (T = \(T)): \(a) vs Keras \(e)")
            }
        }
    }
}

private extension Sample.Input {
    var steps: Int {
        switch self {
        case .vectors(_, let steps): return steps
        case .tokens(let ids): return ids.count
        }
    }
}
