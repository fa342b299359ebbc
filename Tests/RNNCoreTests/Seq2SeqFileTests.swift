import Testing
@testable import RNNCore

/// Encoder–decoder MODEL.json and SEQUENCE.json files: what they accept, and one located line
/// for everything they refuse.
@Suite("Encoder–decoder trace files")
struct Seq2SeqFileTests {
    /// A bidirectional LSTM encoder (3 units) and an LSTM decoder (6 units), the header on lines
    /// 1–5 and one weight a line from line 7 on, every weight 0.1.
    static func modelText(
        encoder: String = #""input_size": 2, "hidden_size": 3, "bidirectional": true"#,
        decoder: String = #""input_size": 2, "hidden_size": 6"#, top: String = #""cell": "lstm","#,
        dropWeight: String? = nil, weightRows: [String: Int] = [:]
    ) throws -> String {
        let spec = Seq2SeqSpec(
            encoder: Seq2SeqSide(cell: .lstm, embeddingSize: 2, hiddenSize: 3, bidirectional: true),
            decoder: Seq2SeqSide(cell: .lstm, embeddingSize: 2, hiddenSize: 6),
            sourceVocabularySize: 5, targetVocabularySize: 6)
        let model = try Seq2Seq(spec)
        let weights = model.layout.slots.filter { $0.name != dropWeight }.map { slot in
            let row = "[" + Array(repeating: "0.1", count: slot.cols).joined(separator: ", ") + "]"
            let value = slot.isVector
                ? "[" + Array(repeating: "0.1", count: slot.rows).joined(separator: ", ") + "]"
                : "[" + Array(repeating: row, count: weightRows[slot.name] ?? slot.rows).joined(separator: ", ") + "]"
            return "    \"\(slot.name)\": \(value)"
        }
        return """
            {
              \(top)
              "encoder": {\(encoder)},
              "decoder": {\(decoder)},
              "source_vocab_size": 5, "target_vocab_size": 6,
              "weights": {
            \(weights.joined(separator: ",\n"))
              }
            }
            """
    }

    func modelError(_ text: String) -> String? {
        do {
            _ = try TraceFiles.anyModel(Array(text.utf8), name: "model.json")
            return nil
        } catch {
            return error.description
        }
    }

    func pairError(_ text: String) throws -> String? {
        let model = try TraceFiles.encoderDecoder(Array(try Self.modelText().utf8), name: "model.json")
        do {
            _ = try TraceFiles.pair(Array(text.utf8), name: "sequence.json", model: model)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aGoodPairOfFilesIsRead() throws {
        guard case .encoderDecoder(let model) = try TraceFiles.anyModel(Array(try Self.modelText().utf8), name: "model.json")
        else { Issue.record("not read as an encoder–decoder"); return }
        #expect(model.seq2seq.spec.encoder.bidirectional && model.seq2seq.spec.decoder.hiddenSize == 6)
        #expect(model.parameters.allSatisfy { $0 == 0.1 })
        let pair = try TraceFiles.pair(Array(#"{"source": [4, 0, 2], "target": [5, 2]}"#.utf8), name: "s.json", model: model)
        #expect(pair == Seq2SeqPair(source: [4, 0, 2], target: [5, 2]))
        // An empty target is a decoder of one step: BOS in, EOS out.
        let empty = try TraceFiles.pair(Array(#"{"source": [1], "target": []}"#.utf8), name: "s.json", model: model)
        let trace = try jsonObject(Seq2SeqTrace(model: model, pair: empty).json())
        #expect((trace["decoder"] as? [String: Any])?["steps"] as? Int == 1)
        #expect(trace["decoder_target"] as? [Int] == [1])
        // An ordinary model still reads as one.
        let plain = #"{"cell": "rnn", "input_size": 1, "hidden_size": 1, "output_size": 1, "weights": {"W_xh": [[1]], "W_hh": [[0]], "b_h": [0], "W_hy": [[1]], "b_y": [0]}}"#
        guard case .network = try TraceFiles.anyModel(Array(plain.utf8), name: "m.json") else {
            Issue.record("an ordinary model is not read as a network"); return
        }
    }

    /// Each bad model: the line rnnlab prints must start with this.
    static let badModels: [(String, String)] = [
        (#"{"encoder": {}, "decoder": {}, "cell": "lstm", "source_vocab_size": 5, "target_vocab_size": 6, "weights": {}}"#,
         "model.json: encoder.input_size is missing"),
        (try! modelText(decoder: #""input_size": 2, "hidden_size": 3"#),
         "model.json:4: decoder.hidden_size is 3; the encoder hands over 2 × 3 = 6 ([h→ ; h←] of the bidirectional encoder)"),
        (try! modelText(decoder: #""input_size": 2, "hidden_size": 6, "bidirectional": true"#),
         "model.json:4: decoder.bidirectional must be false: the decoder reads its own previous output"),
        (try! modelText(decoder: #""input_size": 2, "hidden_size": 6, "num_layers": 2"#),
         "model.json:4: decoder.num_layers is 2, encoder.num_layers is 1"),
        (try! modelText(top: ""), "model.json:3: encoder.cell is missing (give it here, or once at the top level for both halves)"),
        (try! modelText(decoder: #""input_size": 2, "hidden_size": 6, "activation": "relu""#),
         "model.json:4: decoder.activation applies to cell rnn only, not lstm"),
        (try! modelText(decoder: #""cell": "transformer", "input_size": 2, "hidden_size": 6"#),
         #"model.json:4: decoder.cell is "transformer"; expected one of rnn, lstm, gru"#),
        (try! modelText(decoder: #""input_size": 2, "hidden_size": 6, "hiden_size": 6"#),
         "model.json:4: decoder.hiden_size is not a known key"),
        (try! modelText(encoder: #""input_size": 2, "hidden_size": 100000000"#),
         "model.json:3: encoder.hidden_size is 100000000; rnnlab accepts at most 100000"),
        (try! modelText(top: #""cell": "lstm", "output_size": 3,"#), "model.json:2: output_size is not a known key"),
        (try! modelText(dropWeight: "decoder.E"), "model.json: weights.decoder.E is missing"),
        (try! modelText(weightRows: ["W_hy": 5]), "model.json:"),
        (try! modelText().replacingOccurrences(of: #""W_hy""#, with: #""decoder.W_hy""#),
         "model.json:"),
    ]

    @Test(arguments: 0..<badModels.count)
    func aBadModelIsOneLocatedLine(_ index: Int) throws {
        let (text, start) = Self.badModels[index]
        let line = try #require(modelError(text))
        #expect(line.hasPrefix(start), "\(line)")
        #expect(!line.contains("\n") && line.count <= 300)
    }

    @Test func shapesNameTheSizesThatFixThem() throws {
        let rows = try #require(modelError(try Self.modelText(weightRows: ["W_hy": 5])))
        #expect(rows.contains("weights.W_hy has 5 rows, target_vocab_size is 6"), "\(rows)")
        let embedding = try #require(modelError(try Self.modelText(weightRows: ["encoder.E": 4])))
        #expect(embedding.contains("weights.encoder.E has 4 rows, source_vocab_size is 5"), "\(embedding)")
        let renamed = try #require(modelError(try Self.modelText().replacingOccurrences(of: #""W_hy""#, with: #""decoder.W_hy""#)))
        #expect(renamed.contains("weights.decoder.W_hy is not a weight of this model (encoder lstm → decoder lstm has"), "\(renamed)")
    }

    @Test func aSingleNetworkReaderNamesAnEncoderDecoder() throws {
        let text = Array(try Self.modelText().utf8)
        do throws(InputError) {
            _ = try TraceFiles.model(text, name: "model.json")
            Issue.record("read an encoder–decoder as one network")
        } catch {
            #expect(error.description.hasPrefix("model.json:1: encoder makes this an encoder–decoder model"), "\(error)")
        }
    }

    @Test func badPairsAreOneLocatedLine() throws {
        let cases: [(String, String)] = [
            (#"{"source": [1, 7], "target": [2]}"#, "sequence.json:1: source[1] is token id 7, out of range: must be 0 … 4 (source_vocab_size is 5)"),
            (#"{"source": [], "target": [2]}"#, "sequence.json:1: source is empty: the encoder needs at least one token"),
            (#"{"source": [1], "target": [2, 1, 3]}"#, "sequence.json:1: target[1] is EOS (1); BOS and EOS are implicit: give the target tokens only"),
            (#"{"source": [1], "target": [0]}"#, "sequence.json:1: target[0] is BOS (0)"),
            (#"{"source": [1], "target": [6]}"#, "sequence.json:1: target[0] is token id 6, out of range: must be 0 … 5 (target_vocab_size is 6)"),
            (#"{"source": [1], "target": [2.0]}"#, "sequence.json:1: target[0] must be a bare integer"),
            (#"{"source": [1]}"#, "sequence.json: target is missing"),
            (#"{"x": [[1]], "source": [1], "target": [2]}"#, "sequence.json:1: x is not a known key (known: source, target)"),
        ]
        for (text, start) in cases {
            let line = try #require(try pairError(text))
            #expect(line.hasPrefix(start), "\(line)")
        }
    }
}
