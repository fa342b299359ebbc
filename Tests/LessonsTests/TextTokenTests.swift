import Foundation
import Testing
import Yams
@testable import Lessons
@testable import Reports

/// `text` data with `eos`, `unk` and `vocab` (course notes 04, "Language modeling with an
/// RNN"), and `sample` stopping at EOS ("Sampling a sequence").
@Suite("Text tokens: EOS and UNK")
struct TextTokenTests {
    /// Runs `data: OPTIONS` as a cell on lesson line 1.
    func data(_ options: String) throws -> Dataset {
        let node = try #require(try Yams.compose(yaml: "data: " + options))
        guard case .mapping(let m) = node, let value = m.first?.value else { throw CancellationError() }
        let state = LessonState(file: "lesson.md", seed: 3, language: "en")
        _ = try Actions.defineData(Field(node: value, path: "data", baseLine: 1, file: "lesson.md"), state: state,
                                   lessonDirectory: FileManager.default.temporaryDirectory)
        return try #require(state.datasets.values.first)
    }

    func failure(_ options: String) -> String {
        do {
            _ = try data(options)
            return "no error"
        } catch let e as LessonError {
            return e.description
        } catch {
            return "\(error)"
        }
    }

    func run(_ body: String, language: String = "en") throws -> Report {
        let text = "---\ntitle: T\nlanguage: \(language)\nseed: 3\n---\n" + body
        return LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: "lesson.md"))
    }

    func values(_ report: Report) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data((report.values ?? "").utf8)) as? [String: Any])
    }

    static let lines = "\"the cat sat\\nthe dog sat\\n\\n  the cat ran  \\na bird sang\""

    @Test func eosEndsEveryNonBlankLineAtBothLevels() throws {
        let words = try data("{task: text, corpus: \(Self.lines), level: word, eos: true, length: 15}")
        #expect(words.tokens.count == 1 && words.tokens[0].map { words.vocabulary[$0] }
                == "the cat sat <eos> the dog sat <eos> the cat ran <eos> a bird sang".split(separator: " ").map(String.init))
        // The last line's EOS is a target: the model learns to predict the end.
        if case .classes(let c) = words.targets[0] { #expect(words.vocabulary[c[c.count - 1]] == "<eos>") }
        #expect(words.eosToken == words.vocabulary.firstIndex(of: "<eos>") && words.unkToken == nil)
        #expect(words.textStats?.sentences == 4 && words.textStats?.tokens == 16)

        let chars = try data("{task: text, corpus: \(Self.lines), eos: true}")
        let read = chars.tokens[0].map { chars.vocabulary[$0] }.joined()
        #expect(read == "the cat sat<eos>the dog sat<eos>the cat ran<eos>a bird sang")
        #expect(!chars.vocabulary.contains("\n") && chars.vocabulary.contains("<eos>"))
        // Without eos, the line breaks stay characters, as before.
        #expect(try data("{task: text, corpus: \(Self.lines)}").vocabulary.contains("\n"))
    }

    @Test func unkMapsRareTrainingWordsAndUnseenHeldOutWords() throws {
        // 8 windows of 2 words (stride 2), the last 2 held out: training positions 0…12.
        let corpus = "\"the cat sat the cat ran the dog sat the cat sat a fox ran the emu sat\""
        let d = try data("{task: text, corpus: \(corpus), level: word, unk: 2, length: 2, stride: 2, split: 0.25}")
        // Training words: the ×4, cat ×3, sat ×3, ran, dog, a (once each): only the, cat, sat kept.
        #expect(d.vocabulary == ["<unk>", "cat", "sat", "the"])
        #expect(d.textStats == Dataset.TextStats(tokens: 13, unknown: 3, unseen: 0, sentences: 0))
        // Held out, windows at 12 and 14: a fox | ran the → fox ran | the emu. Position 12 ("a") is
        // the last training target, so the held-out positions are 13…16: fox (never in training),
        // ran (once: <unk> too), the, emu (never).
        let test = try #require(d.test)
        let (unk, the) = (0, 3)
        #expect(test.tokens == [[unk, unk], [unk, the]])
        #expect(test.targets == [.classes([unk, unk]), .classes([the, unk])])
        #expect(test.textStats == Dataset.TextStats(tokens: 4, unknown: 3, unseen: 2, sentences: 0))

        // unk: 1 keeps every training word: only words the training part never has are <unk>.
        let one = try data("{task: text, corpus: \(corpus), level: word, unk: 1, length: 2, stride: 2, split: 0.25}")
        #expect(!one.vocabulary.contains("fox") && one.vocabulary.contains("dog") && one.textStats?.unknown == 0)
        #expect(one.test?.textStats?.unknown == one.test?.textStats?.unseen)
        // Without unk, the vocabulary is the whole text's, as before.
        #expect(try data("{task: text, corpus: \(corpus), level: word, length: 2, stride: 2, split: 0.25}").vocabulary.contains("emu"))
    }

    @Test func vocabKeepsTheMostFrequentTrainingWords() throws {
        let corpus = "\"b b b a a c c d\\ne e e e\""
        let d = try data("{task: text, corpus: \(corpus), level: word, eos: true, vocab: 2}")
        // e ×4, b ×3, then a and c ×2 (ties alphabetical: a first, but only 2 are kept).
        #expect(d.vocabulary == ["<eos>", "<unk>", "b", "e"])
        #expect(d.textStats?.unknown == 5 && d.textStats?.tokens == 14)
        let three = try data("{task: text, corpus: \(corpus), level: word, vocab: 3}")
        #expect(three.vocabulary == ["<unk>", "a", "b", "e"])
    }

    @Test func badOptionsNameTheirLine() {
        #expect(failure("{task: text, corpus: abc, unk: 2}").hasPrefix("lesson.md:1: data.unk: is for level: word"))
        #expect(failure("{task: text, corpus: abc, vocab: 5}").hasPrefix("lesson.md:1: data.vocab: is for level: word"))
        #expect(failure("{task: text, corpus: \"a b\", level: word, unk: 0}").hasPrefix("lesson.md:1: data.unk: must be at least 1 (unk: 1 keeps every training word"))
        #expect(failure("{task: text, corpus: \"a b\", level: word, vocab: 0}").hasPrefix("lesson.md:1: data.vocab: must be at least 1"))
        #expect(failure("{task: text, corpus: \"a b\", level: word, unk: 1, vocab: 3}") == "lesson.md:1: data.vocab: give unk or vocab, not both")
        #expect(failure("{task: text, corpus: \"a b\", level: word, unk: many}").hasPrefix("lesson.md:1: data.unk: must be a whole number"))
        #expect(failure("{task: text, corpus: \"a b\", eos: maybe}") == "lesson.md:1: data.eos: must be true or false, not maybe")
        #expect(failure("{task: text, corpus: \"a b a\", level: word, unk: 3}")
                == "lesson.md:1: data.unk: keeps no word: the commonest word of the training part, \"a\", occurs 2 times")
        #expect(failure("{task: text, corpus: \"a <eos> b\", level: word, eos: true}").hasPrefix("lesson.md:1: data.corpus: has the word <eos>"))
        #expect(failure("{task: text, corpus: \"a <unk> b\", level: word, unk: 1}").hasPrefix("lesson.md:1: data.corpus: has the word <unk>"))
        #expect(failure("{task: last_value, unk: 2}").hasPrefix("lesson.md:1: data.unk: is not an option of task last_value"))
    }

    @Test func valuesNameVocabularyAndUnkRates() throws {
        let report = try run("""
            ```rnnlab
            data: {name: w, task: text, corpus: "the cat sat\\nthe cat ran\\nthe dog sat\\na fox ran", level: word, eos: true, unk: 1, length: 4, stride: 4, split: 0.25}
            ```
            """)
        #expect(report.error == nil)
        let v = try values(report)
        // 16 tokens: windows at 0, 4, 8 (the last held out); training positions 0…8, held out 9…12.
        #expect(v["w.vocabulary_size"] as? Int == 6)  // <eos> <unk> cat ran sat the: dog is held out only
        #expect(v["w.tokens"] as? Int == 9 && v["w.unk_rate"] as? Double == 0 && v["w.sentences"] as? Int == 2)
        #expect(v["w.test.tokens"] as? Int == 4 && v["w.test.sentences"] as? Int == 1)
        // dog sat <eos> a: dog and a are new.
        #expect(v["w.test.unk_rate"] as? Double == 0.5 && v["w.test.unseen_rate"] as? Double == 0.5)
    }

    static let trained = """
        ```rnnlab
        data: {name: w, task: text, corpus: "a b c\\na b c\\na b c\\na b c\\na b c\\na b c", level: word, eos: true, length: 8, stride: 4}
        model: {name: m, cell: gru, vocab_from: w, hidden_size: 8}
        train: {epochs: 60, learning_rate: 0.05}
        show: {what: predictions, on: train, count: 1}
        sample: {name: s, model: m, length: 10, temperature: 0.1}
        ```

        ```rnnlab
        sample: {name: capped, model: m, length: 2, temperature: 0.1}
        ```

        ```rnnlab
        sample: {name: started, model: m, start: "b", length: 10, temperature: 0.1}
        ```
        """

    @Test func aTrainedModelPredictsEOSAndSamplingStopsThere() throws {
        let report = try run(Self.trained)
        #expect(report.error == nil)
        let v = try values(report)
        // Every window is "a b c <eos> a b c <eos>": predicted, <eos> included.
        #expect(v["m.predictions.accuracy"] as? Double == 1)
        #expect(v["m.predictions.text"] as? String == "b c <eos> a b c <eos> a")
        // A whole sentence from <eos>: three words, then <eos>, and no further.
        #expect(v["s.text"] as? String == "a b c <eos>")
        #expect(v["s.steps"] as? Int == 4 && v["s.ended_by_eos"] as? Int == 1)
        #expect(v["capped.text"] as? String == "a b" && v["capped.steps"] as? Int == 2 && v["capped.ended_by_eos"] as? Int == 0)
        #expect(v["started.text"] as? String == "b c <eos>" && v["started.steps"] as? Int == 2)
        // The same run again gives the same values, byte for byte.
        #expect(try run(Self.trained).values == report.values)
    }

    @Test func sampleStartMapsUnknownWordsToUNK() throws {
        let report = try run("""
            ```rnnlab
            data: {name: w, task: text, corpus: "a b a b a b zebra", level: word, unk: 2}
            model: {name: m, cell: rnn, vocab_from: w, hidden_size: 4}
            sample: {name: s, model: m, start: "a quagga", length: 1}
            ```
            """)
        #expect(report.error == nil)
        #expect((try values(report)["s.text"] as? String)?.hasPrefix("a <unk> ") == true)
        // Without unk an unknown start word is still an error, at its line.
        let plain = try run("""
            ```rnnlab
            data: {name: w, task: text, corpus: "a b a b", level: word}
            model: {name: m, cell: rnn, vocab_from: w, hidden_size: 4}
            sample: {name: s, model: m, start: "a quagga", length: 1}
            ```
            """)
        #expect(plain.error == "lesson.md:9: sample.start: \"quagga\" is not in the vocabulary of w")
    }

    @Test func characterSamplesJoinWithoutSpacesAroundEOS() throws {
        let report = try run("""
            ```rnnlab
            data: {name: c, task: text, corpus: "ab\\nab\\nab\\nab\\nab\\nab", eos: true, length: 6, stride: 3}
            model: {name: m, cell: gru, vocab_from: c, hidden_size: 8}
            train: {epochs: 60, learning_rate: 0.05}
            sample: {name: s, model: m, length: 10, temperature: 0.1}
            ```
            """)
        #expect(report.error == nil)
        let v = try values(report)
        #expect(v["s.text"] as? String == "ab<eos>" && v["s.ended_by_eos"] as? Int == 1)
        #expect(v["c.vocabulary_size"] as? Int == 3)
    }
}
