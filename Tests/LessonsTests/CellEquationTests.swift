import Foundation
import RNNCore
import Testing
@testable import Lessons
@testable import Reports

/// The equation sets of the model summary and the cell graph: every cell kind and variant the
/// core has renders, names the gates it computes, and reaches the page as MathML (and
/// `report.md` as TeX).
@Suite("Cell equations")
struct CellEquationTests {
    /// Every cell and variant, as `(spec, the identifiers its MathML must hold)`.
    static let variants: [(NetworkSpec, [String])] = {
        func spec(_ cell: CellKind, activation: Activation = .tanh, gru: GRUVariant = .lecture, peephole: Bool = false,
                  layers: Int = 1, bidirectional: Bool = false, vocabulary: Int? = nil) -> NetworkSpec {
            NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: Array(repeating: 4, count: layers), outputSize: 2,
                        activation: activation, gruVariant: gru, peephole: peephole, bidirectional: bidirectional,
                        vocabularySize: vocabulary)
        }
        let tilde = "<mo stretchy=\"false\">˜</mo>"
        let lstm = ["<mi>f</mi>", "<mi>i</mi>", "<mi>o</mi>", "<mi>c</mi>", tilde, "<mi>σ</mi>", "<mi>tanh</mi>",
                    "<mi mathvariant=\"normal\">Γ</mi>", "<mo>⊙</mo>"]
        let gru = ["<mi>z</mi>", "<mi>r</mi>", "<mi>h</mi>", tilde, "<mi>σ</mi>", "<mi>tanh</mi>", "<mi mathvariant=\"normal\">Γ</mi>"]
        let readout = ["<mi>y</mi>", "<mi>W</mi>"]
        return [
            (spec(.rnn), ["<mi>a</mi>", "<mi>tanh</mi>"] + readout),
            (spec(.rnn, activation: .relu), ["<mi>relu</mi>", "<mi>max</mi>"] + readout),
            (spec(.rnn, activation: .linear), ["<mi>a</mi>"] + readout),
            (spec(.lstm), lstm + readout),
            (spec(.lstm, peephole: true), lstm + ["<mi>p</mi>"] + readout),
            (spec(.gru), gru + readout),
            (spec(.gru, gru: .resetAfter), gru + readout),
            (spec(.gru, gru: .simplified), ["<mi>z</mi>", "<mi>h</mi>", tilde, "<mi>σ</mi>", "<mi>tanh</mi>", "<mi mathvariant=\"normal\">Γ</mi>"] + readout),
            (spec(.lstm, layers: 2, bidirectional: true), lstm + ["→</mo>", "←</mo>"]),
            (spec(.gru, layers: 3), gru),
            (spec(.rnn, vocabulary: 7), readout),
        ]
    }()

    @Test(arguments: 0..<variants.count, ["en", "ko"])
    func rendersWithTheGatesItComputes(_ k: Int, _ language: String) throws {
        let (spec, expected) = Self.variants[k]
        let math = try MathML.render(tex: CellEquations.tex(spec, language: language), display: true)
        for identifier in expected { #expect(math.contains(identifier), "\(spec.cell) \(language): \(identifier)") }
        let note = Markdown.html(from: CellEquations.markdown(spec, language: language))
        #expect(note.problems.isEmpty, "\(note.problems)")
        #expect(!note.html.contains("math-error") && note.html.contains("<math display=\"block\">"))
        if language == "ko" { #expect(note.html.contains("은닉 상태")) } else { #expect(note.html.contains("hidden state")) }
    }

    /// The equations say what the code computes: the forms that differ between variants.
    @Test func formsFollowTheCode() {
        func tex(_ cell: CellKind, _ activation: Activation = .tanh, gru: GRUVariant = .lecture, peephole: Bool = false) -> String {
            CellEquations.tex(NetworkSpec(cell: cell, inputSize: 1, hiddenSizes: [2], outputSize: 1, activation: activation,
                                          gruVariant: gru, peephole: peephole), language: "en")
        }
        #expect(tex(.rnn).contains("a_t &= W_{xh} x_t + W_{hh} h_{t-1} + b_h") && tex(.rnn).contains("h_t &= \\tanh(a_t)"))
        #expect(tex(.rnn, .linear).contains("h_t &= a_t &&"))
        #expect(tex(.lstm, peephole: true).contains("\\sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o + p_o \\odot c_{t-1})"))
        #expect(!tex(.lstm).contains("p_f"))
        #expect(tex(.gru).contains("W_{hh} (r_t \\odot h_{t-1})") && tex(.gru).contains("h_t &= (1 - z_t) \\odot h_{t-1} + z_t \\odot \\tilde h_t"))
        let keras = tex(.gru, gru: .resetAfter)
        #expect(keras.contains("r_t \\odot (W_{hh} h_{t-1} + b_{hh})") && keras.contains("h_t &= z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t"))
        // The notes' simplified GRU: no reset gate, the candidate reads h_{t-1}, z weights the candidate.
        let simplified = tex(.gru, gru: .simplified)
        #expect(simplified.contains("\\tilde h_t &= \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)")
            && simplified.contains("h_t &= z_t \\odot \\tilde h_t + (1 - z_t) \\odot h_{t-1}") && !simplified.contains("r_t"))
        #expect(simplified.contains("W_u[c^{<t-1>}, x^{<t>}]") && simplified.contains("W_c[c^{<t-1>}, x^{<t>}]"))
        for t in [tex(.rnn), tex(.lstm), tex(.gru), simplified] { #expect(t.contains("y_t &= W_{hy} h_t + b_y")) }
    }

    /// `show: summary` and `show: cell_graph` put the equations on the page as MathML and keep
    /// them in report.md as TeX.
    @Test func summaryAndCellGraphShowThem() throws {
        let text = LessonTests.header + """
            ```rnnlab
            model: {name: m, cell: gru, gru_variant: reset_after, input_size: 2, hidden_size: 3, output_size: 1}
            show: [summary, cell_graph]
            ```
            """
        let report = try LessonTests().run(text)
        let html = HTMLWriter.write(report)
        #expect(!html.contains("<code class=\"math-error\""))
        let blocks = html.components(separatedBy: "<math display=\"block\">").count - 1
        #expect(blocks == 2)
        #expect(html.contains("\\tilde h_t &amp;= \\tanh(W_{xh} x_t + b_h + r_t \\odot (W_{hh} h_{t-1} + b_{hh}))"))
        let md = MarkdownWriter.write(report).text
        #expect(md.components(separatedBy: "$$\n\\begin{aligned}").count - 1 == 2)
    }
}
