import CFileSystem
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
        safeName(forLesson: path) ?? "lesson"
    }

    /// The folder name, or nil when the file name leaves none (`.md`, `..md`) or a reserved one.
    static func safeName(forLesson path: String) -> String? {
        var name = URL(fileURLWithPath: path).lastPathComponent
        if name.hasSuffix(".md") { name.removeLast(3) }
        let safe = String(name.unicodeScalars.map { s -> Character in
            let ok = s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "."
            return ok ? Character(s) : "_"
        })
        let trimmed = safe.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard !trimmed.isEmpty, !reserved.contains(trimmed.lowercased()) else { return nil }
        return trimmed
    }

    /// Names in the output folder that are not lessons' reports.
    static let reserved: Set<String> = ["index.html", "index.htm"]

    /// Why a set of lessons cannot be written into one output folder: a file name that makes no
    /// folder name, or two lessons that would share one (`a b.md` and `a_b.md`). Nil when fine.
    public static func problem(withLessons files: [String]) -> String? {
        var owner: [String: String] = [:]
        for file in files {
            guard let name = safeName(forLesson: file) else {
                return "\(file): cannot name a report folder after this file (rename it, for example to 01-topic.md)"
            }
            if let other = owner[name], other != file {
                return "\(other) and \(file) would share the report folder \(name): rename one of them"
            }
            owner[name] = file
        }
        return nil
    }

    /// Writes one report — `index.html`, `report.md`, the figure and data files, `values.json`,
    /// `timings.json`/`.js` and `meta.json` — into a new hidden folder beside its place, then
    /// puts that folder in place in one step (the previous report is whole until the new one
    /// replaces it, and a file the new report no longer has does not linger). Refuses to replace
    /// what is not a report folder (a file, a link, a folder without `meta.json`), and a report
    /// folder that holds the report of a differently named lesson.
    public func write(_ report: Report) throws {
        let dir = outputDirectory.appendingPathComponent(report.name, isDirectory: true)
        guard !report.name.isEmpty, !report.name.hasPrefix("."), !report.name.contains("/"),
              dir.standardizedFileURL.path.hasPrefix(outputDirectory.path + "/") else {
            throw ReportFilesError("\(report.name): not a usable report folder name")
        }
        TemporaryName.removeStale(in: outputDirectory)
        try checkReplaceable(dir, report: report)
        var temporary = ""
        for attempt in 0..<64 {
            temporary = outputDirectory.appendingPathComponent(TemporaryName.make(for: report.name, attempt: attempt)).path
            if mkdir(temporary, 0o755) == 0 { break }
            guard errno == EEXIST else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            temporary = ""
        }
        guard !temporary.isEmpty else { throw POSIXError(.EEXIST) }
        let staging = URL(fileURLWithPath: temporary, isDirectory: true)
        do {
            let (markdown, figures) = MarkdownWriter.write(report)
            for (name, contents) in figures { try Self.atomic(contents, staging.appendingPathComponent(name)) }
            try Self.atomic(markdown, staging.appendingPathComponent("report.md"))
            try Self.atomic(HTMLWriter.write(report), staging.appendingPathComponent("index.html"))
            if let values = report.values { try Self.atomic(values, staging.appendingPathComponent("values.json")) }
            if let timings = report.timings {
                try Self.atomic(timings, staging.appendingPathComponent("timings.json"))
                try Self.atomic("window.rnnlabTimings = " + timings.trimmingTrailingNewlines() + ";\n", staging.appendingPathComponent("timings.js"))
            }
            try Self.atomic(Self.meta(report), staging.appendingPathComponent("meta.json"))
            try install(staging.path, at: dir.path)
        } catch {
            removeTree(temporary)
            throw error
        }
    }

    /// Puts the folder `staging` at `target`: a rename when nothing is there, else an atomic
    /// exchange (renameat2) and the old folder, now at `staging`, removed. Where the file
    /// system cannot exchange, the old folder is moved aside first (a moment without one).
    private func install(_ staging: String, at target: String) throws {
        var info = stat()
        if lstat(target, &info) != 0 {
            if rename(staging, target) == 0 { return }
            // Another run put one there in the meantime: exchange with it below.
            guard errno == EEXIST || errno == ENOTEMPTY else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
        if rnnlab_exchange(staging, target) == 0 {
            removeTree(staging)
            return
        }
        guard errno == EINVAL || errno == ENOSYS else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let aside = staging + ".old"
        guard rename(target, aside) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard rename(staging, target) == 0 else {
            let code = errno
            _ = rename(aside, target)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        removeTree(aside)
    }

    /// Throws unless `dir` is missing, empty, or a report folder (a real folder with
    /// `meta.json`) of this lesson.
    private func checkReplaceable(_ dir: URL, report: Report) throws {
        var info = stat()
        guard lstat(dir.path, &info) == 0 else { return }
        let shown = outputDirectory.lastPathComponent + "/" + report.name
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ReportFilesError("\(shown) exists and is not a report folder (a file or a link): remove it or choose another output folder")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        guard !contents.isEmpty else { return }
        let meta = dir.appendingPathComponent("meta.json")
        var metaInfo = stat()
        guard lstat(meta.path, &metaInfo) == 0, (metaInfo.st_mode & S_IFMT) == S_IFREG,
              let data = FileManager.default.contents(atPath: meta.path),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReportFilesError("\(shown) exists and is not a report rnnlab wrote (no meta.json): remove it or choose another output folder")
        }
        if let lesson = obj["lesson"] as? String, let mine = report.lesson, lesson != mine {
            throw ReportFilesError("\(shown) holds the report of \(lesson), not of \(mine): rename one of the lessons or choose another output folder")
        }
    }

    /// Rebuilds `output/index.html` from every report folder's `meta.json`, under a lock (so two
    /// runs into one folder at once both end up listed).
    public func writeIndex() throws {
        let lock = rnnlab_lock(outputDirectory.appendingPathComponent(".rnnlab.lock").path)
        defer { rnnlab_unlock(lock) }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: outputDirectory.path)) ?? []).sorted()
            .compactMap { name -> IndexPage.Entry? in
                guard !name.hasPrefix(".") else { return nil }
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
        if let lesson = report.lesson { fields.append("\"lesson\":\(q(lesson))") }
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

public struct ReportFilesError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
