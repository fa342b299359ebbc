import Foundation

/// Writes reports into the output folder: each file to a temporary name, then renamed, so a
/// reader never sees a half-written report; nothing is written outside `outputDirectory`.
public struct ReportFiles: Sendable {
    public let outputDirectory: URL

    public init(outputDirectory: URL) {
        self.outputDirectory = outputDirectory.standardizedFileURL
    }

    /// A lesson's folder name: its file name without `.md`, reduced to safe characters.
    public static func folderName(forLesson path: String) -> String {
        var name = URL(fileURLWithPath: path).lastPathComponent
        if name.hasSuffix(".md") { name.removeLast(3) }
        let safe = String(name.unicodeScalars.map { s -> Character in
            let ok = s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "."
            return ok ? Character(s) : "_"
        })
        let trimmed = safe.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return trimmed.isEmpty ? "lesson" : trimmed
    }

    /// Writes `index.html`, `report.md`, the figure files and `meta.json` for one report, and
    /// removes figure files a previous run left that this one no longer has.
    public func write(_ report: Report) throws {
        let dir = outputDirectory.appendingPathComponent(report.name, isDirectory: true)
        guard dir.standardizedFileURL.path.hasPrefix(outputDirectory.path + "/") else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (markdown, figures) = MarkdownWriter.write(report)
        for (name, svg) in figures { try Self.atomic(svg, dir.appendingPathComponent(name)) }
        let keep = Set(figures.map(\.name))
        for old in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        where DataFiles.isData(old) && !keep.contains(old) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(old))
        }
        try Self.atomic(markdown, dir.appendingPathComponent("report.md"))
        try Self.atomic(HTMLWriter.write(report), dir.appendingPathComponent("index.html"))
        if let values = report.values { try Self.atomic(values, dir.appendingPathComponent("values.json")) }
        if let timings = report.timings {
            try Self.atomic(timings, dir.appendingPathComponent("timings.json"))
            try Self.atomic("window.rnnlabTimings = " + timings.trimmingTrailingNewlines() + ";\n", dir.appendingPathComponent("timings.js"))
        }
        try Self.atomic(Self.meta(report), dir.appendingPathComponent("meta.json"))
    }

    /// Rebuilds `output/index.html` from every report folder's `meta.json`.
    public func writeIndex() throws {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: outputDirectory.path)) ?? []).sorted()
            .compactMap { name -> IndexPage.Entry? in
                let meta = outputDirectory.appendingPathComponent(name).appendingPathComponent("meta.json")
                guard let data = try? Data(contentsOf: meta),
                      let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
                return IndexPage.Entry(folder: name, title: obj["title"] as? String ?? name,
                                       language: obj["language"] as? String ?? "en",
                                       summary: obj["summary"] as? String ?? "", failed: obj["error"] is String)
            }
        try Self.atomic(IndexPage.html(entries), outputDirectory.appendingPathComponent("index.html"))
    }

    static func meta(_ report: Report) -> String {
        let q = Escape.json
        var fields = ["\"title\":\(q(report.title))", "\"language\":\(q(report.language))", "\"summary\":\(q(report.summary))"]
        if let error = report.error { fields.append("\"error\":\(q(error))") }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    static func atomic(_ text: String, _ url: URL) throws {
        try writeAtomically(Array(text.utf8), to: url.path)
    }
}

/// `output/index.html`: every lesson run, with title, language and one-line summary.
public enum IndexPage {
    public struct Entry: Sendable {
        public var folder, title, language, summary: String
        public var failed: Bool
    }

    public static func html(_ entries: [Entry]) -> String {
        let e = Escape.html
        let rows = entries.map { entry in
            "<tr><td><a href=\"\(e(entry.folder))/index.html\">\(e(entry.title))</a>\(entry.failed ? " <span class=\"failed\">(stopped with an error)</span>" : "")</td><td lang=\"\(e(entry.language))\">\(entry.language == "ko" ? "한국어" : "English")</td><td>\(e(entry.summary))</td></tr>"
        }.joined(separator: "\n")
        let table = """
            <table>
            <thead><tr><th>Lesson</th><th>Language</th><th>Summary</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>

            """
        return HTMLWriter.page(language: "en", title: "rnnlab lessons", css: " .failed { color: var(--warn); }",
                               bodyClass: nil, header: "<h1>rnnlab lessons · 레슨</h1>", main: table, script: nil)
    }
}
