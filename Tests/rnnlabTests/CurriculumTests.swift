import Foundation
import Testing

/// A folder of lessons is a curriculum: each page links to the lessons before and after it in
/// its language and to its other-language version, and `output/index.html` groups the lessons
/// by topic with both languages side by side.
@Suite("Curriculum navigation and index")
struct CurriculumTests {
    static func lesson(_ title: String, language: String, topic: String?) -> String {
        """
        ---
        title: \(title)
        language: \(language)
        seed: 1
        summary: About \(title).
        \(topic.map { "topic: \"\($0)\"" } ?? "")
        ---
        Prose.

        ```rnnlab
        model: {cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
        ```
        """
    }

    @Test func pagesLinkPreviousNextAndTheOtherLanguageAndTheIndexGroupsByTopic() throws {
        let dir = try CLI.scratch()
        let lessons = dir.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        let files: [String: String] = [
            "01-a.md": Self.lesson("Alpha", language: "en", topic: "Basics"),
            "01-a.ko.md": Self.lesson("알파", language: "ko", topic: "기초"),
            "02-b.md": Self.lesson("Beta <b>&", language: "en", topic: "Basics"),
            "03-c.md": Self.lesson("Gamma", language: "en", topic: "Gradients"),
            "03-c.ko.md": Self.lesson("감마", language: "ko", topic: "기울기"),
            "README.md": "# not a lesson\n",
        ]
        for (name, text) in files { try Data(text.utf8).write(to: lessons.appendingPathComponent(name)) }
        let r = try CLI.run(["run", "lessons", "-o", "out", "-q"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        func page(_ name: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent("out/\(name)/index.html"), encoding: .utf8)
        }
        // English: 01 → 02 → 03; 02 has no Korean version.
        let a = try page("01-a"), b = try page("02-b"), c = try page("03-c")
        #expect(!a.contains("rel=\"prev\"") && a.contains("rel=\"next\" href=\"../02-b/index.html\""))
        #expect(a.contains("href=\"../01-a.ko/index.html\">한국어로 보기"))
        #expect(b.contains("rel=\"prev\" href=\"../01-a/index.html\"") && b.contains("rel=\"next\" href=\"../03-c/index.html\""))
        #expect(!b.contains("class=\"other-language\""))
        #expect(c.contains("rel=\"prev\" href=\"../02-b/index.html\"") && !c.contains("rel=\"next\""))
        // The next lesson's title reaches the page escaped.
        #expect(a.contains("Beta &lt;b&gt;&amp;") && !a.contains("Beta <b>"))
        // Korean: 01.ko → 03.ko (the Korean lessons only), back to English.
        let aKo = try page("01-a.ko"), cKo = try page("03-c.ko")
        #expect(aKo.contains("rel=\"next\" href=\"../03-c.ko/index.html\"") && aKo.contains("다음 레슨"))
        #expect(cKo.contains("rel=\"prev\" href=\"../01-a.ko/index.html\"") && cKo.contains("href=\"../03-c/index.html\">Read in English"))
        // report.md links the same way.
        let md = try String(contentsOf: dir.appendingPathComponent("out/02-b/report.md"), encoding: .utf8)
        #expect(md.contains("[Alpha](../01-a/report.md)") && md.contains("[Gamma](../03-c/report.md)"))
        // The index: topics in lesson order, each with both names, a lesson's versions on one row.
        let index = try String(contentsOf: dir.appendingPathComponent("out/index.html"), encoding: .utf8)
        let basics = try #require(index.range(of: "Basics</span><span class=\"sep\"> · </span><span class=\"l-ko\" lang=\"ko\">기초"))
        let gradients = try #require(index.range(of: "Gradients</span><span class=\"sep\"> · </span><span class=\"l-ko\" lang=\"ko\">기울기"))
        #expect(basics.lowerBound < gradients.lowerBound)
        #expect(index.contains("<a href=\"01-a/index.html\">Alpha</a>") && index.contains("<a href=\"01-a.ko/index.html\">알파</a>"))
        let rowA = try #require(index.range(of: #"<tr><td class="l-en" lang="en"><a href="01-a/index.html">"#))
        let rowB = try #require(index.range(of: #"<tr><td class="l-en" lang="en"><a href="02-b/index.html">"#))
        #expect(index[rowA.lowerBound..<rowB.lowerBound].contains("01-a.ko/index.html"))
        #expect(index.contains("data-lang=\"ko\""))
        // Same bytes on a rerun.
        let again = try CLI.run(["run", "lessons", "-o", "out2", "-q"], in: dir)
        #expect(again.status == 0)
        #expect(try page("01-a") == String(contentsOf: dir.appendingPathComponent("out2/01-a/index.html"), encoding: .utf8))
    }

    @Test func aTopicMustBeText() throws {
        let dir = try CLI.scratch()
        try Data(Self.lesson("Bad", language: "en", topic: nil).replacingOccurrences(of: "seed: 1", with: "seed: 1\ntopic: [a, b]").utf8)
            .write(to: dir.appendingPathComponent("bad.md"))
        let r = try CLI.run(["run", "bad.md", "-o", "out"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("bad.md:5") && r.stderr.contains("topic"))
    }
}
