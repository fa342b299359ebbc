import Foundation
import Testing
@testable import Lessons

/// What a lesson's bytes, fences, YAML tags and numbers are taken to mean, and the line each
/// problem is reported at.
@Suite("Lesson text")
struct InputTextTests {
    func decode(_ bytes: [UInt8]) -> (text: String?, problem: TextDecoding.Problem?) {
        do throws(TextDecoding.Problem) { return (try TextDecoding.utf8(bytes), nil) } catch { return (nil, error) }
    }

    @Test func aBadByteIsReportedAtItsLineWithAHintForKoreanEncodings() {
        let ascii = Array("---\ntitle: T\n---\n\nok\n".utf8)
        let ff = decode(ascii + [0xFF] + Array(" x\n".utf8))
        #expect(ff.problem?.line == 6)
        #expect(ff.problem?.message.contains("0xFF") == true)
        // 한국 in EUC-KR: C7 D1 B1 B9.
        let euc = decode(ascii + Array("a\n".utf8) + [0xC7, 0xD1, 0xB1, 0xB9, 0x0A])
        #expect(euc.problem?.line == 7)
        #expect(euc.problem?.message.contains("EUC-KR") == true)
        #expect(decode([0xFF, 0xFE, 0x2D, 0x00]).problem?.message.contains("UTF-16") == true)
        #expect(decode([0xEF, 0xBB, 0xBF] + Array("# 제목\n".utf8)).text == "# 제목\n")
    }

    @Test func aNULIsFoundAtItsLine() {
        #expect(TextDecoding.lineOfNUL("a\nb\nc\u{0}d") == 3)
        #expect(TextDecoding.lineOfNUL("no nul here") == nil)
    }

    @Test func loneCarriageReturnsEndLines() throws {
        let lesson = try Lesson.parse("---\rtitle: Old Mac\r---\r\rProse.\r", file: "lesson.md")
        #expect(lesson.title == "Old Mac")
    }

    @Test func fencesFollowCommonMark() throws {
        // A closing fence may be longer than the opening one.
        let longer = try Lesson.parse("# T\n\n```rnnlab\nshow: summary\n````\n\nafter\n", file: "lesson.md")
        #expect(longer.blocks.contains { if case .cell = $0 { return true } else { return false } })
        // Four spaces make an indented code block: shown, never run.
        let indented = try Lesson.parse("# T\n\nExample:\n\n    ```rnnlab\n    not_an_action: {}\n    ```\n", file: "lesson.md")
        #expect(!indented.blocks.contains { if case .cell = $0 { return true } else { return false } })
        // A shorter run does not close.
        #expect(throws: LessonError.self) { try Lesson.parse("# T\n\n````rnnlab\nshow: summary\n```\n", file: "lesson.md") }
    }

    func error(_ cell: String) throws -> String? {
        let lesson = try Lesson.parse("---\ntitle: T\n---\n```rnnlab\n" + cell + "\n```\n", file: "lesson.md")
        return LessonRunner(showProgress: false).run(lesson: lesson).error
    }

    @Test func tagsBeyondPlainYAMLAreRefusedAtTheirLine() throws {
        let e = try error("model: {name: m, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}\nshow: !!python/object:os.system summary")
        #expect(e?.hasPrefix("lesson.md:6: the YAML tag !!python/object:os.system is not supported") == true, "\(e ?? "")")
        #expect(try error("model: {name: m, cell: rnn, input_size: !!int 1, hidden_size: 2, output_size: 1}\nshow: summary") == nil)
    }

    @Test func wholeNumbersBeyondIntAreOutOfRangeNotMalformed() throws {
        let big = try error("model: {name: m, cell: rnn, input_size: 1, hidden_size: 99999999999999999999, output_size: 1}")
        #expect(big?.hasPrefix("lesson.md:5: model.hidden_size: must be at most 4096, not \"99999999999999999999\"") == true, "\(big ?? "")")
        let long = try error("model: {name: m, cell: rnn, input_size: 1, hidden_size: \(String(repeating: "9", count: 5000)), output_size: 1}")
        #expect((long?.count ?? 0) < 200, "\(long ?? "")")
        #expect(long?.contains("5,000 characters") == true)
        let seed = try Lesson.parse("---\ntitle: T\nseed: 18446744073709551615\n---\n", file: "lesson.md")
        #expect(seed.seed == UInt64.max)
        #expect(throws: LessonError.self) { try Lesson.parse("---\ntitle: T\nseed: 18446744073709551616\n---\n", file: "lesson.md") }
    }

    @Test func captionMathErrorsHaveTheirColumnInEveryQuoting() throws {
        let model = "model: {name: m, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}\n"
        // The column of the backslash starting \evil, counted in the source: the quote is at 32.
        for caption in [#""a\\b $\\evil$""#, #"'a\b $\evil$'"#, #""a\"b $\\evil$""#] {
            let e = try error(model + "show: {what: summary, caption: \(caption)}")
            let expected = caption.hasPrefix("'") ? 38 : 39
            #expect(e?.hasPrefix("lesson.md:6:\(expected): show.caption: unsupported TeX \\evil") == true, "\(caption): \(e ?? "")")
        }
    }
}
