import Foundation
import Testing
@testable import Lessons
@testable import Reports

/// `show: connectivity`: its values, its figure and strip, and clear errors where it cannot apply.
@Suite("Connectivity show")
struct ConnectivityShowTests {
    static let header = "---\ntitle: T\nseed: 1\n---\n"

    func run(_ cell: String) throws -> (report: Report, error: String?) {
        let lesson = try Lesson.parse(Self.header + "```rnnlab\n" + cell + "\n```\n", file: "lesson.md")
        let report = LessonRunner(showProgress: false).run(lesson: lesson)
        return (report, report.error)
    }

    @Test func aTextModelGetsTheMatrixTheStripAndItsValues() throws {
        let (report, error) = try run("""
            data: {name: t, task: text, corpus: "hello hello", length: 6}
            model: {name: lm, cell: gru, vocab_from: t, hidden_size: 4}
            step: {model: lm, data: t}
            show: connectivity
            expect:
              - lm.connectivity.reach >= 1
              - lm.connectivity.first_to_last > 0
              - lm.connectivity.last[5] > 0
            """)
        #expect(error == nil, "\(error ?? "")")
        let html = HTMLWriter.write(report)
        #expect(html.contains("class=\"chart connectivity-chart\""))
        #expect(html.contains("class=\"connectivity\" data-levels=\"[[8],"))
        #expect(html.components(separatedBy: "class=\"cx-out\"").count == 7)
        #expect(report.values?.contains("\"lm.connectivity.last\"") == true)
    }

    @Test func hiddenStatesNeedNoReadoutAndBidirectionalModelsAreRefused() throws {
        let hidden = try run("""
            model: {name: m, cell: lstm, input_size: 1, hidden_size: 3, output_size: 1}
            data: {task: sum, count: 1, length: 5}
            step: {}
            show: {what: connectivity, of: hidden}
            expect:
              - m.connectivity_h.reach >= 1
            """)
        #expect(hidden.error == nil, "\(hidden.error ?? "")")
        let both = try run("""
            model: {name: m, cell: gru, input_size: 1, hidden_size: 3, output_size: 1, bidirectional: true}
            data: {task: sum, count: 1, length: 5}
            step: {}
            show: connectivity
            """)
        #expect(both.error?.hasPrefix("lesson.md:9: show: connectivity: in a bidirectional model every h_t depends on later inputs too") == true, "\(both.error ?? "")")
    }

    @Test func tooLongARecordIsRefusedBeforeItStarts() throws {
        let e = try run("""
            model: {name: m, cell: rnn, input_size: 1, hidden_size: 64, output_size: 1}
            data: {task: sum, count: 1, length: 5000}
            step: {}
            show: connectivity
            """).error
        #expect(e?.contains("is too large to compute here") == true, "\(e ?? "")")
    }
}
