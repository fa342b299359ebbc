import Foundation
import Testing
@testable import Reports

/// `\slot{name}`: numbers the page fills in, in rnnlab's own equation templates only.
@Suite("TeX to MathML: templates with slots")
struct MathTemplateTests {
    @Test func slotsBecomeEmptyNumbers() throws {
        let math = try MathML.render(template: "a_{\\slot{t}} = \\slot{x.f} + \\slot{h.f} \\times \\tanh(\\slot{a})", display: true)
        #expect(math == "<math display=\"block\"><mrow><msub><mi>a</mi><mn data-slot=\"t\"></mn></msub><mo>=</mo>"
            + "<mn data-slot=\"x.f\"></mn><mo>+</mo><mn data-slot=\"h.f\" data-paren=\"\"></mn><mo>×</mo>"
            + "<mi>tanh</mi><mo>&#x2061;</mo><mo stretchy=\"false\">(</mo><mn data-slot=\"a\"></mn><mo stretchy=\"false\">)</mo></mrow></math>")
    }

    /// After a binary operator a negative value needs parentheses; after `=` or `(` it does not.
    @Test func onlySlotsAfterAnOperatorAreParenthesised() throws {
        let math = try MathML.render(template: "= \\slot{a} - \\slot{b} \\cdot \\slot{c} (\\slot{d})", display: false)
        #expect(math.contains("<mn data-slot=\"a\"></mn>") && math.contains("<mn data-slot=\"b\" data-paren=\"\"></mn>")
            && math.contains("<mn data-slot=\"c\" data-paren=\"\"></mn>") && math.contains("<mn data-slot=\"d\"></mn>"))
    }

    /// A lesson's TeX cannot hold a slot: it is unsupported TeX like any other command.
    @Test func lessonsCannotWriteSlots() {
        #expect(throws: TeXError(offset: 0, message: "unsupported TeX \\slot")) {
            try MathML.render(tex: "\\slot{a}", display: false)
        }
        let html = Markdown.html(from: "$x = \\slot{a}$").html
        #expect(!html.contains("data-slot") && html.contains("math-error"))
    }

    @Test func slotNamesAreChecked() {
        #expect(throws: TeXError.self) { try MathML.render(template: "\\slot{a\"b}", display: false) }
        #expect(throws: TeXError.self) { try MathML.render(template: "\\slot{}", display: false) }
        #expect(throws: TeXError.self) { try MathML.render(template: "\\slot", display: false) }
    }
}
