import Testing
@testable import RNNCore

/// Bad MODEL.json and SEQUENCE.json files: each gives one short, printable line naming the
/// file, line and field, never a trap (the adversarial corpus's trace cases, at the unit level).
@Suite("Trace file errors")
struct TraceFileErrorTests {
    /// A 2-input, 2-unit vanilla RNN, one weight a line; `bias` is b_h's text, on line 8.
    static func modelText(bias: String = "[0.0, 0.0]", hidden: Int = 2, extra: String = "") -> String {
        """
        {
          "cell": "rnn",
          "input_size": 2,
          "hidden_size": \(hidden),
          "output_size": 1,\(extra)
          "weights": {
            "W_xh": [[0.5, 0.1], [-0.5, 0.2]], "W_hh": [[0.1, 0.2], [0.3, 0.4]],
            "b_h": \(bias),
            "W_hy": [[1.0, 1.0]], "b_y": [0.0]
          }
        }
        """
    }

    static func model() throws -> Model {
        try TraceFiles.model(Array(modelText().utf8), name: "model.json")
    }

    /// The error a model file gives, as rnnlab prints it.
    func modelError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try TraceFiles.model(bytes, name: "model.json")
            return nil
        } catch {
            return error.description
        }
    }

    func sequenceError(_ text: String, model: Model) -> String? {
        do {
            _ = try TraceFiles.sample(Array(text.utf8), name: "sequence.json", model: model)
            return nil
        } catch {
            return error.description
        }
    }

    /// What the corpus asks of every error line: one line, short, no control characters.
    func expectPrintable(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(line.count <= 300, "\(line.count) characters", sourceLocation: sourceLocation)
        let bad = line.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        #expect(bad.isEmpty, "control characters \(bad.map(\.value)) in \(line)", sourceLocation: sourceLocation)
    }

    // trace-garbage
    @Test func bytesThatAreNotTextAreShownEscaped() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]
        let line = try #require(modelError(png))
        #expect(line == #"model.json:1: malformed JSON: unexpected byte \x89 (not UTF-8 text)"#)
        let control = try #require(modelError([0x1B] + Array("[31m".utf8)))
        #expect(control == #"model.json:1: malformed JSON: unexpected control character \u{1b}"#)
        // A printable character, even beyond ASCII, is shown as itself (not as its first byte).
        let curly = try #require(modelError(Array("{\"cell\": “rnn”}".utf8)))
        #expect(curly == "model.json:1: malformed JSON: unexpected character '“'")
    }

    @Test func controlCharactersAndLongKeysFromStringsStayPrintable() throws {
        let escaped = try #require(modelError(Array(#"{"cell": "\u001b[2J\u202e\nx"}"#.utf8)))
        #expect(escaped == #"model.json:1: cell is "\u{1b}[2J\u{202e} x"; expected one of rnn, lstm, gru"#)
        let key = String(repeating: "k", count: 100_000)
        let long = try #require(modelError(Array("{\"\(key)\": 1, \"\(key)\": 2}".utf8)))
        #expect(long.contains("(100,000 characters)"), "\(long.prefix(120))")
        expectPrintable(long)
        let unknown = try #require(modelError(Array("{\"\(key)\": 1}".utf8)))
        expectPrintable(unknown)
    }

    // trace-bom-ok
    @Test func utf8ByteOrderMarkIsIgnored() throws {
        let withMark = try TraceFiles.model([0xEF, 0xBB, 0xBF] + Array(Self.modelText().utf8), name: "model.json")
        #expect(withMark.parameters == (try Self.model()).parameters)
        // Only at the start: a mark anywhere else is a stray character.
        let inside = try #require(modelError(Array(" \u{FEFF}{}".utf8)))
        #expect(inside == #"model.json:1: malformed JSON: unexpected character '\u{feff}'"#)
    }

    // trace-utf16
    @Test func utf16AndUtf32AreNamed() throws {
        let text = #"{"x": [[0.5, 0.5]], "loss": "mse_last", "targets": [0]}"#
        let littleWithMark: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let bigWithout: [UInt8] = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let utf32: [UInt8] = [0xFF, 0xFE, 0, 0] + text.unicodeScalars.flatMap { [UInt8($0.value & 0xFF), 0, 0, 0] }
        let m = try Self.model()
        for (bytes, name) in [(littleWithMark, "UTF-16 (little-endian)"), (bigWithout, "UTF-16 (big-endian)"), (utf32, "UTF-32 (little-endian)")] {
            do {
                _ = try TraceFiles.sample(bytes, name: "sequence.json", model: m)
                Issue.record("\(name) accepted")
            } catch {
                #expect(error.description == "sequence.json:1: malformed JSON: the file is \(name) text, not UTF-8 (save it as UTF-8)")
            }
        }
    }
}
