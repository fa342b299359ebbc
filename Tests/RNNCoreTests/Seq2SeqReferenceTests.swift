import Foundation
import Testing
@testable import RNNCore

/// Encoder–decoder traces against the independent JAX reference (Tests/Reference/make_seq2seq.py):
/// the loss, every gate and state of both halves, the bridge, dL/dh_t and dL/dc_t at every step
/// of both halves, the Jacobian norms and every weight's gradient, each within the contract's
/// tolerance.
@Suite("Encoder–decoder agreement with the JAX reference")
struct Seq2SeqReferenceTests {
    static let cases: [String] = {
        guard let dir = Bundle.module.url(forResource: "Fixtures/seq2seq", withExtension: nil),
            let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".expected.json") }
            .map { String($0.dropLast(".expected.json".count)) }.sorted()
    }()

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/seq2seq/\(name)", withExtension: nil))
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func fixturesArePresent() {
        for kind in ["lstm_lstm", "gru_gru", "rnn_rnn", "bilstm_lstm", "gru2_gru2", "lstm_gru", "bigru2_lstm2"] {
            #expect(Self.cases.contains { $0.hasPrefix(kind) }, "no reference case for \(kind)")
        }
    }

    @Test(arguments: cases)
    func traceAgrees(name: String) throws {
        guard case .encoderDecoder(let model) = try TraceFiles.anyModel(try Self.fixture("\(name).model.json"), name: "model.json")
        else { Issue.record("\(name) is not read as an encoder–decoder"); return }
        let pair = try TraceFiles.pair(try Self.fixture("\(name).sequence.json"), name: "sequence.json", model: model)
        let actual = try jsonObject(Seq2SeqTrace(model: model, pair: pair).json())
        let expected = try jsonObject(try Self.fixture("\(name).expected.json"))
        var compared = 0
        compare(expected, actual, path: name, compared: &compared)
        // Not vacuous: every state, gradient and norm was read as a number.
        #expect(compared > 400, "\(name): only \(compared) numbers compared")
        #expect(actual["model"] as? String == "encoder_decoder")
    }

    /// Walks the expected trace: objects key by key, arrays of records entry by entry, and each
    /// array of numbers (a step's vector, a weight's gradient, one row of logits) as one array
    /// for the agreement rule.
    func compare(_ expected: Any, _ actual: Any?, path: String, compared: inout Int) {
        switch expected {
        case let e as [String: Any]:
            guard let a = actual as? [String: Any] else { Issue.record("\(path): missing or not an object"); return }
            for (key, value) in e { compare(value, a[key], path: "\(path).\(key)", compared: &compared) }
        case let e as [Any] where e.first is [String: Any]:
            guard let a = actual as? [Any], a.count == e.count else { Issue.record("\(path): \(e.count) records expected"); return }
            for (k, (x, y)) in zip(e, a).enumerated() { compare(x, y, path: "\(path)[\(k)]", compared: &compared) }
        case let e as [Any] where path.hasSuffix(".y"):
            guard let a = actual as? [Any], a.count == e.count else { Issue.record("\(path): \(e.count) rows expected"); return }
            for (k, (x, y)) in zip(e, a).enumerated() { compare(x, y, path: "\(path)[\(k)]", compared: &compared) }
        case is String, is Bool:
            #expect("\(expected)" == "\(actual ?? "nil")", "\(path)")
        default:
            let e = flatNumbers(expected), a = flatNumbers(actual)
            if path.hasSuffix("source") || path.hasSuffix("decoder_input") || path.hasSuffix("decoder_target")
                || path.hasSuffix(".steps") || path.hasSuffix(".t") || path.hasSuffix(".layer") {
                #expect(e == a, "\(path)")
                return
            }
            expectAgreement(e, a, path, relativeOnly: path.hasSuffix("jacobian_norms"))
            compared += e.count
        }
    }
}
