import Foundation
import RNNCore
import Testing
@testable import Lessons

/// `show: step_through` of an encoder–decoder steps through its decoder: an ordinary network
/// started from the encoder's hand-off, whose record and gradient are the whole model's.
@Suite("Encoder–decoder step-through")
struct Seq2SeqStepThroughTests {
    static let lesson = """
        ---
        title: S
        seed: 1
        ---

        ```rnnlab
        data: {name: digits, task: reverse_digits, count: 50, length: [3], test: {count: 10, length: [3]}}
        model: {name: s2s, kind: encoder_decoder, cell: lstm, hidden_size: 4, embedding_size: 4}
        step: {model: s2s, index: 0}
        show: step_through
        ```

        """

    @Test func theDecoderIsSteppedThroughFromTheEncodersState() throws {
        let lesson = try Lesson.parse(Self.lesson, file: "lesson.md")
        let (report, shown) = LessonRunner(showProgress: false).runShowingStepThroughs(lesson: lesson)
        #expect(report.error == nil, "\(report.error ?? "")")
        // The encoder first, then the decoder.
        #expect(shown.count == 2)
        #expect(shown.first?.trace.handedBack != nil && shown.first?.trace.record.steps == 3)
        #expect(shown.first?.symbols.count == 10)
        let trace = try #require(shown.last).trace
        #expect(trace.handedBack == nil)
        let r = trace.record.layers[0][0]
        // BOS and three target digits: four decoder steps; h_0 is the encoder's last state, not zero.
        #expect(r.steps == 4)
        #expect(r.hidden(at: 0).contains { $0 != 0 })
        #expect(shown[1].symbols.prefix(3) == ["BOS", "EOS", "0"])
        // The page has the widget.
        let html = report.blocks.flatMap { block -> [String] in
            guard case .cell(let cell) = block else { return [] }
            return cell.outputs.compactMap { if case .widget(let html, _) = $0 { return html } else { return nil } }
        }
        #expect(html.count == 2 && html.allSatisfy { $0.contains("class=\"stepthrough\"") })
        // The encoder's page: no readout, a decoder node, the source tokens under x_t.
        #expect(html[0].contains("&quot;role&quot;:&quot;encoder&quot;") || html[0].contains("\"role\":\"encoder\""))
        #expect(html[0].contains("decoder") && !html[0].contains("id=\"st-01-y_1\""))
    }
}
