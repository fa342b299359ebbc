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

    // trace-giant-number
    @Test func simplifiedGRUHasNoResetGateWeights() throws {
        // gru_variant: simplified takes exactly W_xz W_xh W_hz W_hh b_z b_h (and the readout).
        let weights = #""W_xz": [[0.1]], "W_xh": [[0.2]], "W_hz": [[0.3]], "W_hh": [[0.4]], "b_z": [0], "b_h": [0], "W_hy": [[1]], "b_y": [0]"#
        func text(_ variant: String, _ extra: String = "") -> [UInt8] {
            Array(#"{"cell": "gru", "gru_variant": "\#(variant)", "input_size": 1, "hidden_size": 1, "output_size": 1,"#
                  .utf8) + Array("\n\"weights\": {\(weights)\(extra)}}".utf8)
        }
        #expect(modelError(text("simplified")) == nil)
        #expect(modelError(text("simplified", #", "W_xr": [[0.5]]"#))
            == "model.json:2: weights.W_xr is not a weight of this model (gru (simplified) has W_xz, W_xh, W_hz, W_hh, b_z, b_h, W_hy, b_y)")
        #expect(modelError(text("lecture")) == "model.json: weights.W_xr is missing")
        #expect(modelError(text("simple")) == "model.json:1: gru_variant is \"simple\"; expected lecture, reset_after or simplified")
    }

    @Test func numberBeyondTheDoubleRangeNamesItsField() throws {
        let line = try #require(modelError(Array(Self.modelText(bias: "[0.0, 1e400]").utf8)))
        #expect(line.hasPrefix("model.json:8: weights.b_h[1] is 1e400, too large for a double"), "\(line)")
        let negative = try #require(sequenceError(#"{"x": [[0.5, -1e400]], "loss": "mse_last", "targets": [0]}"#, model: try Self.model()))
        #expect(negative.hasPrefix("sequence.json:1: x[0][1] is -1e400, too large for a double"), "\(negative)")
        // Below the range a number rounds to zero, as any double parser rounds it.
        let tiny = try TraceFiles.model(Array(Self.modelText(bias: "[0.0, 1e-400]").utf8), name: "model.json")
        #expect(tiny.parameters == (try Self.model()).parameters)
    }

    // trace-million-digits
    @Test func millionDigitNumberIsNamedNotEchoed() throws {
        let digits = "1" + String(repeating: "0", count: 999_999)
        let text = "{\n  \"x\": [\n    [0.1, 0.2],\n    [\(digits), 0.5]\n  ],\n  \"loss\": \"mse_last\",\n  \"targets\": [0.5]\n}\n"
        let line = try #require(sequenceError(text, model: try Self.model()))
        #expect(line.hasPrefix("sequence.json:4: x[1][0] is 1000"), "\(line.prefix(120))")
        #expect(line.contains("(1,000,000 characters)"))
        expectPrintable(line)
    }

    // trace-class-huge, trace-class-intmax
    @Test func classIndexBeyondIntIsOutOfRangeNotANonInteger() throws {
        let m = try Self.model()
        for target in ["9223372036854775808", "9223372036854775807", "9007199254740993", "-99999999999999999999"] {
            let line = try #require(sequenceError(#"{"x": [[0.5, 0.5]], "loss": "xent_last", "targets": \#(target)}"#, model: m))
            #expect(line == "sequence.json:1: targets is class index \(target), out of range: must be 0 (output_size is 1)")
        }
        let all = try #require(sequenceError(#"{"x": [[0.5, 0.5]], "loss": "xent_all", "targets": [9223372036854775808]}"#, model: m))
        #expect(all.hasPrefix("sequence.json:1: targets[0] is class index 9223372036854775808, out of range"), "\(all)")
        // Still not an integer: a real, whatever its size.
        let real = try #require(sequenceError(#"{"x": [[0.5, 0.5]], "loss": "xent_last", "targets": 1e400}"#, model: m))
        #expect(real.hasSuffix("targets must be a bare integer (like 3), not 1e400"), "\(real)")
    }

    @Test func integersAreReadExactlyBeyondTwoToThe53() throws {
        // Once refused as "not a bare integer": truncation only needs to be a positive Int.
        let text = #"{"x": [[0.5, 0.5]], "loss": "mse_last", "targets": [0], "truncation": 9000000000000000001}"#
        let read = try TraceFiles.sample(Array(text.utf8), name: "sequence.json", model: try Self.model())
        #expect(read.truncation == 9_000_000_000_000_000_001)
    }

    /// Sizes that are integers now reach their limits instead of the integer check: none may
    /// size an allocation before the file is known to hold it.
    @Test func hugeCountsAreRefusedBeforeAnyAllocation() throws {
        let layers = try #require(modelError(Array(Self.modelText(extra: "\n  \"num_layers\": 9223372036854775807,").utf8)))
        #expect(layers == "model.json:6: num_layers is 9223372036854775807; rnnlab accepts at most 1000")
        let beyond = try #require(modelError(Array(Self.modelText(extra: "\n  \"vocab_size\": 99999999999999999999,").utf8)))
        #expect(beyond == "model.json:6: vocab_size is 99999999999999999999; rnnlab accepts at most 1000000")
        // 100000 units would be 80 GB of W_hh: the 2 × 2 matrix in the file is the error.
        let line = try #require(modelError(Array(Self.modelText(hidden: 100_000).utf8)))
        #expect(line == "model.json:7: weights.W_xh has 2 rows, hidden_size is 100000")
    }

    @Test func emptyRowsCannotAskForRowsTimesColumns() throws {
        let X = 100_000
        let wide = """
            {"cell": "rnn", "input_size": \(X), "hidden_size": 1, "output_size": 1, "weights": {
              "W_xh": [[\(Array(repeating: "0", count: X).joined(separator: ","))]],
              "W_hh": [[0]], "b_h": [0], "W_hy": [[0]], "b_y": [0]}}
            """
        let m = try TraceFiles.model(Array(wide.utf8), name: "model.json")
        // A million empty rows would be 10^11 doubles if allocated before the rows are checked.
        let rows = Array(repeating: "[]", count: 1_000_000).joined(separator: ",")
        let line = try #require(sequenceError(#"{"x": [\#(rows)], "loss": "mse_last", "targets": [0]}"#, model: m))
        #expect(line == "sequence.json:1: x[0] has 0 entries, input_size is 100000")
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
