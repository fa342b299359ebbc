import Foundation
import Testing
@testable import Reports

/// cmark-gfm through `Markdown`: CommonMark and GFM spec examples the lessons rely on, compared
/// with the exact HTML of the specs (https://spec.commonmark.org/0.29/, https://github.github.com/gfm/).
@Suite("Markdown to HTML")
struct MarkdownTests {
    func html(_ markdown: String) -> String { Markdown.html(from: markdown).html }

    @Test(arguments: [
        ("*foo bar*", "<p><em>foo bar</em></p>\n"),                                   // CommonMark 350
        ("**foo bar**", "<p><strong>foo bar</strong></p>\n"),                         // CommonMark 387
        ("foo_bar_", "<p>foo_bar_</p>\n"),                                            // CommonMark 362
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"),
        ("`foo`", "<p><code>foo</code></p>\n"),                                       // CommonMark 328
        ("`` foo ` bar ``", "<p><code>foo ` bar</code></p>\n"),                       // CommonMark 329
        ("```ruby\ndef foo(x)\n  return 3\nend\n```",                                 // CommonMark 112
         "<pre><code class=\"language-ruby\">def foo(x)\n  return 3\nend\n</code></pre>\n"),
        ("    a simple\n      indented code block", "<pre><code>a simple\n  indented code block\n</code></pre>\n"),
        ("[link](/uri \"title\")", "<p><a href=\"/uri\" title=\"title\">link</a></p>\n"), // CommonMark 481
        ("| foo | bar |\n| --- | --- |\n| baz | bim |",                               // GFM 198
         "<table>\n<thead>\n<tr>\n<th>foo</th>\n<th>bar</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>baz</td>\n<td>bim</td>\n</tr>\n</tbody>\n</table>\n"),
        ("~~Hi~~ Hello, world!", "<p><del>Hi</del> Hello, world!</p>\n"),            // GFM 491
        ("www.commonmark.org", "<p><a href=\"http://www.commonmark.org\">www.commonmark.org</a></p>\n"), // GFM 621
        ("Visit https://encrypted.google.com/search?q=Markup+(business)",             // GFM 627
         "<p>Visit <a href=\"https://encrypted.google.com/search?q=Markup+(business)\">https://encrypted.google.com/search?q=Markup+(business)</a></p>\n"),
    ])
    func specExample(markdown: String, expected: String) {
        #expect(html(markdown) == expected)
    }

    @Test func rightAlignedColumnsUseStyleSoThePageCSSCannotOverrideThem() {
        #expect(html("| a | n |\n|---|--:|\n| x | 1 |").contains("<td style=\"text-align: right\">1</td>"))
    }

    @Test func footnotes() {
        let out = html("A claim.[^1]\n\n[^1]: The source.")
        #expect(out.hasPrefix("<p>A claim.<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup></p>\n"))
        #expect(out.contains("<li id=\"fn-1\">\n<p>The source. <a href=\"#fnref-1\""))
    }

    @Test func footnotesOfALaterBlockOnThePageGetOtherIDs() {
        var ids = PageIDs()
        let first = Markdown.html(from: "a[^n]\n\n[^n]: one", ids: &ids).html
        let second = Markdown.html(from: "b[^n]\n\n[^n]: two", ids: &ids).html
        #expect(first.contains("href=\"#fn-n\"") && first.contains("<li id=\"fn-n\">"))
        #expect(second.contains("href=\"#fn-2-n\" id=\"fnref-2-n\"") && second.contains("<li id=\"fn-2-n\">")
            && second.contains("href=\"#fnref-2-n\""))
    }

    /// What InkPrepass used to work around: CommonMark itself gets these right.
    @Test func intrawordUnderscoresIndentedCodeAndCodeSpansAtLineStarts() {
        #expect(html("The same W_xh, W_hh and b_h; ‖dL/dh_12‖ and x_t = y_{t−1}; `keep_this` and _real emphasis_.")
            == "<p>The same W_xh, W_hh and b_h; ‖dL/dh_12‖ and x_t = y_{t−1}; <code>keep_this</code> and <em>real emphasis</em>.</p>\n")
        #expect(html("one line\n`code` continues it.\n\n    h_t = tanh(a_t)\n\n    y_t = W h_t\n\nAfter.")
            == "<p>one line\n<code>code</code> continues it.</p>\n<pre><code>h_t = tanh(a_t)\n\ny_t = W h_t\n</code></pre>\n<p>After.</p>\n")
        #expect(html("- item\n`code` in the item") == "<ul>\n<li>item\n<code>code</code> in the item</li>\n</ul>\n")
    }

    @Test func koreanTextComesOutAsNFCUTF8() {
        let nfc = "기울기 폭발: 학습률"
        let nfd = nfc.decomposedStringWithCanonicalMapping
        #expect(Array(nfd.utf8) != Array(nfc.utf8))
        let expected = Array("<p>\(nfc)</p>\n".utf8)
        #expect(Array(html(nfc).utf8) == expected)
        #expect(Array(html(nfd).utf8) == expected, "decomposed Hangul is composed")
    }

    /// Not a benchmark (a timed unit test on a shared machine would be flaky): a guard against
    /// quadratic behaviour, which would take minutes here; a debug build takes about 0.25 s.
    @Test func aMegabyteOfProseConvertsWithoutQuadraticBlowUp() {
        let paragraph = "The gradient ‖dL/dh_t‖ of **W_hh** shrinks; see `h_t` and [the spec](https://spec.commonmark.org). 기울기 소실.\n\n"
        let markdown = String(repeating: "## Step\n\n" + paragraph + "- a\n- b\n\n", count: 1_000_000 / paragraph.utf8.count + 1)
        #expect(markdown.utf8.count > 1_000_000)
        let clock = ContinuousClock()
        var rendered: Markdown.Rendered? = nil
        let elapsed = clock.measure { rendered = Markdown.html(from: markdown) }
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        #expect(rendered?.headings.last?.id == "step-\((rendered?.headings.count ?? 0) - 1)")
    }

    @Test func sameInputSameBytesAlsoFromManyThreadsAtOnce() async {
        let markdown = "## Tables\n\n| a | b |\n|---|---|\n| W_xh | ~~old~~ |\n\nwww.example.com and *x*[^1]\n\n[^1]: n"
        let expected = html(markdown)
        let outputs = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { Markdown.html(from: markdown).html } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outputs.count == 64 && outputs.allSatisfy { $0 == expected })
    }
}

/// Prose is written by lesson authors but may quote anything: no markup in it may run.
@Suite("Markdown is safe by default")
struct MarkdownSafetyTests {
    /// The markup of `html`: its tags, without the text between them.
    func tags(_ html: String) -> String {
        var out = "", inTag = false
        for c in html {
            if c == "<" { inTag = true }
            if inTag { out.append(c) }
            if c == ">" { inTag = false }
        }
        return out
    }

    @Test(arguments: [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("![x](x\" onerror=\"alert(1))", "<p>![x](x&quot; onerror=&quot;alert(1))</p>\n"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"),
        ("[a](javascript:alert(1))", "<p><a href=\"\">a</a></p>\n"),
        ("<iframe src=\"file:///etc/passwd\">", "<p>&lt;iframe src=&quot;file:///etc/passwd&quot;&gt;</p>\n"),
        ("text <img src=x onerror=alert(1)> more", "<p>text &lt;img src=x onerror=alert(1)&gt; more</p>\n"),
        ("The grid `a^[l]<t>` and a^[l]<t>.", "<p>The grid <code>a^[l]&lt;t&gt;</code> and a^[l]&lt;t&gt;.</p>\n"),
    ])
    func hostileProseIsShownAsTextNeverRun(markdown: String, expected: String) {
        let out = Markdown.html(from: markdown).html
        #expect(out == expected)
        for bad in ["<script", "<iframe", "javascript:"] { #expect(!out.contains(bad)) }
        for bad in ["onerror", "javascript:", "<img", "<script", "<iframe"] { #expect(!tags(out).contains(bad)) }
    }

    @Test func dangerousURLsAreEmptiedButImagesMayBeInline() {
        let out = Markdown.html(from: """
            [v](vbscript:msgbox) [f](file:///etc/passwd) [d](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(1)>
            [J](JaVaScRiPt:alert(1)) ![i](data:image/png;base64,iVBORw0KGgo=) ![alt" onerror="x](y.png)
            """).html
        #expect(!tags(out).lowercased().contains("javascript:") && !tags(out).contains("vbscript:"))
        #expect(!tags(out).contains("file:") && !tags(out).contains("data:text"))
        #expect(out.contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"i\" />"))
        #expect(out.contains("alt=\"alt&quot; onerror=&quot;x\""), "the quote stays inside the attribute")
    }

    @Test func rawHTMLBlocksAndInlineTagsBecomeTextAndCommentsAreDropped() {
        let out = Markdown.html(from: "<div onclick=\"x()\">\n<b>bold?</b>\n</div>\n\nSee <kbd>Ctrl</kbd>.\n\n<!-- a note to self -->\n\n> <script>q</script>\n").html
        #expect(out == """
            <p>&lt;div onclick=&quot;x()&quot;&gt;
            &lt;b&gt;bold?&lt;/b&gt;
            &lt;/div&gt;</p>
            <p>See &lt;kbd&gt;Ctrl&lt;/kbd&gt;.</p>
            <blockquote>
            <p>&lt;script&gt;q&lt;/script&gt;</p>
            </blockquote>

            """)
    }
}

@Suite("Heading ids and the table of contents")
struct HeadingTests {
    @Test func slugsAreGitHubsAndKeepKorean() {
        #expect(PageIDs.slug("Training the stack") == "training-the-stack")
        #expect(PageIDs.slug("Exploding: clipping, at the same learning rate") == "exploding-clipping-at-the-same-learning-rate")
        #expect(PageIDs.slug("The course's model, in Keras and here") == "the-courses-model-in-keras-and-here")
        #expect(PageIDs.slug("`model` — define a network") == "model--define-a-network")
        #expect(PageIDs.slug("기울기 폭발: 같은 학습률에서 클리핑하기") == "기울기-폭발-같은-학습률에서-클리핑하기")
        #expect(PageIDs.slug("W_xh and h_{t-1}") == "w_xh-and-h_t-1")
    }

    @Test func headingsGetUniqueIDsAcrossThePage() {
        var ids = PageIDs(reserved: ["cell-12"])
        let first = Markdown.html(from: "## Training\n\ntext\n\n### 학습 *단계*\n\n## Training", ids: &ids)
        let second = Markdown.html(from: "## Training\n\n## Cell 12\n\n## !!!\n\n## ???", ids: &ids)
        #expect(first.html == "<h2 id=\"training\">Training</h2>\n<p>text</p>\n<h3 id=\"학습-단계\">학습 <em>단계</em></h3>\n<h2 id=\"training-1\">Training</h2>\n")
        #expect(first.headings == [
            MarkdownHeading(level: 2, text: "Training", id: "training"),
            MarkdownHeading(level: 3, text: "학습 단계", id: "학습-단계"),
            MarkdownHeading(level: 2, text: "Training", id: "training-1"),
        ])
        #expect(second.headings.map(\.id) == ["training-2", "cell-12-1", "section", "section-1"])
    }

    @Test func onlyRealHeadingsGetIDs() {
        let out = Markdown.html(from: "<h2>raw</h2>\n\n```html\n<h2>code</h2>\n```\n\n`<h3>`\n\nSetext heading\n---\n\n# `h_t` and <b>")
        #expect(out.html == """
            <p>&lt;h2&gt;raw&lt;/h2&gt;</p>
            <pre><code class="language-html">&lt;h2&gt;code&lt;/h2&gt;
            </code></pre>
            <p><code>&lt;h3&gt;</code></p>
            <h2 id="setext-heading">Setext heading</h2>
            <h1 id="h_t-and-b"><code>h_t</code> and &lt;b&gt;</h1>

            """)
        #expect(out.headings.map(\.text) == ["Setext heading", "h_t and <b>"])
    }

    @Test func aHeadingInAFootnoteKeepsItsIDThoughCmarkPrintsFootnotesLast() {
        let out = Markdown.html(from: "## First[^n]\n\n[^n]: ### In the note\n\n## Last")
        #expect(out.headings.map(\.id) == ["first", "last", "in-the-note"])
        #expect(out.html.contains("<h2 id=\"last\">Last</h2>") && out.html.contains("<h3 id=\"in-the-note\">In the note</h3>"))
    }

    func page(_ language: String, _ prose: [String]) -> String {
        var report = Report(name: "r", title: "T", language: language, summary: "")
        report.blocks = prose.map { .prose($0) }
        var cell = CellBlock(line: 9, source: "show: x")
        cell.outputs = [.note("A *note* with W_xh")]
        report.blocks.insert(.cell(cell), at: 1)
        return HTMLWriter.write(report)
    }

    @Test func lessonPagesListTheirSectionsAtTheTop() {
        let html = page("en", ["Intro.\n\n## Bidirectional\n\n### Reading backwards", "## Deep: layers\n\n#### Not listed"])
        let toc = "<nav class=\"toc\" aria-label=\"Contents\"><p class=\"toc-title\">Contents</p>\n<ol>"
            + "<li><a href=\"#bidirectional\">Bidirectional</a><ol><li><a href=\"#reading-backwards\">Reading backwards</a></li></ol></li>\n"
            + "<li><a href=\"#deep-layers\">Deep: layers</a></li>\n</ol></nav>\n"
        #expect(html.contains("<main>\n" + toc + "<section class=\"prose\">\n<p>Intro.</p>\n<h2 id=\"bidirectional\">"))
        #expect(html.contains("<h3 id=\"reading-backwards\">Reading backwards</h3>"))
        #expect(html.contains("<div class=\"note\"><p>A <em>note</em> with W_xh</p>\n</div>"))
        #expect(html == page("en", ["Intro.\n\n## Bidirectional\n\n### Reading backwards", "## Deep: layers\n\n#### Not listed"]))
    }

    @Test func theContentsAreLabelledInTheLessonsLanguageAndNeedTwoHeadings() {
        let ko = page("ko", ["## 기울기 폭발", "## 기울기 소실"])
        #expect(ko.contains("<nav class=\"toc\" aria-label=\"목차\"><p class=\"toc-title\">목차</p>"))
        #expect(ko.contains("<a href=\"#기울기-폭발\">기울기 폭발</a>"))
        #expect(!page("en", ["## Only one", "text"]).contains("class=\"toc\""))
        #expect(!page("en", ["# Title", "text"]).contains("class=\"toc\""))
    }
}
