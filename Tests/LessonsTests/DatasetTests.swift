import Foundation
import Testing
import Yams
@testable import Lessons
@testable import Reports
@testable import RNNCore

/// The `data:` action: generated tasks checked against targets recomputed here from the
/// inputs, held-out parts, files beside the lesson, and the limits.
@Suite("Datasets")
struct DatasetTests {
    /// A fresh folder for one test's files.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    struct NotACell: Error {}

    /// Runs `data: OPTIONS` as a cell on lesson line 1 and returns the dataset and its note.
    func define(_ options: String, in dir: URL? = nil, language: String = "en") throws -> (data: Dataset, note: String) {
        guard let node = try Yams.compose(yaml: "data: " + options), case .mapping(let m) = node, let value = m.first?.value else {
            throw NotACell()
        }
        let state = LessonState(file: "lesson.md", seed: 3, language: language)
        let outputs = try Actions.defineData(Field(node: value, path: "data", baseLine: 1, file: "lesson.md"), state: state,
                                             lessonDirectory: dir ?? FileManager.default.temporaryDirectory)
        guard let d = state.datasets.values.first, case .note(let note) = outputs.first else { throw NotACell() }
        return (d, note)
    }

    func data(_ options: String, in dir: URL? = nil) throws -> Dataset { try define(options, in: dir).data }

    /// The message a `data:` cell stops with.
    func failure(_ options: String, in dir: URL? = nil) -> String {
        do {
            _ = try define(options, in: dir)
            return "no error"
        } catch let e as LessonError {
            return e.description
        } catch {
            return "\(error)"
        }
    }

    func last(_ t: Targets) -> Double? { if case .vectors(let v) = t { return v.last } else { return nil } }
    func cls(_ t: Targets) -> Int? { if case .classes(let c) = t { return c.last } else { return nil } }

    // MARK: - Generated tasks

    @Test func lastValueTargetsContinueTheSequence() throws {
        let d = try data("{task: last_value, count: 20, length: [4, 6], input_size: 2}")
        #expect(d.count == 20 && d.inputSize == 2 && d.lengths == [4, 6])
        for k in 0..<d.count {
            let x = d.vectors[k]
            #expect(x.count == (k % 2 == 0 ? 8 : 12))
            let step = x[1] - x[0]
            #expect(abs((last(d.targets[k]) ?? .nan) - (x[0] + step * Double(x.count))) < 1e-12)
        }
    }

    @Test func sumTargetsAreTheSumOrTheMean() throws {
        let s = try data("{task: sum, count: 10, length: 7}"), m = try data("{task: sum, count: 10, length: 7, mean: true}")
        for k in 0..<10 {
            #expect(abs((last(s.targets[k]) ?? .nan) - s.vectors[k].reduce(0, +)) < 1e-12)
            #expect(abs((last(m.targets[k]) ?? .nan) - m.vectors[k].reduce(0, +) / 7) < 1e-12)
        }
    }

    @Test func copyDrawsRandomDistractorsThatAreNeverTargets() throws {
        let d = try data("{task: copy, count: 50, symbols: 3, distractor_symbols: 5, distractors: 12}")
        #expect(d.inputSize == 8 && d.outputSize == 3 && d.lengths == [13])
        #expect(d.vocabulary == ["s0", "s1", "s2", "d0", "d1", "d2", "d3", "d4"])
        var seen = Set<Int>()
        for k in 0..<d.count {
            let s = d.tokens[k]
            #expect((0..<3).contains(s[0]) && cls(d.targets[k]) == s[0])
            #expect(s.dropFirst().allSatisfy { (3..<8).contains($0) }, "distractors are never target symbols")
            #expect(Set(s.dropFirst()).count > 1, "distractors vary within a sequence")
            seen.formUnion(s.dropFirst())
        }
        #expect(seen == Set(3..<8), "every distractor symbol is used")
        #expect(Set(d.tokens.map { $0[0] }) == [0, 1, 2])
    }

    @Test func copyDefaultsToAsManyDistractorSymbolsAsSymbolsAndOneKeepsTheOldData() throws {
        #expect(try data("{task: copy, symbols: 4}").inputSize == 8)
        let d = try data("{task: copy, count: 40, symbols: 4, distractor_symbols: 1, distractors: 6, seed: 11}")
        #expect(d.inputSize == 5 && d.vocabulary.last == "·")
        // The generator before distractor_symbols: one draw per sequence, then the same distractor.
        var rng = SplitMix64(seed: 11)
        for k in 0..<d.count {
            let first = Int(rng.next() % 4)
            #expect(d.tokens[k] == [first] + Array(repeating: 4, count: 6))
        }
    }

    @Test func copyCyclesThroughAListOfLags() throws {
        let d = try data("{task: copy, count: 7, distractors: [10, 20, 40]}")
        #expect(d.tokens.map(\.count) == [11, 21, 41, 11, 21, 41, 11])
        #expect(d.lengths == [11, 21, 41])
    }

    @Test func addingProblemMarksTwoValuesAsHochreiterAndSchmidhuberDo() throws {
        let d = try data("{task: adding, count: 300, length: [30, 100]}")
        #expect(d.inputSize == 2 && d.outputSize == 1 && d.loss == .mseLast && d.tolerance == 0.04 && d.lengths == [30, 100])
        var firstPositions = Set<Int>()
        for k in 0..<d.count {
            let x = d.vectors[k], T = x.count / 2
            let values = stride(from: 0, to: x.count, by: 2).map { x[$0] }
            let markers = stride(from: 1, to: x.count, by: 2).map { x[$0] }
            let marked = markers.indices.filter { markers[$0] == 1 }
            #expect(marked.count == 2 && markers.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(values.allSatisfy { $0 >= -1 && $0 < 1 })
            guard marked.count == 2 else { continue }
            #expect(marked[0] < min(10, T / 2) && marked[1] < T / 2)
            firstPositions.insert(marked[0])
            let expected = 0.5 + (values[marked[0]] + values[marked[1]]) / 4
            #expect(abs((last(d.targets[k]) ?? .nan) - expected) < 1e-12)
            #expect((0...1).contains(expected))
        }
        #expect(firstPositions.count == 10, "the earlier mark falls on each of the first ten steps")
    }

    @Test func addingProblemAsLeJaitlyAndHinton() throws {
        let d = try data("{task: adding, target: sum, count: 100, length: 50}")
        for k in 0..<d.count {
            let x = d.vectors[k]
            let marked = (0..<50).filter { x[2 * $0 + 1] == 1 }
            #expect(marked.count == 2 && (0..<50).filter { x[2 * $0 + 1] != 0 }.count == 2)
            guard marked.count == 2 else { continue }
            #expect(marked[0] < 25 && marked[1] >= 25)
            #expect((0..<50).allSatisfy { x[2 * $0] >= 0 && x[2 * $0] < 1 })
            #expect(abs((last(d.targets[k]) ?? .nan) - (x[2 * marked[0]] + x[2 * marked[1]])) < 1e-12)
        }
    }

    @Test func temporalOrderClassesFollowTheOrderOfXAndY() throws {
        let d = try data("{task: temporal_order, count: 200}")
        #expect(d.inputSize == 8 && d.outputSize == 4 && d.lengths == [100])
        var classes = Set<Int>()
        for k in 0..<d.count {
            let s = d.tokens[k]
            #expect(s.first == 7 && s.last == 6, "E first, B last")
            let marks = s.indices.filter { s[$0] == 4 || s[$0] == 5 }
            #expect(marks.count == 2 && s.indices.allSatisfy { marks.contains($0) || $0 == 0 || $0 == 99 || s[$0] < 4 })
            guard marks.count == 2 else { continue }
            #expect((10...20).contains(marks[0]) && (50...60).contains(marks[1]))
            let c = 2 * (s[marks[0]] - 4) + (s[marks[1]] - 4)
            #expect(cls(d.targets[k]) == c)
            classes.insert(c)
        }
        #expect(classes == [0, 1, 2, 3])
    }

    @Test(arguments: [
        "task: last_value, length: 5", "task: copy, distractors: 5", "task: sum, length: 5", "task: adding, length: 20",
        "task: temporal_order, length: 20",
    ])
    func generatedTasksAreDeterministic(options: String) throws {
        func fingerprint(_ d: Dataset) -> String { "\(d.tokens) \(d.vectors) \(d.targets) " + (d.test.map(fingerprint) ?? "") }
        let a = try data("{\(options), count: 30, seed: 1, test: 30}"), b = try data("{\(options), count: 30, seed: 1, test: 30}")
        let c = try data("{\(options), count: 30, seed: 2, test: 30}")
        #expect(fingerprint(a) == fingerprint(b))
        #expect(fingerprint(a) != fingerprint(c))
        #expect(a.test.map(fingerprint) != c.test.map(fingerprint))
    }

    // MARK: - Held-out parts

    @Test(arguments: [
        "task: last_value, length: 5", "task: copy, symbols: 8, distractors: 12", "task: sum, length: 5",
        "task: adding, length: 20", "task: temporal_order, length: 30",
    ])
    func testPartsShareNoSequenceWithTraining(options: String) throws {
        let d = try data("{\(options), count: 200, test: 100}")
        let test = try #require(d.test)
        #expect(d.count == 200 && test.count == 100 && test.lengths == d.lengths)
        #expect(test.inputSize == d.inputSize && test.outputSize == d.outputSize && test.loss == d.loss)
        if d.tokens.isEmpty {
            #expect(Set(d.vectors).isDisjoint(with: Set(test.vectors)))
        } else {
            #expect(Set(d.tokens).isDisjoint(with: Set(test.tokens)))
        }
        // The training part is what it was without a test part.
        let alone = try data("{\(options), count: 200}")
        #expect(alone.targets == d.targets && alone.test == nil)
    }

    @Test func testPartsCanHaveLengthsUnseenInTraining() throws {
        let adding = try data("{task: adding, count: 20, test: {count: 10, length: [200, 400]}}")
        #expect(adding.lengths == [100] && adding.test?.lengths == [200, 400] && adding.test?.count == 10)
        #expect(adding.test?.tolerance == 0.04)
        let copy = try define("{task: copy, count: 20, distractors: 10, test: {distractors: 40}}")
        #expect(copy.data.test?.lengths == [41] && copy.data.test?.count == 20, "count defaults to the training count")
        #expect(copy.note.hasSuffix("held out for testing: 20 sequences of 41 steps; vocabulary: s0 s1 s2 s3 d0 d1 d2 d3"), "\(copy.note)")
        #expect(failure("{task: copy, test: {symbols: 3}}").hasPrefix("lesson.md:1: data.test.symbols: cannot change in the test part"))
        #expect(failure("{task: copy, test: {length: 3}}").hasPrefix("lesson.md:1: data.test.length: is not a known option here"))
        #expect(failure("{task: adding, test: {length: 3}}").hasPrefix("lesson.md:1: data.test.length: must be at least 4, not 3"))
    }

    @Test func aLengthSweepRegeneratesTheTestPartToo() throws {
        let d = try data("{task: adding, count: 12, length: 10, test: 5}")
        let longer = try #require(d.withLength?(30))
        #expect(longer.lengths == [30] && longer.test?.lengths == [30] && longer.test?.count == 5)
        let split = try data("{task: sum, count: 10, split: 0.3}")
        #expect(split.withLength?(8).test?.count == 3 && split.withLength?(8).count == 7)
        let fixed = try data("{task: copy, count: 4, test: {distractors: 40}}")
        #expect(fixed.withLength?(6).lengths == [6] && fixed.withLength?(6).test?.lengths == [41], "a test length given stays")
        #expect(try data("{task: adding}").withLength?(2).lengths == [4], "too short for the task: the shortest it can be")
    }

    @Test func splitHoldsOutTheLastSequences() throws {
        let whole = try data("{task: sum, count: 10, seed: 4}")
        let d = try data("{task: sum, count: 10, seed: 4, split: 0.2}")
        #expect(d.count == 8 && d.test?.count == 2)
        #expect(d.vectors == Array(whole.vectors[0..<8]) && d.test?.vectors == Array(whole.vectors[8...]))
        let text = try data("{task: text, corpus: \"abcdefghij\", length: 2, stride: 1, split: 0.25}")
        #expect(text.count + (text.test?.count ?? 0) == 8 && text.test?.count == 2 && text.test?.vocabulary == text.vocabulary)
        let inline = try data("{task: inline, loss: mse_last, split: 0.5, sequences: [{x: [1], targets: 1}, {x: [2], targets: 2}]}")
        #expect(inline.vectors == [[1]] && inline.test?.vectors == [[2]])
        #expect(failure("{task: sum, count: 2, split: 0.2}") == "lesson.md:1: data.split: holding out 0.2 of 2 sequences leaves 2 for training and 0 for testing; at least one sequence must remain on each side")
        #expect(failure("{task: sum, count: 3, split: 0.9}").contains("leaves 0 for training and 3 for testing"))
        #expect(failure("{task: sum, split: 1.5}").hasPrefix("lesson.md:1: data.split: is the fraction held out for testing, between 0 and 1"))
        #expect(failure("{task: sum, split: 0.2, test: 5}") == "lesson.md:1: data.test: give test or split, not both")
    }

    @Test func notesMentionTheTestPartAndVaryingLengths() throws {
        let en = try define("{name: d, task: adding, count: 512, length: [50, 100], test: 256}")
        #expect(en.note == "**d**: 512 sequences of 50, 100 steps (`adding`), `x_t` of size 2, loss `mse_last`; held out for testing: 256 sequences")
        let ko = try define("{name: d, task: adding, count: 512, test: {count: 256, length: 200}}", language: "ko")
        #expect(ko.note == "**d**: 길이 100인 시퀀스 512개 (`adding`), `x_t`의 크기 2, 손실 `mse_last`; 테스트용 256개 (길이 200)")
        #expect(try define("{task: sum, count: 3}").note == "**data**: 3 sequences of 10 steps (`sum`), `x_t` of size 1, loss `mse_last`")
    }

    // MARK: - Series

    @Test func seriesWindowsPredictTheValueHorizonStepsAhead() throws {
        let values = (0..<20).map { Double($0 * $0) }
        let d = try data("{task: series, values: \(values), window: 3, horizon: 2, stride: 2}")
        // Windows start at 0, 2, …, 14: the last one reads 14, 15, 16 and predicts 18.
        #expect(d.count == 8 && d.lengths == [3] && d.inputSize == 1 && d.loss == .mseLast)
        for k in 0..<d.count {
            #expect(d.vectors[k] == Array(values[(2 * k)..<(2 * k + 3)]))
            #expect(last(d.targets[k]) == values[2 * k + 4])
        }
        #expect(failure("{task: series, values: [1, 2, 3], window: 3}") == "lesson.md:1: data.window: a window of 3 steps predicting 1 ahead needs at least 4 values; the series has 3")
    }

    @Test func normalizingUsesOnlyTheTrainingPart() throws {
        let values = (0..<30).map { Double($0) }
        let d = try data("{task: series, values: \(values), window: 4, split: 0.2, normalize: true}")
        // 26 windows: 21 train (reading and predicting values 0…24), 5 held out, the latest.
        #expect(d.count == 21 && d.test?.count == 5)
        let used = values[0...24], mean = used.reduce(0, +) / 25
        let sd = (used.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 25).squareRoot()
        #expect(d.normalization == Dataset.Normalization(mean: mean, deviation: sd))
        #expect(abs(d.vectors[0][0] - (0 - mean) / sd) < 1e-12)
        #expect(abs((d.test.flatMap { last($0.targets[4]) } ?? .nan) - (29 - mean) / sd) < 1e-12)
        let firstTestTarget = try #require(d.test.flatMap { last($0.targets[0]) })
        #expect(d.targets.allSatisfy { (last($0) ?? .infinity) < firstTestTarget }, "no future in training")
        #expect(failure("{task: series, values: [2, 2, 2, 2, 2], window: 2, normalize: true}").contains("all equal"))
    }

    @Test func csvColumnsByNameOrNumber() throws {
        let dir = try Self.scratch()
        try "date,open,close\r\n2024-01-01,1,10\r\n\r\n2024-01-02,\"2\",\"1,5\"\r\n2024-01-03,3,12.5\r\n".write(
            to: dir.appendingPathComponent("prices.csv"), atomically: true, encoding: .utf8)
        let named = try data("{task: series, file: prices.csv, column: open, window: 1}", in: dir)
        #expect(named.vectors == [[1], [2]] && named.targets.map(last) == [2, 3])
        try "\u{FEFF}5; 1\n6, 2\n7, 3\n8, 4\n".replacingOccurrences(of: ";", with: ",").write(
            to: dir.appendingPathComponent("plain.csv"), atomically: true, encoding: .utf8)
        let numbered = try data("{task: series, file: plain.csv, column: 2, window: 2}", in: dir)
        #expect(numbered.vectors == [[1, 2], [2, 3]] && numbered.targets.map(last) == [3, 4])
        #expect(failure("{task: series, file: prices.csv, column: close, window: 1}", in: dir)
            == "lesson.md:1: data.file: prices.csv:4: column close is \"1,5\", not a number")
        #expect(failure("{task: series, file: prices.csv, column: 2, window: 1}", in: dir).hasPrefix(
            "lesson.md:1: data.file: prices.csv:1: column 2 is \"open\", not a number (if the first row names the columns"))
        #expect(failure("{task: series, file: prices.csv, column: volume, window: 1}", in: dir)
            == "lesson.md:1: data.column: prices.csv has no column \"volume\" (its first row names \"date\", \"open\", \"close\")")
        try "a,b\n1,2\n3\n".write(to: dir.appendingPathComponent("short.csv"), atomically: true, encoding: .utf8)
        #expect(failure("{task: series, file: short.csv, column: b, window: 1}", in: dir)
            == "lesson.md:1: data.file: short.csv:3: has 1 columns, but the header has 2")
        #expect(failure("{task: series, file: plain.csv, column: 3, window: 1}", in: dir) == "lesson.md:1: data.column: plain.csv has 2 columns, not 3")
    }

    @Test func csvFieldsUnquote() {
        #expect(Actions.csvCells(" a , \"b, c\" ,\"say \"\"hi\"\"\",") == ["a", "b, c", "say \"hi\"", ""])
    }

    // MARK: - Inline data from a file

    @Test func inlineSequencesFromJSONAndYAMLFiles() throws {
        let dir = try Self.scratch()
        try """
            {
            \t"sequences": [
            \t\t{"x": [[1, 2], [3, 4]], "targets": [0.5]},
            \t\t{"x": [[5, 6]], "targets": 1.5}
            \t]
            }
            """.write(to: dir.appendingPathComponent("seq.json"), atomically: true, encoding: .utf8)
        let json = try data("{task: inline, loss: mse_last, file: seq.json}", in: dir)
        #expect(json.vectors == [[1, 2, 3, 4], [5, 6]] && json.targets == [.vectors([0.5]), .vectors([1.5])] && json.lengths == [1, 2])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try """
            - x: [1, 2, 3]
              targets: [0, 1, 1]
            - x: [4, 5]
              targets: [1, 0, 1]
            """.write(to: dir.appendingPathComponent("data/seq.yaml"), atomically: true, encoding: .utf8)
        #expect(failure("{task: inline, loss: xent_all, file: data/seq.yaml}", in: dir)
            == "lesson.md:1: data.file: data/seq.yaml:4: sequences[1].targets: needs one target per step (2)")
        try "sequences: [{x: [1], targets: 2}\n".write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        #expect(failure("{task: inline, loss: mse_last, file: broken.yaml}", in: dir).hasPrefix("lesson.md:1: data.file: broken.yaml:2: YAML:"))
        #expect(failure("{task: inline, loss: mse_last, file: seq.json, sequences: []}", in: dir) == "lesson.md:1: data.sequences: give sequences or file, not both")
    }

    // MARK: - Files stay inside the lesson's folder

    func readProblem(_ path: String, in dir: URL) -> String? {
        do {
            _ = try LessonFiles.read(path, lessonDirectory: dir)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func lessonFilesStayInsideTheLessonsFolder() throws {
        let root = try Self.scratch()
        let lesson = root.appendingPathComponent("lesson")
        try FileManager.default.createDirectory(at: lesson.appendingPathComponent("data/deep"), withIntermediateDirectories: true)
        try "secret".write(to: root.appendingPathComponent("outside.txt"), atomically: true, encoding: .utf8)
        try "inside".write(to: lesson.appendingPathComponent("data/deep/in.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: lesson.appendingPathComponent("leak.txt").path,
                                                   withDestinationPath: root.appendingPathComponent("outside.txt").path)
        try FileManager.default.createSymbolicLink(atPath: lesson.appendingPathComponent("up").path, withDestinationPath: root.path)
        try FileManager.default.createSymbolicLink(atPath: lesson.appendingPathComponent("near.txt").path, withDestinationPath: "data/deep/in.txt")

        #expect(try LessonFiles.read("data/deep/in.txt", lessonDirectory: lesson) == Array("inside".utf8))
        #expect(try LessonFiles.read("./data//deep/in.txt", lessonDirectory: lesson) == Array("inside".utf8))
        #expect(try LessonFiles.read("near.txt", lessonDirectory: lesson) == Array("inside".utf8), "a link inside to inside is fine")
        let outside = root.appendingPathComponent("outside.txt").path
        #expect(readProblem(outside, in: lesson) == "\(outside) is an absolute path (paths are relative to the lesson and stay inside its folder; to let lessons read it, run with --allow-read FOLDER)")
        #expect(readProblem("../outside.txt", in: lesson) == "../outside.txt goes up with .. (paths are relative to the lesson and stay inside its folder; to let lessons read it, run with --allow-read FOLDER)")
        #expect(readProblem("data/../../outside.txt", in: lesson)?.contains("goes up with ..") == true)
        #expect(readProblem("leak.txt", in: lesson) == "leak.txt leads outside the lesson's folder through a symbolic link (paths are relative to the lesson and stay inside its folder; to let lessons read it, run with --allow-read FOLDER)")
        #expect(readProblem("up/outside.txt", in: lesson)?.contains("leads outside") == true)
        // A sibling folder whose name starts with the lesson folder's is still outside.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("lesson2"), withIntermediateDirectories: true)
        try "sibling".write(to: root.appendingPathComponent("lesson2/s.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: lesson.appendingPathComponent("sibling.txt").path,
                                                   withDestinationPath: root.appendingPathComponent("lesson2/s.txt").path)
        #expect(readProblem("sibling.txt", in: lesson)?.contains("leads outside") == true)
        #expect(readProblem("missing.csv", in: lesson) == "cannot find missing.csv (paths are relative to the lesson and stay inside its folder)")
        #expect(readProblem("data", in: lesson) == "data is not a regular file (a lesson reads only files)")
        #expect(mkfifo(lesson.appendingPathComponent("pipe").path, 0o600) == 0)
        #expect(readProblem("pipe", in: lesson) == "pipe is not a regular file (a lesson reads only files)")
        // A sparse file: large to stat, nothing on disk.
        let big = lesson.appendingPathComponent("big.csv").path
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, off_t(LessonFiles.maximumBytes + 1)) == 0)
        #expect(readProblem("big.csv", in: lesson) == "big.csv is 64 MiB or more; a lesson file can be at most 64 MiB")
        // Through data:, at the field.
        #expect(failure("{task: text, file: ../outside.txt}", in: lesson) == "lesson.md:1: data.file: ../outside.txt goes up with .. (paths are relative to the lesson and stay inside its folder; to let lessons read it, run with --allow-read FOLDER)")
        #expect(try data("{task: text, file: data/deep/in.txt}", in: lesson).vocabulary == ["d", "e", "i", "n", "s"])
    }

    // MARK: - Limits and options

    @Test func sizesAreLimited() throws {
        #expect(failure("{task: sum, count: 100000, length: 1000}") == "lesson.md:1: data.count: count × length × x_t size = 100,000 × 1,000 × 1 = 100,000,000 numbers, more than the 20,000,000 a dataset may hold (make count or length smaller)")
        #expect(failure("{task: copy, count: 1000, symbols: 1000, distractors: [5, 100]}").contains("1,000 × 101 × 2,000 = 202,000,000 numbers"))
        #expect(failure("{task: adding, count: 100, test: {count: 100000, length: 1000}}").hasPrefix("lesson.md:1: data.test: count × length × x_t size = 100,000 × 1,000 × 2"))
        #expect(failure("{task: last_value, count: 1, length: 200000}") == "lesson.md:1: data.length: must be at most 100000, not 200000")
        let corpus = String(repeating: "abcdefghijklmnopqrstuvwxyz", count: 400)
        #expect(failure("{task: text, corpus: \(corpus), length: 1000, stride: 1}").contains("windows × length × vocabulary = 9,400 × 1,000 × 26"))
        let dir = try Self.scratch()
        try (0..<10_000).map(String.init).joined(separator: "\n").write(to: dir.appendingPathComponent("long.csv"), atomically: true, encoding: .utf8)
        #expect(failure("{task: series, file: long.csv, column: 1, window: 5000}", in: dir).contains("windows × window = 5,000 × 5,000 = 25,000,000 numbers"))
    }

    @Test func optionsBelongToTheirTask() {
        #expect(failure("{task: sum, symbols: 3}") == "lesson.md:1: data.symbols: is not an option of task sum (its options: name, task, seed, split, count, length, mean, test)")
        #expect(failure("{task: adding, length: [50, 2]}") == "lesson.md:1: data.length[1]: must be at least 4, not 2")
        #expect(failure("{task: adding, target: product}").hasPrefix("lesson.md:1: data.target: is \"product\"; expected one of scaled, sum"))
        #expect(failure("{task: copy, distractors: []}") == "lesson.md:1: data.distractors: needs at least one length")
        #expect(failure("{task: series, values: [1, 2], column: a, window: 1}") == "lesson.md:1: data.column: applies to a file only")
    }

    // MARK: - Whole lessons read the new data

    @Test func lessonsTrainOnEveryNewTask() throws {
        let dir = try Self.scratch()
        try ("day,price\n" + (0..<60).map { "\($0),\(100 + 10 * sin(Double($0) / 5))" }.joined(separator: "\n"))
            .write(to: dir.appendingPathComponent("prices.csv"), atomically: true, encoding: .utf8)
        try #"{"sequences": [{"x": [[0, 1], [1, 0]], "targets": [1]}, {"x": [[1, 1]], "targets": [0]}]}"#
            .write(to: dir.appendingPathComponent("seq.json"), atomically: true, encoding: .utf8)
        let cells = [
            "data: {name: a, task: adding, count: 16, length: [12, 20], test: {count: 4, length: 40}}\nmodel: {name: m, cell: lstm, input_size: 2, hidden_size: 4, output_size: 1}\ntrain: {epochs: 2, batch_size: 8}\nsweep: {parameter: length, values: [8, 16], train: {epochs: 1}}",
            "data: {name: c, task: copy, count: 16, symbols: 3, distractor_symbols: 2, distractors: [4, 8], split: 0.25}\nmodel: {name: g, cell: gru, input_size: 5, hidden_size: 4, output_size: 3}\ntrain: {epochs: 2}\nstep: {index: 1}",
            "data: {name: o, task: temporal_order, count: 8, length: 20}\nmodel: {name: r, cell: rnn, input_size: 8, hidden_size: 4, output_size: 4}\ntrain: {epochs: 2}",
            "data: {name: p, task: series, file: prices.csv, column: price, window: 7, split: 0.2, normalize: true}\nmodel: {name: s, cell: gru, input_size: 1, hidden_size: 4, output_size: 1}\ntrain: {epochs: 2}",
            "data: {name: j, task: inline, loss: xent_last, file: seq.json}\nmodel: {name: e, cell: rnn, input_size: 2, hidden_size: 3, output_size: 2}\ntrain: {epochs: 2}",
        ]
        let text = LessonTests.header + cells.map { "```rnnlab\n\($0)\n```\n" }.joined(separator: "\n")
        let report = LessonRunner(showProgress: false).run(lesson: try Lesson.parse(text, file: dir.appendingPathComponent("lesson.md").path))
        #expect(report.error == nil, "\(report.error ?? "")")
        var notes: [String] = []
        for case .cell(let cell) in report.blocks { for case .note(let n) in cell.outputs { notes.append(n) } }
        #expect(notes.filter { $0.hasPrefix("Trained") }.count == 5, "\(notes)")
        #expect(notes.contains { $0.hasPrefix("**p**: 42 sequences of 7 steps (`series`)") && $0.hasSuffix("held out for testing: 11 sequences") }, "\(notes)")
    }
}
