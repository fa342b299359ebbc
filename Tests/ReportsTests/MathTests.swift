import Foundation
import Testing
@testable import Reports

/// The MathML of `tex` between `<semantics>` and `<annotation>`: the formula without its wrapper.
private func body(_ tex: String, display: Bool = false) throws -> String {
    let math = try MathML.render(tex: tex, display: display)
    guard let start = math.range(of: "<semantics>"), let end = math.range(of: "<annotation") else { return math }
    return String(math[start.upperBound..<end.lowerBound])
}

/// The error `tex` gives, as `offset: message`.
private func failure(_ tex: String) -> String {
    do {
        _ = try MathML.render(tex: tex, display: false)
        return "no error"
    } catch {
        return error.description
    }
}

@Suite("TeX to MathML: each construct")
struct MathConstructTests {
    @Test(arguments: [
        // Sub- and superscripts, primes.
        ("h_t", "<msub><mi>h</mi><mi>t</mi></msub>"),
        ("W_{hh}", "<msub><mi>W</mi><mrow><mi>h</mi><mi>h</mi></mrow></msub>"),
        ("x^2_t", "<msubsup><mi>x</mi><mi>t</mi><mn>2</mn></msubsup>"),
        ("x^23", "<mrow><msup><mi>x</mi><mn>2</mn></msup><mn>3</mn></mrow>"),
        ("c^{<t>}", "<msup><mi>c</mi><mrow><mo lspace=\"0\" rspace=\"0\">&lt;</mo><mi>t</mi><mo lspace=\"0\" rspace=\"0\">&gt;</mo></mrow></msup>"),
        ("a^{[l]<t>}", "<msup><mi>a</mi><mrow><mo stretchy=\"false\">[</mo><mi>l</mi><mo stretchy=\"false\">]</mo><mo lspace=\"0\" rspace=\"0\">&lt;</mo><mi>t</mi><mo lspace=\"0\" rspace=\"0\">&gt;</mo></mrow></msup>"),
        ("h_{t-1}", "<msub><mi>h</mi><mrow><mi>t</mi><mo lspace=\"0\" rspace=\"0\">−</mo><mn>1</mn></mrow></msub>"),
        ("φ'", "<mrow><mi>φ</mi><mo lspace=\"0\" rspace=\"0\">′</mo></mrow>"),
        ("f''", "<mrow><mi>f</mi><mo lspace=\"0\" rspace=\"0\">″</mo></mrow>"),
        ("x'^2", "<msup><mi>x</mi><mrow><mo>′</mo><mn>2</mn></mrow></msup>"),
        ("{}^2", "<msup><mrow></mrow><mn>2</mn></msup>"),
        // Letters, numbers, operators.
        ("\\alpha \\Gamma \\omega", "<mrow><mi>α</mi><mi mathvariant=\"normal\">Γ</mi><mi>ω</mi></mrow>"),
        ("\\phi \\varphi \\epsilon \\varepsilon", "<mrow><mi>ϕ</mi><mi>φ</mi><mi>ϵ</mi><mi>ε</mi></mrow>"),
        ("0.01x", "<mrow><mn>0.01</mn><mi>x</mi></mrow>"),
        ("a \\odot b \\cdot c \\times d * e", "<mrow><mi>a</mi><mo>⊙</mo><mi>b</mi><mo>⋅</mo><mi>c</mi><mo>×</mo><mi>d</mi><mo>∗</mo><mi>e</mi></mrow>"),
        ("a \\le b \\ge c \\ne d \\approx e \\to f \\in g",
         "<mrow><mi>a</mi><mo>≤</mo><mi>b</mi><mo>≥</mo><mi>c</mi><mo>≠</mo><mi>d</mi><mo>≈</mo><mi>e</mi><mo>→</mo><mi>f</mi><mo>∈</mo><mi>g</mi></mrow>"),
        ("\\partial \\nabla \\infty \\dots \\cdots \\ldots", "<mrow><mi>∂</mi><mi mathvariant=\"normal\">∇</mi><mi>∞</mi><mi>…</mi><mi>⋯</mi><mi>…</mi></mrow>"),
        ("-x + (-1) = {-2}", "<mrow><mo>−</mo><mi>x</mi><mo>+</mo><mo stretchy=\"false\">(</mo><mo form=\"prefix\">−</mo><mn>1</mn><mo stretchy=\"false\">)</mo><mo>=</mo><mrow><mo>−</mo><mn>2</mn></mrow></mrow>"),
        // Unicode typed directly.
        ("‖∂L/∂h‖ ⊙ − σ", "<mrow><mo stretchy=\"false\">‖</mo><mi>∂</mi><mi>L</mi><mi>/</mi><mi>∂</mi><mi>h</mi><mo stretchy=\"false\">‖</mo><mo>⊙</mo><mo form=\"prefix\">−</mo><mi>σ</mi></mrow>"),
        ("c̃_t", "<msub><mover accent=\"true\"><mi>c</mi><mo stretchy=\"false\">˜</mo></mover><mi>t</mi></msub>"),
        ("Γ_u", "<msub><mi mathvariant=\"normal\">Γ</mi><mi>u</mi></msub>"),
        ("은닉 h", "<mrow><mtext>은닉</mtext><mi>h</mi></mrow>"),
        // Functions: U+2061, and a thin space before a bare argument only.
        ("\\tanh x", "<mrow><mi>tanh</mi><mo>&#x2061;</mo><mspace width=\"0.1667em\"/><mi>x</mi></mrow>"),
        ("\\tanh(x)", "<mrow><mi>tanh</mi><mo>&#x2061;</mo><mo stretchy=\"false\">(</mo><mi>x</mi><mo stretchy=\"false\">)</mo></mrow>"),
        ("x \\log y", "<mrow><mi>x</mi><mspace width=\"0.1667em\"/><mi>log</mi><mo>&#x2061;</mo><mspace width=\"0.1667em\"/><mi>y</mi></mrow>"),
        ("\\exp(x) \\min(a, b)", "<mrow><mi>exp</mi><mo>&#x2061;</mo><mo stretchy=\"false\">(</mo><mi>x</mi><mo stretchy=\"false\">)</mo><mspace width=\"0.1667em\"/><mi>min</mi><mo>&#x2061;</mo><mo stretchy=\"false\">(</mo><mi>a</mi><mo>,</mo><mi>b</mi><mo stretchy=\"false\">)</mo></mrow>"),
        ("\\operatorname{diag}(v)", "<mrow><mi>diag</mi><mo>&#x2061;</mo><mo stretchy=\"false\">(</mo><mi>v</mi><mo stretchy=\"false\">)</mo></mrow>"),
        ("\\max_i x_i", "<mrow><msub><mi>max</mi><mi>i</mi></msub><mo>&#x2061;</mo><mspace width=\"0.1667em\"/><msub><mi>x</mi><mi>i</mi></msub></mrow>"),
        // Fractions, roots, accents, over- and undersets.
        ("\\frac{a}{b}", "<mfrac><mi>a</mi><mi>b</mi></mfrac>"),
        ("\\frac12", "<mfrac><mn>1</mn><mn>2</mn></mfrac>"),
        ("\\frac{a+b}{c}", "<mfrac><mrow><mi>a</mi><mo lspace=\"0\" rspace=\"0\">+</mo><mi>b</mi></mrow><mi>c</mi></mfrac>"),
        ("\\sqrt{x}", "<msqrt><mi>x</mi></msqrt>"),
        ("\\tilde{c} \\hat y \\bar{x} \\vec{v}",
         "<mrow><mover accent=\"true\"><mi>c</mi><mo stretchy=\"false\">˜</mo></mover><mover accent=\"true\"><mi>y</mi><mo stretchy=\"false\">ˆ</mo></mover><mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">¯</mo></mover><mover accent=\"true\"><mi>v</mi><mo stretchy=\"false\">→</mo></mover></mrow>"),
        ("\\overset{a}{=}", "<mover><mo>=</mo><mi>a</mi></mover>"),
        ("\\underset{k}{\\arg}", "<munder><mi>arg</mi><mi>k</mi></munder>"),
        // Fences: plain ones keep their size, \left…\right ones grow.
        ("\\left( \\frac{a}{b} \\right)", "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">)</mo></mrow>"),
        ("\\left[x\\right]", "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">[</mo><mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">]</mo></mrow>"),
        ("\\left\\{x\\right\\}", "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">{</mo><mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">}</mo></mrow>"),
        ("\\left|x\\right|", "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">|</mo><mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">|</mo></mrow>"),
        ("\\left\\|x\\right\\|", "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">‖</mo><mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">‖</mo></mrow>"),
        ("\\left. x \\right|", "<mrow><mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">|</mo></mrow>"),
        ("\\left(-x\\right)", "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(</mo><mo form=\"prefix\">−</mo><mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">)</mo></mrow>"),
        ("\\lVert x \\rVert \\|y\\| |z| \\{a\\} [b]",
         "<mrow><mo stretchy=\"false\">‖</mo><mi>x</mi><mo stretchy=\"false\">‖</mo><mo stretchy=\"false\">‖</mo><mi>y</mi><mo stretchy=\"false\">‖</mo><mo stretchy=\"false\">|</mo><mi>z</mi><mo stretchy=\"false\">|</mo><mo stretchy=\"false\">{</mo><mi>a</mi><mo stretchy=\"false\">}</mo><mo stretchy=\"false\">[</mo><mi>b</mi><mo stretchy=\"false\">]</mo></mrow>"),
        // Fonts, text, boxes, spaces.
        ("\\mathbf{W} \\mathbf{x}_t", "<mrow><mi>𝐖</mi><msub><mi>𝐱</mi><mi>t</mi></msub></mrow>"),
        ("\\mathrm{d}x \\mathrm{softmax}", "<mrow><mi mathvariant=\"normal\">d</mi><mi>x</mi><mi>softmax</mi></mrow>"),
        ("\\mathbb{R}^{n}", "<msup><mi>ℝ</mi><mi>n</mi></msup>"),
        ("\\text{if } x", "<mrow><mtext>if\u{A0}</mtext><mi>x</mi></mrow>"),
        ("\\text{a {b} \\$5}", "<mtext>a b $5</mtext>"),
        ("\\boxed{h_t}", "<mrow class=\"boxed\"><msub><mi>h</mi><mi>t</mi></msub></mrow>"),
        ("a\\,b\\:c\\;d\\quad e\\qquad f\\ g~h",
         "<mrow><mi>a</mi><mspace width=\"0.1667em\"/><mi>b</mi><mspace width=\"0.2222em\"/><mi>c</mi><mspace width=\"0.2778em\"/><mi>d</mi><mspace width=\"1em\"/><mi>e</mi><mspace width=\"2em\"/><mi>f</mi><mspace width=\"0.3333em\"/><mi>g</mi><mspace width=\"0.3333em\"/><mi>h</mi></mrow>"),
        ("\\$ \\% \\& \\_ \\#", "<mrow><mi>$</mi><mi>%</mi><mi>&amp;</mi><mi>_</mi><mi>#</mi></mrow>"),
        // Environments.
        ("\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
         "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(</mo><mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">)</mo></mrow>"),
        ("\\begin{bmatrix} 1 \\\\ 2 \\\\ \\end{bmatrix}",
         "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">[</mo><mtable><mtr><mtd><mn>1</mn></mtd></mtr><mtr><mtd><mn>2</mn></mtd></mtr></mtable><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">]</mo></mrow>"),
        ("\\begin{aligned} x &= 1 \\\\ y &= 2 \\end{aligned}",
         "<mtable displaystyle=\"true\"><mtr><mtd style=\"text-align: right; padding-right: 0\"><mi>x</mi></mtd><mtd style=\"text-align: left; padding-left: 0\"><mo>=</mo><mn>1</mn></mtd></mtr><mtr><mtd style=\"text-align: right; padding-right: 0\"><mi>y</mi></mtd><mtd style=\"text-align: left; padding-left: 0\"><mo>=</mo><mn>2</mn></mtd></mtr></mtable>"),
        ("\\begin{cases} 1 & x > 0 \\end{cases}",
         "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">{</mo><mtable><mtr><mtd style=\"text-align: left\"><mn>1</mn></mtd><mtd style=\"text-align: left\"><mi>x</mi><mo>&gt;</mo><mn>0</mn></mtd></mtr></mtable></mrow>"),
    ])
    func inline(tex: String, expected: String) throws {
        #expect(try body(tex) == expected)
    }

    @Test func sumsAndProductsTakeLimitsBelowAndAboveInDisplayStyleOnly() throws {
        #expect(try body("\\sum_{t=1}^{T} x_t", display: true)
            == "<mrow><munderover><mo>∑</mo><mrow><mi>t</mi><mo lspace=\"0\" rspace=\"0\">=</mo><mn>1</mn></mrow><mi>T</mi></munderover><msub><mi>x</mi><mi>t</mi></msub></mrow>")
        #expect(try body("\\sum_{t=1}^{T} x_t")
            == "<mrow><msubsup><mo>∑</mo><mrow><mi>t</mi><mo lspace=\"0\" rspace=\"0\">=</mo><mn>1</mn></mrow><mi>T</mi></msubsup><msub><mi>x</mi><mi>t</mi></msub></mrow>")
        #expect(try body("\\prod_k a_k", display: true) == "<mrow><munder><mo>∏</mo><mi>k</mi></munder><msub><mi>a</mi><mi>k</mi></msub></mrow>")
        #expect(try body("\\max_i", display: true) == "<munder><mi>max</mi><mi>i</mi></munder>")
        #expect(try body("\\int_0^1", display: true) == "<msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>", "∫ keeps its limits at the side")
        // Inside a display fraction, text style: limits at the side again.
        #expect(try body("\\frac{\\sum_i x}{2}", display: true).hasPrefix("<mfrac><mrow><msub><mo>∑</mo>"))
    }

    @Test func theWholeElementCarriesTheTeXAsAnEscapedAnnotation() throws {
        #expect(try MathML.render(tex: "h_t", display: false)
            == "<math><semantics><msub><mi>h</mi><mi>t</mi></msub><annotation encoding=\"application/x-tex\">h_t</annotation></semantics></math>")
        #expect(try MathML.render(tex: "a < b", display: true)
            == "<math display=\"block\"><semantics><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow><annotation encoding=\"application/x-tex\">a &lt; b</annotation></semantics></math>")
        let hostile = try MathML.render(tex: "\\text{<script>alert(1)</script> \\&} \\& <", display: false)
        #expect(!hostile.contains("<script") && !hostile.contains("& ") && hostile.contains("<mtext>&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(hostile.contains("<annotation encoding=\"application/x-tex\">\\text{&lt;script&gt;alert(1)&lt;/script&gt; \\&amp;} \\&amp; &lt;</annotation>"))
    }
}

@Suite("TeX to MathML: errors, at the offending character")
struct MathErrorTests {
    @Test(arguments: [
        ("x + \\foo y", "4: unsupported TeX \\foo"),
        ("\\frac{a}{b", "8: unbalanced braces: this { is never closed"),
        ("a}", "1: unbalanced braces: } without a {"),
        ("\\left( x", "0: \\left without a matching \\right"),
        ("x \\right)", "2: \\right without a matching \\left"),
        ("a & b", "2: & outside an environment (use aligned, pmatrix or bmatrix)"),
        ("a \\\\ b", "2: \\\\ outside an environment (use aligned, pmatrix or bmatrix)"),
        ("\\begin{array} a \\end{array}", "0: unsupported environment array (use pmatrix, bmatrix, matrix, vmatrix, cases or aligned)"),
        ("\\begin{pmatrix} a \\end{bmatrix}", "18: \\begin{pmatrix} ended by \\end{bmatrix}"),
        ("\\begin{pmatrix} a & b", "0: \\begin{pmatrix} without \\end{pmatrix}"),
        ("x \\end{pmatrix}", "2: \\end without a matching \\begin"),
        ("x_a_b", "3: double subscript: put both in one _{…}"),
        ("x^a^b", "3: double superscript: put both in one ^{…}"),
        ("x^a'", "3: double superscript: put both in one ^{…}"),
        ("\\frac{a}", "0: missing argument for \\frac"),
        ("x^", "1: missing argument for ^"),
        ("\\left< x \\right>", "5: unsupported delimiter after \\left (use ( ) [ ] \\{ \\} | \\| or .)"),
        ("\\left\\lfloor x", "5: unsupported delimiter \\lfloor after \\left"),
        ("50%", "2: unsupported TeX %: a comment in TeX (write \\% for a percent sign)"),
        ("\\text{a \\alpha}", "8: unsupported TeX \\alpha in \\text{…}"),
        ("\\sqrt[3]{x}", "5: unsupported TeX \\sqrt[…]: only square roots"),
        ("σ \\mathcal{L}", "2: unsupported TeX \\mathcal"),
        ("x\\", "1: a lone \\ at the end of the formula"),
    ])
    func error(tex: String, expected: String) {
        #expect(failure(tex) == expected)
    }
}

@Suite("Math in Markdown")
struct MarkdownMathTests {
    func html(_ markdown: String) -> String { Markdown.html(from: markdown).html }
    let ht = "<math><semantics><msub><mi>h</mi><mi>t</mi></msub><annotation encoding=\"application/x-tex\">h_t</annotation></semantics></math>"

    @Test func koreanProseAroundInlineMath() {
        #expect(html("은닉 상태 $h_t$는 이전 상태에 의존한다.") == "<p>은닉 상태 \(ht)는 이전 상태에 의존한다.</p>\n")
    }

    @Test func displayMathIsABlockAndMarkdownDoesNotTouchIt() {
        let out = html("Before\n\n$$a_1 * b_1 * c \\, \\{x\\}$$\n\nAfter")
        #expect(out.hasPrefix("<p>Before</p>\n<p><math display=\"block\"><semantics>"))
        #expect(out.contains("<annotation encoding=\"application/x-tex\">a_1 * b_1 * c \\, \\{x\\}</annotation>"))
        #expect(!out.contains("<em>"))
        // An aligned block over several lines, its \\ intact.
        let aligned = html("$$\n\\begin{aligned}\nx &= 1 \\\\\ny &= 2\n\\end{aligned}\n$$")
        #expect(aligned.contains("<mtr><mtd style=\"text-align: right; padding-right: 0\"><mi>y</mi></mtd>"))
    }

    @Test(arguments: [
        ("Costs $5 and $10.", "<p>Costs $5 and $10.</p>\n"),
        ("A lone $ sign, and $ x$ and $x $.", "<p>A lone $ sign, and $ x$ and $x $.</p>\n"),
        ("From $x$5 on", "<p>From $x$5 on</p>\n"),
        ("Escaped \\$x\\$ and \\$y$.", "<p>Escaped $x$ and $y$.</p>\n"),
        ("Code `$h_t$` and ``a $b` c$``", "<p>Code <code>$h_t$</code> and <code>a $b` c$</code></p>\n"),
        ("`$a` then $b$", "<p><code>$a</code> then <math><semantics><mi>b</mi><annotation encoding=\"application/x-tex\">b</annotation></semantics></math></p>\n"),
        ("$a `code` b$", "<p>$a <code>code</code> b$</p>\n"),
        ("```\n$h_t$ and $$x$$\n```", "<pre><code>$h_t$ and $$x$$\n</code></pre>\n"),
        ("    $h_t$ indented code", "<pre><code>$h_t$ indented code\n</code></pre>\n"),
        ("- item\n\n      $h_t$ code in a list", "<ul>\n<li>\n<p>item</p>\n<pre><code>$h_t$ code in a list\n</code></pre>\n</li>\n</ul>\n"),
        ("An open $x\n\nnever closed$ here", "<p>An open $x</p>\n<p>never closed$ here</p>\n"),
        ("<span title=\"$x$\">", "<p>&lt;span title=&quot;$x$&quot;&gt;</p>\n"),
        ("<div>\n$x$\n</div>", "<p>&lt;div&gt;\n$x$\n&lt;/div&gt;</p>\n"),
    ])
    func dollarsThatStayDollars(markdown: String, expected: String) {
        #expect(html(markdown) == expected)
    }

    @Test func formulasInURLsAltTextAndTitlesStayAsWritten() {
        #expect(html("[link](/a$b$c \"t $x$\")") == "<p><a href=\"/a$b$c\" title=\"t $x$\">link</a></p>\n")
        #expect(html("![a $x$ b](p.png)") == "<p><img src=\"p.png\" alt=\"a $x$ b\" /></p>\n")
        #expect(html("[$h_t$](#x)") == "<p><a href=\"#x\">\(ht)</a></p>\n")
    }

    @Test func mathInTablesHeadingsListsAndEmphasis() {
        let table = html("| gate | formula |\n|---|---|\n| forget | $f_t$ |\n| price | $5 |")
        #expect(table.contains("<td><math><semantics><msub><mi>f</mi><mi>t</mi></msub>"))
        #expect(table.contains("<td>$5</td>"))
        let heading = Markdown.html(from: "## The $h_t$ path\n\n## Two")
        #expect(heading.html.hasPrefix("<h2 id=\"the-h_t-path\">The \(ht) path</h2>"))
        #expect(heading.headings.first?.text == "The h_t path")
        #expect(html("- $h_t$\n- *see $x_1$*") == "<ul>\n<li>\(ht)</li>\n<li><em>see <math><semantics><msub><mi>x</mi><mn>1</mn></msub><annotation encoding=\"application/x-tex\">x_1</annotation></semantics></math></em></li>\n</ul>\n")
        #expect(html("> quoted $h_t$") == "<blockquote>\n<p>quoted \(ht)</p>\n</blockquote>\n")
    }

    /// cmark-gfm's source positions go wrong when a table interrupts a paragraph; its rows are
    /// still found, and the paragraph's math too.
    @Test func aTableRightAfterAParagraph() {
        let out = html("Intro $a$\n| $b$ | c |\n|---|---|\n| $d$ | $5 |")
        for v in ["a", "b", "d"] { #expect(out.contains("<mi>\(v)</mi><annotation encoding=\"application/x-tex\">\(v)</annotation>")) }
        #expect(out.contains("<td>$5</td>"))
    }

    @Test func aFormulaOverLinesOfABlockQuoteLosesTheQuoteMarkers() {
        let rendered = Markdown.html(from: "> $$x\n> = y \\foo$$")
        #expect(rendered.html.contains("<math display=\"block\">") == false)
        #expect(rendered.problems.map(\.description) == ["2:7: unsupported TeX \\foo"])
        #expect(html("> $$x\n> = y$$").contains("<mrow><mi>x</mi><mo>=</mo><mi>y</mi></mrow><annotation encoding=\"application/x-tex\">x\n  = y</annotation>"))
    }

    @Test func footnotesAndSetextHeadings() {
        let out = Markdown.html(from: "Claim.[^n]\n\n[^n]: See $h_t$.\n\nThe $x$ way\n===")
        #expect(out.html.contains("<p>See \(ht). <a href=\"#fnref-n\""))
        #expect(out.headings.map(\.text) == ["The x way"])
    }

    @Test func problemsGiveLineAndColumnInCharacters() {
        let rendered = Markdown.html(from: "# Title\n\n은닉 상태 $h_t + \\foo$는\n\n$$\na = {b\n$$\n\nfine $x$ and $a & b$.")
        #expect(rendered.problems == [
            MarkdownProblem(line: 3, column: 14, message: "unsupported TeX \\foo"),
            MarkdownProblem(line: 6, column: 5, message: "unbalanced braces: this { is never closed"),
            MarkdownProblem(line: 9, column: 17, message: "& outside an environment (use aligned, pmatrix or bmatrix)"),
        ])
        #expect(rendered.problems.map(\.description).first == "3:14: unsupported TeX \\foo")
        #expect(rendered.html.contains("<p>은닉 상태 <code class=\"math-error\" title=\"unsupported TeX \\foo\">$h_t + \\foo$</code>는</p>"))
        #expect(rendered.html.contains("<code class=\"math-error\" title=\"unbalanced braces: this { is never closed\">$$\na = {b\n$$</code>"))
        #expect(Markdown.html(from: "$\\left( x$ in a list:\n\n- $\\left( x$").problems.map(\.description)
            == ["1:2: \\left without a matching \\right", "3:4: \\left without a matching \\right"])
        #expect(Markdown.html(from: "a\r\nb $\\foo$").problems.map(\.description) == ["2:4: unsupported TeX \\foo"])
        #expect(Markdown.html(from: "fine $h_t$").problems.isEmpty)
    }

    @Test func noPlaceholderEverReachesThePage() {
        let markdown = "$a$ `$b$` [$c$](/$d$) ![$e$](f.png) <x a=\"$g$\"> $h_t$\n\n```\n$i$\n```\n\n| $j$ |\n|---|\n| $k$ |\n\n## $l$"
        let out = html(markdown)
        #expect(!out.contains("\u{E000}") && !out.contains("\u{E001}"))
        #expect(out.components(separatedBy: "<math>").count - 1 == 6)  // a, c, h_t, j, k, l
    }

    @Test func theSameBytesFromManyThreads() async {
        let markdown = "## $h_t$\n\n$$\\frac{\\partial h_T}{\\partial h_t}$$ and $x$"
        let expected = html(markdown)
        let outputs = await withTaskGroup(of: String.self) { group in
            for _ in 0..<32 { group.addTask { Markdown.html(from: markdown).html } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outputs.allSatisfy { $0 == expected })
    }
}

/// The course's equations: every TeX formula of the lecture notes (`shared/course-notes/*.txt`,
/// inline or display as the notes write them; those the notes spell `$ h…$`, which the `$` rules
/// keep as dollars, with the space taken out), and rnnlab's own as the lessons write them (the
/// cells' doc comments in `RNNCore`).
enum CourseEquations {
    static let all: [(name: String, tex: String, display: Bool)] = [
        ("notes01-recurrence", "h_t = f_W(h_{t-1}, x_t)", true),
        ("notes01-rnn-hidden", "h_t = \\tanh(W_{hh}h_{t-1} + W_{xh}x_t)", true),
        ("notes01-rnn-output", "y_t = W_{hy} h_t", true),
        ("notes01-lstm-forget", "f_t = \\sigma (W_f \\cdot [h_{t-1}, x_t] + b_f)", true),
        ("notes01-lstm-input", "i_t = \\sigma(W_i \\cdot [h_{t-1}, x_t] + b_i)", true),
        ("notes01-lstm-candidate", "\\tilde{C}_t = \\tanh(W_C \\cdot [h_{t-1}, x_t] + b_C)", true),
        ("notes01-lstm-cell", "C_t = f_t * C_{t-1} + i_t * \\tilde{C}_t", true),
        ("notes01-lstm-output", "o_t = \\sigma (W_o [h_{t-1}, x_t] + b_o)", true),
        ("notes01-lstm-hidden", "h_t = o_t * \\tanh (C_t)", true),
        ("notes01-gru-update", "z_t = \\sigma (W_z \\cdot [h_{t-1}, x_t])", true),
        ("notes01-gru-reset", "r_t = \\sigma (W_r \\cdot [h_{t-1}, x_t])", true),
        ("notes01-gru-candidate", "\\tilde{h}_t = \\tanh (W \\cdot [r_t * h_{t-1}, x_t])", true),
        ("notes01-gru-hidden", "h_t = (1 - z_t) * h_{t-1} + z_t * \\tilde{h}_t", true),
        ("notes02-boxed", "\\boxed{h_t} = \\boxed{f_w} (\\boxed{h_{t-1}}, \\boxed{x_t})", true),
        ("notes02-boxed-left-right", "\\boxed{h_t} = \\boxed{f_w} \\left(\\boxed{h_{t-1}}, \\boxed{x_t} \\right)", true),
        ("notes02-sequence", "X_1, X_2, X_3, \\dots, X_t", false),
        ("notes04-first-step", "x^{<1>}", false),
        ("notes04-prediction", "\\hat{y}^{<1>}", false),
        ("notes04-teacher-forcing", "x_i = y_{i-1}", false),
        ("notes04-sampling", "a_0, x_0", false),
        ("notes04-gru-candidate", "\\tilde{c}^{<t>}=\\tanh \\left(W_c\\left[c^{<t-1>}, x^{<t>}\\right]+b_c\\right)", false),
        ("notes04-gate-added", "\\overset{게이트 1개 추가}{\\rightarrow}", false),
        ("notes04-gru-full-candidate", "\\tilde{c}^{<t>}=\\tanh \\left(W_c\\left[\\Gamma_r *c^{<t-1>}, x^{<t>}\\right]+b_c\\right)", false),
        ("notes04-gru-update", "\\Gamma_u=\\sigma\\left(W_u\\left[c^{<t-1>}, x^{<t>}\\right]+b_u\\right)", false),
        ("notes04-gru-relevance", "\\Gamma_r=\\sigma\\left(W_r\\left[c^{<t-1>}, x^{<t>}\\right]+b_r\\right)", false),
        ("notes04-gru-cell", "c^{<t>}=\\Gamma_u * \\tilde{c}^{<t>}+\\left(1-\\Gamma_u\\right) * c^{<t-1>}", false),
        ("notes04-gru-activation", "a^{<t>} = c^{<t>}", false),
        ("notes04-lstm-activation", "a^{<t>} \\neq c^{<t>}", false),
        ("notes04-lstm-forget-gate", "1-\\Gamma_u", false),
        ("notes04-lstm-aligned",
         "\\begin{aligned} & \\tilde{c}^{<t>}=\\tanh \\left(W_c\\left[a^{<t-1>}, x^{<t>}\\right]+b_c\\right) \\\\ & \\Gamma_u=\\sigma\\left(W_u\\left[a^{<t-1>}, x^{<t>}\\right]+b_u\\right) \\\\ & \\Gamma_f=\\sigma\\left(W_f\\left[a^{<t-1>}, x^{<t>}\\right]+b_f\\right) \\\\ & \\Gamma_o=\\sigma\\left(W_o\\left[a^{<t-1>}, x^{<t>}\\right]+b_o\\right) \\\\ & c^{<t>}=\\Gamma_u * \\tilde{c}^{<t>}+\\Gamma_f * c^{<t-1>} \\\\ & a^{<t>}=\\Gamma_o * \\tanh c^{<t>}\\end{aligned}",
         false),
        ("notes04-update-path", "c^{<3>} = c^{<0>}", false),
        ("notes04-gates", "\\Gamma_u, \\Gamma_f, \\Gamma_o", false),
        ("notes04-deep-index", "a^{[layer]<time>}", false),
        ("notes05-sequence", "x_1, x_2, \\cdots, x_n", false),
        ("notes05-time-index", "\\cdots, t-2, t-1, t", false),
        ("notes05-rnn", "h^{(t)} = f(h^{(t-1)},x^{(t)})", false),
        ("notes05-feedforward", "h^{(t)} = g(x^{(t)}, x^{(t-1)}, x^{(t-2)}, \\cdots, x^{(2)}, x^{(1)})", false),
        ("rnn-hidden", "h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t + b_h)", true),
        ("rnn-output", "y_t = W_{hy} h_t + b_y", true),
        ("lstm-forget", "f_t = \\sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f)", true),
        ("lstm-input", "i_t = \\sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i)", true),
        ("lstm-candidate", "\\tilde{c}_t = \\tanh(W_{xc} x_t + W_{hc} h_{t-1} + b_c)", true),
        ("lstm-cell", "c_t = f_t \\odot c_{t-1} + i_t \\odot \\tilde{c}_t", true),
        ("lstm-output", "o_t = \\sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o)", true),
        ("lstm-hidden", "h_t = o_t \\odot \\tanh(c_t)", true),
        ("lstm-peephole-forget", "f_t = \\sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f + p_f \\odot c_{t-1})", true),
        ("gru-update", "z_t = \\sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z)", true),
        ("gru-reset", "r_t = \\sigma(W_{xr} x_t + W_{hr} h_{t-1} + b_r)", true),
        ("gru-candidate", "\\tilde{h}_t = \\tanh(W_{xh} x_t + W_{hh} (r_t \\odot h_{t-1}) + b_h)", true),
        ("gru-hidden", "h_t = (1 - z_t) \\odot h_{t-1} + z_t \\odot \\tilde{h}_t", true),
        ("gru-reset-after-update", "z_t = \\sigma(W_{xz} x_t + b_z + W_{hz} h_{t-1} + b_{hz})", true),
        ("gru-reset-after-reset", "r_t = \\sigma(W_{xr} x_t + b_r + W_{hr} h_{t-1} + b_{hr})", true),
        ("gru-reset-after-candidate", "\\tilde{h}_t = \\tanh(W_{xh} x_t + b_h + r_t \\odot (W_{hh} h_{t-1} + b_{hh}))", true),
        ("gru-reset-after-hidden", "h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde{h}_t", true),
        ("bptt-jacobian", "\\frac{\\partial h_T}{\\partial h_t} = \\prod_{k=t+1}^{T} \\operatorname{diag}(\\phi'(a_k)) W_{hh}", true),
        ("gradient-norm", "\\lVert \\nabla \\rVert", false),
        ("loss", "L = \\sum_{t=1}^{T} L_t", true),
        ("clipping", "g \\leftarrow \\frac{\\tau}{\\lVert g \\rVert} g \\quad \\text{if } \\lVert g \\rVert > \\tau", true),
        ("recurrent-matrix", "W_{hh} = \\begin{pmatrix} 0.5 & -0.1 \\\\ 0.2 & 0.9 \\end{pmatrix}", true),
        ("rnn-aligned",
         "\\begin{aligned} a_t &= W_{hh} h_{t-1} + W_{xh} x_t + b_h \\\\ h_t &= \\tanh(a_t) \\\\ \\hat{y}_t &= \\operatorname{softmax}(W_{hy} h_t + b_y) \\end{aligned}",
         true),
        ("unicode-typed", "‖∂L/∂h_t‖ = σ′(a_t) ⊙ (1 − z_t)", false),
    ]
}

/// Each element on a line of its own, indented by depth; token elements whole on one line.
private func pretty(_ mathml: String) -> String {
    var out = "", depth = 0, rest = Substring(mathml)
    let tokens: Set<Substring> = ["mi", "mn", "mo", "mtext", "annotation"]
    while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
        let tag = rest[open...close]
        let name = tag.dropFirst().prefix { $0 != " " && $0 != ">" && $0 != "/" }
        let indent = String(repeating: "  ", count: max(depth - (tag.hasPrefix("</") ? 1 : 0), 0))
        if tag.hasPrefix("</") {
            depth -= 1
            out += indent + tag + "\n"
            rest = rest[rest.index(after: close)...]
        } else if tokens.contains(name), let end = rest[close...].range(of: "</\(name)>") {
            out += indent + rest[open..<end.upperBound] + "\n"
            rest = rest[end.upperBound...]
        } else {
            out += indent + tag + "\n"
            if !tag.hasSuffix("/>") { depth += 1 }
            rest = rest[rest.index(after: close)...]
        }
    }
    return out
}

@Suite("TeX to MathML: the course's equations")
struct CourseEquationTests {
    /// Golden MathML, indented for review: regenerate with
    /// RNNLAB_UPDATE_GOLDEN=1 swift test --filter CourseEquationTests, then read every changed file.
    @Test(arguments: CourseEquations.all.map(\.name))
    func golden(name: String) throws {
        let equation = try #require(CourseEquations.all.first { $0.name == name })
        let text = pretty(try MathML.render(tex: equation.tex, display: equation.display))
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/math/\(name).mathml")
        if ProcessInfo.processInfo.environment["RNNLAB_UPDATE_GOLDEN"] == "1" {
            try text.write(to: source, atomically: true, encoding: .utf8)
        }
        let url = try #require(Bundle.module.url(forResource: "Golden/math/\(name)", withExtension: "mathml"), "missing golden file \(name).mathml")
        #expect(text == (try String(contentsOf: url, encoding: .utf8)))
    }

    /// The course's equations in lesson prose, inline and on lines of their own.
    static var page: String {
        CourseEquations.all.map { e in e.display ? "The step:\n\n$$\(e.tex)$$\n" : "Here $\(e.tex)$ holds." }.joined(separator: "\n\n")
    }

    @Test func allConvertAndTogetherAddUnder60KBToAPage() {
        #expect(CourseEquations.all.count >= 50)
        let markdown = Self.page
        let rendered = Markdown.html(from: markdown)
        #expect(rendered.problems.isEmpty, "\(rendered.problems)")
        #expect(rendered.html.components(separatedBy: "<math").count - 1 == CourseEquations.all.count)
        let added = rendered.html.utf8.count - markdown.utf8.count
        #expect(added < 60_000, "the equations add \(added) bytes")
    }

    static let pandoc: String? = ["/usr/bin/pandoc", "/usr/local/bin/pandoc"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// pandoc (texmath) as an independent reference: the same symbols in the same order, and the
    /// same scripts, fractions, limits, accents and tables. Spelling may differ (pandoc writes
    /// `<mo>tanh</mo>`, combining accents, `∥`), so tags and a few characters are normalized.
    @Test(.enabled(if: pandoc != nil, "pandoc is not installed"), arguments: CourseEquations.all.map(\.name))
    func agreesWithPandoc(name: String) throws {
        let equation = try #require(CourseEquations.all.first { $0.name == name })
        let ours = try MathML.render(tex: equation.tex, display: equation.display)
        let theirs = try Self.runPandoc(equation.display ? "$$\(equation.tex)$$" : "$\(equation.tex)$")
        #expect(Self.symbols(ours) == Self.symbols(theirs))
        #expect(Self.layout(ours) == Self.layout(theirs))
    }

    static func runPandoc(_ markdown: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(pandoc))
        process.arguments = ["-f", "markdown", "-t", "html", "--mathml"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The text of the token elements in order, spaces and invisible operators dropped.
    static func symbols(_ mathml: String) -> String {
        // Scalar by scalar: pandoc's combining accents would join the `>` before them into one character.
        let withoutAnnotation = mathml.replacing(/<annotation.*?<\/annotation>/.matchingSemantics(.unicodeScalar), with: "")
        var out = ""
        let token = /<(mi|mn|mo|mtext)(?:\s[^>]*)?>(.*?)<\/(?:mi|mn|mo|mtext)>/.matchingSemantics(.unicodeScalar)
        for match in withoutAnnotation.matches(of: token) {
            out += String(match.output.2)
        }
        let spellings: [String: String] = [
            "&#x2061;": "", "\u{2061}": "", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&#39;": "'", "\u{A0}": "", " ": "",
            "˜": "~", "\u{0303}": "~", "ˆ": "^", "\u{0302}": "^", "¯": "-", "‾": "-", "→": ">", "\u{20D7}": ">",
            "∥": "‖", "ϕ": "φ", "′": "'", "∗": "*",
        ]
        for (spelling, normal) in spellings { out = out.replacingOccurrences(of: spelling, with: normal) }
        return out
    }

    /// How many of each layout element.
    static func layout(_ mathml: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for match in mathml.matches(of: /<(msub|msup|msubsup|mfrac|msqrt|munder|mover|munderover|mtable|mtr|mtd)[\s>]/) {
            counts[String(match.output.1), default: 0] += 1
        }
        return counts
    }
}
