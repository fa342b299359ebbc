import Foundation
import Testing

/// The handout's footer as the page's print stylesheet carries it (the PDF itself is checked
/// by Tests/Browser/test_handout.py), and the options `--paper` takes.
@Suite("rnnlab run --handout")
struct HandoutTests {
    func page(title: String, language: String = "en") throws -> String {
        let dir = try CLI.scratch()
        let lesson = """
            ---
            title: \(title)
            language: \(language)
            seed: 12
            ---
            Prose.

            ```rnnlab
            model: {name: m, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            ```
            """
        try Data(lesson.utf8).write(to: dir.appendingPathComponent("l.md"))
        let r = try CLI.run(["run", "l.md", "-o", "out", "-q"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return try String(contentsOf: dir.appendingPathComponent("out/l/index.html"), encoding: .utf8)
    }

    func version() throws -> String {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0)
        return String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func footerHasTitleVersionSeedAndPageNumbers() throws {
        let html = try page(title: "Plain title")
        let v = try version()
        #expect(v.split(separator: ".").count == 3)
        #expect(html.contains("@bottom-left { content: \"Plain title · rnnlab \(v) · seed 12\";"))
        #expect(html.contains("@bottom-right { content: \"page \" counter(page) \" / \" counter(pages);"))
    }

    @Test func koreanFooter() throws {
        let html = try page(title: "기울기", language: "ko")
        #expect(html.contains("content: \"기울기 · rnnlab \(try version()) · 시드 12\";"))
        #expect(html.contains("content: counter(page) \" / \" counter(pages) \" 쪽\";"))
    }

    /// Quotes, backslashes and `</style>` in a title are escaped in the CSS string, so the footer
    /// shows the title as written and the stylesheet cannot be closed early.
    @Test func footerEscapesTheTitle() throws {
        let html = try page(title: #"'a "b" \ </style><script>x</script>'"#)
        #expect(html.contains(#"content: "a \"b\" \\ \3c /style\3e \3c script\3e x\3c /script\3e  · rnnlab "#))
        #expect(html.components(separatedBy: "</style>").count == 2, "one </style>: the page's own")
    }

    @Test func paperNeedsHandoutAndAKnownSize() throws {
        let dir = try CLI.scratch()
        let noHandout = try CLI.run(["run", "l.md", "--paper", "letter"], in: dir)
        #expect(noHandout.status == 64)
        #expect(noHandout.stderr.contains("--paper"))
        let unknown = try CLI.run(["run", "l.md", "--handout", "--paper", "a5"], in: dir)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--paper"))
    }
}
