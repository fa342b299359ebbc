import Foundation
import Testing

/// `rnnlab trace` on an encoder–decoder: a JAX fixture traced from the command line, and bad
/// input refused with one line and nothing written.
@Suite("rnnlab trace, encoder–decoder")
struct Seq2SeqTraceCommandTests {
    /// The lstm → lstm reference case's files (Tests/RNNCoreTests/Fixtures/seq2seq).
    static func fixture(_ suffix: String) throws -> Data {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return try Data(contentsOf: here.appendingPathComponent("../RNNCoreTests/Fixtures/seq2seq/lstm_lstm.\(suffix).json"))
    }

    func scratch(model: Data, sequence: Data) throws -> URL {
        let dir = try CLI.scratch()
        try model.write(to: dir.appendingPathComponent("model.json"))
        try sequence.write(to: dir.appendingPathComponent("seq.json"))
        return dir
    }

    @Test func tracesBothHalves() throws {
        let dir = try scratch(model: try Self.fixture("model"), sequence: try Self.fixture("sequence"))
        let r = try CLI.run(["trace", "model.json", "seq.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        #expect(obj["format"] as? String == "rnnlab.trace.v1")
        #expect(obj["model"] as? String == "encoder_decoder")
        let encoder = try #require(obj["encoder"] as? [String: Any])
        let decoder = try #require(obj["decoder"] as? [String: Any])
        #expect(encoder["steps"] as? Int == 7 && decoder["steps"] as? Int == 7)
        let layer = try #require((encoder["layers"] as? [[String: Any]])?.first)
        #expect((layer["backward"] as? [Any])?.count == 8)
        #expect((layer["jacobian_norms"] as? [Any])?.count == 8)
        #expect((obj["bridge"] as? [Any])?.count == 1)
        let expected = try #require(try JSONSerialization.jsonObject(with: try Self.fixture("expected")) as? [String: Any])
        let loss = try #require(obj["loss"] as? Double), reference = try #require(expected["loss"] as? Double)
        #expect(abs(loss - reference) <= 1e-12 * reference)
        let again = try CLI.run(["trace", "model.json", "seq.json", "-o", "t.json"], in: dir)
        #expect(again.status == 0 && again.stdout.isEmpty)
        #expect(try Data(contentsOf: dir.appendingPathComponent("t.json")) == r.stdout)
    }

    @Test func badInputIsOneLineAndWritesNothing() throws {
        let bad = String(decoding: try Self.fixture("sequence"), as: UTF8.self)
            .replacingOccurrences(of: "\"target\": [", with: "\"target\": [1, ")
        let dir = try scratch(model: try Self.fixture("model"), sequence: Data(bad.utf8))
        try Data("previous contents".utf8).write(to: dir.appendingPathComponent("t.json"))
        let r = try CLI.run(["trace", "model.json", "seq.json", "-o", "t.json"], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("seq.json:") && r.stderr.contains("target[0] is EOS (1); BOS and EOS are implicit"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try String(contentsOf: dir.appendingPathComponent("t.json"), encoding: .utf8) == "previous contents")
    }
}
