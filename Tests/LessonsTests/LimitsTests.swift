import Foundation
import Testing
@testable import Lessons
@testable import Reports

/// Actions too large for the machine are refused before they start, with the estimate, the
/// limit and how to raise it; numbers out of range are errors, never traps.
@Suite("Limits")
struct LimitsTests {
    static let header = "---\ntitle: T\nseed: 1\n---\n"

    func error(_ cell: String, limits: LessonLimits = .standard) throws -> String? {
        let lesson = try Lesson.parse(Self.header + "```rnnlab\n" + cell + "\n```\n", file: "lesson.md")
        return LessonRunner(showProgress: false, limits: limits).run(lesson: lesson).error
    }

    @Test func aModelTooLargeForMemoryIsRefusedAtItsLine() throws {
        let e = try error("model: {cell: lstm, input_size: 100000, hidden_size: 4096, output_size: 1}",
                          limits: LessonLimits(memory: 8 * 1_073_741_824, work: 2e13))
        #expect(e?.hasPrefix("lesson.md:6: model: a model of 1,705,529,345 weights needs about 76.24 GiB of memory, over the limit of 8 GiB") == true, "\(e ?? "")")
        #expect(e?.contains("--max-memory 96G") == true)
    }

    @Test func tinyModelsAreEstimatedByTheirStepsAndSequences() throws {
        // 11 weights: arithmetic alone is 1.3e12 operations, but 10¹⁰ sequences take hours.
        let e = try error("""
            model: {cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            data: {task: sum, count: 100000, length: 2}
            train: {epochs: 100000}
            """)
        #expect(e?.hasPrefix("lesson.md:8: train: training 11 weights for 100,000 epochs over 100,000 sequences (200,000 steps) is about 2.313e+14 operations") == true, "\(e ?? "")")
    }

    @Test func stepsSweepsAndStepThroughsHaveSizeLimits() throws {
        let step = try error("""
            model: {cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            data: {task: sum, count: 1, length: 20001}
            step: {}
            """)
        #expect(step?.hasPrefix("lesson.md:8: step: a step records every gate and gradient at every step, for at most 20,000 steps; this sequence has 20,001") == true, "\(step ?? "")")
        let page = try error("""
            model: {cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            data: {task: sum, count: 1, length: 10001}
            step: {}
            show: step_through
            """)
        #expect(page?.hasPrefix("lesson.md:9: show: step_through: a step-through shows at most 10,000 steps (this sequence has 10,001") == true, "\(page ?? "")")
        let sweep = try error("""
            model: {cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            data: {task: sum, count: 1, length: 5}
            sweep: {parameter: length, values: [\((1...1001).map(String.init).joined(separator: ", "))]}
            """)
        #expect(sweep?.hasPrefix("lesson.md:8: sweep.values: a sweep takes at most 1,000 values") == true, "\(sweep ?? "")")
    }

    @Test func trainingTooLongIsRefusedUpFront() throws {
        let e = try error("""
            model: {cell: rnn, input_size: 1, hidden_size: 64, output_size: 1}
            data: {task: last_value, count: 1000, length: 200}
            train: {epochs: 100000}
            """)
        #expect(e?.hasPrefix("lesson.md:8: train: training 4,289 weights for 100,000 epochs over 1,000 sequences (200,000 steps) is about 5.467e+14 operations, over the limit of 2.000e+13") == true, "\(e ?? "")")
        #expect(e?.contains("--max-work") == true)
        // The same cell under a lower limit of work, and a step over a long sequence.
        let small = LessonLimits(memory: 1e9, work: 1e6)
        let step = try error("""
            model: {cell: lstm, input_size: 1, hidden_size: 64, output_size: 1}
            data: {task: last_value, count: 1, length: 5000}
            step: {}
            """, limits: small)
        #expect(step?.hasPrefix("lesson.md:8: step: recording this step (T = 5,000) is about") == true, "\(step ?? "")")
    }

    @Test func sweepValuesOutOfRangeAreErrorsNotTraps() throws {
        let base = """
            model: {cell: rnn, input_size: 1, hidden_size: 4, output_size: 1}
            data: {task: last_value, count: 2, length: 5}

            """
        let huge = try error(base + "sweep: {parameter: length, values: [5, 1e19]}")
        #expect(huge?.hasPrefix("lesson.md:8: sweep.values: lengths must be whole numbers from 1 to 100,000, not 1.000e+19") == true, "\(huge ?? "")")
        let long = try error(base + "sweep: {parameter: length, values: [1000000000]}")
        #expect(long?.contains("lengths must be whole numbers from 1 to 100,000") == true, "\(long ?? "")")
        let radius = try error(base + "sweep: {parameter: spectral_radius, values: [.inf]}")
        #expect(radius != nil)
    }

    @Test func sizesAreReadWithUnits() {
        #expect(LessonLimits.bytes("8G") == Double(8 * 1_073_741_824))
        #expect(LessonLimits.bytes("512m") == Double(512 * 1_048_576))
        #expect(LessonLimits.bytes("2e9") == 2e9)
        #expect(LessonLimits.bytes("1.5GB") == 1.5e9)
        for bad in ["", "G", "-1G", "12X", "nan", "inf"] { #expect(LessonLimits.bytes(bad) == nil, "\(bad)") }
    }

    @Test func theCourseLessonsFitTheDefaultsWithRoomToSpare() {
        // The largest action of lessons/ (lesson 04's comparison) is about 1.8e11 operations.
        #expect(LessonLimits.standard.work >= 100 * 1.8e11)
        #expect(LessonLimits.standard.memory >= 1e9)
    }
}

@Suite("Messages")
struct MessageTests {
    func error(_ cell: String) throws -> String? {
        let lesson = try Lesson.parse("---\ntitle: T\n---\n```rnnlab\n" + cell + "\n```\n", file: "lesson.md")
        return LessonRunner(showProgress: false).run(lesson: lesson).error
    }

    @Test func aDuplicateKeyIsReportedAtItsSecondLine() throws {
        let block = try error("model:\n  cell: rnn\n  input_size: 1\n  hidden_size: 4\n  output_size: 1\n  cell: lstm")
        #expect(block == "lesson.md:10: the key cell appears twice in one mapping (first at line 6)")
        let flow = try error("data: {task: copy, count: 2}\nmodel: {cell: rnn, input_size: 1,\n  hidden_size: 4, cell: lstm, output_size: 1}")
        #expect(flow == "lesson.md:7: the key cell appears twice in one mapping (first at line 6)", "\(flow ?? "")")
    }

    @Test func anIndexBeyondIntIsAnErrorNotATrap() throws {
        for index in ["1e19", "9223372036854775807", "1e400"] {
            let e = try error("model: {name: m, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}\ndata: {task: last_value, count: 2, length: 3}\nstep: {}\nexpect:\n  - m.step.dh_norm[\(index)] > 0")
            #expect(e?.contains("m.step.dh_norm is a list of 4 values (indices 0…3)") == true, "\(e ?? "")")
        }
    }

    @Test func aRaggedRowIsNamedAtItsLine() throws {
        let e = try error("data:\n  task: inline\n  loss: mse_all\n  sequences:\n    - x:\n        - [1]\n        - [2, 3]\n      targets: [[1], [2]]")
        #expect(e == "lesson.md:11: data.sequences[0].x[1]: step 2 has 2 numbers; every step needs 1 (as step 1 has)", "\(e ?? "")")
    }

    @Test func messagesAreOneShortLineWithControlsEscaped() throws {
        let long = String(repeating: "9", count: 100_000)
        let e = try #require(try error("model: {name: \"a\\u0000b\\u001b[31m\\u202e\", cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}\nshow: {what: summary, model: \"\(long)\"}"))
        #expect(e.count < 320, "\(e.count) characters")
        #expect(!e.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202E}" })
        #expect(e.contains("a\\u{0}b\\u{1b}[31m\\u{202e}") && e.contains("…"))
    }
}

@Suite("Reads outside the lesson")
struct AllowReadTests {
    @Test func onlyFoldersGivenWithAllowReadOpenUp() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ar-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: root) }
        let lesson = root.appendingPathComponent("lesson"), shared = root.appendingPathComponent("shared"), secret = root.appendingPathComponent("secret")
        for d in [lesson, shared, secret] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try Data("x".utf8).write(to: shared.appendingPathComponent("a.txt"))
        try Data("private".utf8).write(to: secret.appendingPathComponent("b.txt"))
        try FileManager.default.createSymbolicLink(at: lesson.appendingPathComponent("link.txt"), withDestinationURL: secret.appendingPathComponent("b.txt"))
        let allowed = [try #require(LessonFiles.allowedFolder(shared.path))]
        // Without --allow-read nothing outside; with it, that folder only.
        #expect(throws: LessonFiles.Problem.self) { try LessonFiles.read("../shared/a.txt", lessonDirectory: lesson) }
        #expect(try LessonFiles.read("../shared/a.txt", lessonDirectory: lesson, allowed: allowed) == Array("x".utf8))
        #expect(try LessonFiles.read(shared.path + "/a.txt", lessonDirectory: lesson, allowed: allowed) == Array("x".utf8))
        for path in ["../secret/b.txt", secret.path + "/b.txt", "link.txt", "../shared/../secret/b.txt", "/proc/self/cwd/x"] {
            #expect(throws: LessonFiles.Problem.self, "\(path)") { try LessonFiles.read(path, lessonDirectory: lesson, allowed: allowed) }
        }
        #expect(LessonFiles.allowedFolder(shared.appendingPathComponent("a.txt").path) == nil)
    }
}
