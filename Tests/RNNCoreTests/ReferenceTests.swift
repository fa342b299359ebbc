import Foundation
import Testing
@testable import RNNCore

/// Traces against the independent JAX reference (Tests/Reference/make_reference.py).
@Suite("Agreement with the JAX reference")
struct ReferenceTests {
    static let cases: [String] = {
        guard let dir = Bundle.module.url(forResource: "Fixtures/reference", withExtension: nil),
            let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".expected.json") }
            .map { String($0.dropLast(".expected.json".count)) }.sorted()
    }()

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/reference/\(name)", withExtension: nil))
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 9)
        for kind in ["rnn_tanh", "rnn_relu", "rnn_linear", "lstm_mse", "lstm_peephole", "gru_lecture", "gru_reset_after", "gru_simplified"] {
            #expect(Self.cases.contains { $0.hasPrefix(kind) }, "no reference case for \(kind)")
        }
    }

    @Test(arguments: cases)
    func traceAgrees(name: String) throws {
        let model = try TraceFiles.model(try Self.fixture("\(name).model.json"), name: "model.json")
        let (sample, truncation) = try TraceFiles.sample(
            try Self.fixture("\(name).sequence.json"), name: "sequence.json", model: model)
        let actual = try jsonObject(Trace(model: model, sample: sample, truncation: truncation).json())
        let expected = try jsonObject(try Self.fixture("\(name).expected.json"))

        #expect(actual["format"] as? String == "rnnlab.trace.v1")
        #expect(actual["cell"] as? String == expected["cell"] as? String)
        #expect(actual["steps"] as? Int == expected["steps"] as? Int)
        expectAgreement(flatNumbers(expected["loss"]), flatNumbers(actual["loss"]), "loss")

        let ef = try #require(expected["forward"] as? [[String: Any]])
        let af = try #require(actual["forward"] as? [[String: Any]])
        #expect(ef.count == af.count)
        for (e, a) in zip(ef, af) {
            let t = e["t"] as? Int ?? -1
            #expect(a["t"] as? Int == t)
            let eg = try #require(e["gates"] as? [String: Any])
            let ag = try #require(a["gates"] as? [String: Any])
            #expect(Set(eg.keys) == Set(ag.keys), "gate names at t=\(t)")
            for (gate, values) in eg {
                expectAgreement(flatNumbers(values), flatNumbers(ag[gate]), "\(name) forward t=\(t) gate \(gate)")
            }
            for key in ["h", "c", "y"] where e[key] != nil {
                expectAgreement(flatNumbers(e[key]), flatNumbers(a[key]), "\(name) forward t=\(t) \(key)")
            }
            #expect((a["c"] != nil) == (e["c"] != nil), "c only for lstm")
        }
        let eb = try #require(expected["backward"] as? [[String: Any]])
        let ab = try #require(actual["backward"] as? [[String: Any]])
        #expect(eb.count == ab.count)
        for (e, a) in zip(eb, ab) {
            let t = e["t"] as? Int ?? -1
            #expect(a["t"] as? Int == t)
            for key in ["dh", "dc"] where e[key] != nil {
                expectAgreement(flatNumbers(e[key]), flatNumbers(a[key]), "\(name) backward t=\(t) \(key)")
            }
        }
        expectAgreement(
            flatNumbers(expected["jacobian_norms"]), flatNumbers(actual["jacobian_norms"]),
            "\(name) jacobian_norms", relativeOnly: true)
        // Not vacuous: the numbers were read as numbers.
        #expect(flatNumbers(expected["jacobian_norms"]).count == ef.count + 1)
        #expect(!flatNumbers(ef.first?["h"]).isEmpty && !flatNumbers(eb.first?["dh"]).isEmpty)
        let eGrads = try #require(expected["grads"] as? [String: Any])
        let aGrads = try #require(actual["grads"] as? [String: Any])
        #expect(Set(eGrads.keys) == Set(aGrads.keys))
        for (weight, values) in eGrads {
            expectAgreement(flatNumbers(values), flatNumbers(aGrads[weight]), "\(name) grads.\(weight)")
        }
    }
}
