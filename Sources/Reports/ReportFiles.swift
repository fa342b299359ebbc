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

    /// A report folder's lesson without its language: `09-bptt` for `09-bptt` and `09-bptt.ko`
    /// (a lesson's two versions are `NAME.md` and `NAME.ko.md`).
    public static func baseName(ofFolder folder: String) -> String {
        folder.hasSuffix(".ko") ? String(folder.dropLast(3)) : folder
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
                                       summary: obj["summary"] as? String ?? "", failed: obj["error"] is String,
                                       topic: obj["topic"] as? String ?? "")
            }
        try Self.atomic(IndexPage.html(entries), outputDirectory.appendingPathComponent("index.html"))
    }

    static func meta(_ report: Report) -> String {
        let q = Escape.json
        var fields = ["\"title\":\(q(report.title))", "\"language\":\(q(report.language))", "\"summary\":\(q(report.summary))"]
        if let lesson = report.lesson { fields.append("\"lesson\":\(q(lesson))") }
        if !report.topic.isEmpty { fields.append("\"topic\":\(q(report.topic))") }
        if let error = report.error { fields.append("\"error\":\(q(error))") }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    static func atomic(_ text: String, _ url: URL) throws {
        try writeAtomically(Array(text.utf8), to: url.path)
    }
}

/// `output/index.html`: every lesson run, grouped by topic in the lessons' order, each lesson one
/// row with its English and Korean versions side by side (`NAME` and `NAME.ko`), and a switch
/// that shows one language or both (remembered on this computer; no network).
public enum IndexPage {
    public struct Entry: Sendable {
        public var folder, title, language, summary: String
        public var failed: Bool
        public var topic: String

        public init(folder: String, title: String, language: String, summary: String, failed: Bool, topic: String = "") {
            self.folder = folder
            self.title = title
            self.language = language
            self.summary = summary
            self.failed = failed
            self.topic = topic
        }
    }

    /// One lesson in its languages.
    struct Row {
        var base: String
        var versions: [String: Entry] = [:]
        var topic: (en: String, ko: String) { (versions["en"]?.topic ?? "", versions["ko"]?.topic ?? "") }
    }

    static func rows(_ entries: [Entry]) -> [Row] {
        var rows: [Row] = []
        for entry in entries.sorted(by: { $0.folder < $1.folder }) {
            let base = ReportFiles.baseName(ofFolder: entry.folder)
            if let k = rows.firstIndex(where: { $0.base == base }), rows[k].versions[entry.language] == nil {
                rows[k].versions[entry.language] = entry
            } else {
                var row = Row(base: base)
                row.versions[entry.language] = entry
                rows.append(row)
            }
        }
        return rows.sorted { $0.base < $1.base }
    }

    public static func html(_ entries: [Entry]) -> String {
        let e = Escape.html
        // Topics in the order their first lesson comes; a row's topic is its English version's
        // (else its Korean one's), and the heading shows both names.
        var groups: [(key: String, en: String, ko: String, rows: [Row])] = []
        for row in rows(entries) {
            let (en, ko) = row.topic
            let key = en.isEmpty ? ko : en
            if let k = groups.firstIndex(where: { $0.key == key }) {
                groups[k].rows.append(row)
                if groups[k].ko.isEmpty { groups[k].ko = ko }
                if groups[k].en.isEmpty { groups[k].en = en }
            } else {
                groups.append((key, en, ko, [row]))
            }
        }
        func cell(_ entry: Entry?, _ language: String) -> String {
            guard let entry else { return "<td class=\"l-\(language)\" lang=\"\(language)\">—</td>" }
            let failed = entry.failed ? " <span class=\"failed\">(\(language == "ko" ? "오류로 멈춤" : "stopped with an error"))</span>" : ""
            return "<td class=\"l-\(language)\" lang=\"\(language)\"><a href=\"\(e(entry.folder))/index.html\">\(e(entry.title))</a>\(failed)"
                + (entry.summary.isEmpty ? "" : "<div class=\"sum\">\(e(entry.summary))</div>") + "</td>"
        }
        var main = """
            <p class="lang-switch" role="group" aria-label="Language · 언어">Language · 언어:
            <button type="button" data-lang="both" aria-pressed="true">English + 한국어</button>
            <button type="button" data-lang="en" aria-pressed="false">English</button>
            <button type="button" data-lang="ko" aria-pressed="false">한국어</button></p>

            """
        for group in groups {
            let heading = [group.en, group.ko].filter { !$0.isEmpty }
            main += "<section class=\"topic\">\n<h2>"
                + (heading.isEmpty ? "Other lessons · 그 밖의 레슨" : [group.en.isEmpty ? nil : "<span class=\"l-en\" lang=\"en\">\(e(group.en))</span>",
                                                                     group.ko.isEmpty ? nil : "<span class=\"l-ko\" lang=\"ko\">\(e(group.ko))</span>"]
                    .compactMap { $0 }.joined(separator: "<span class=\"sep\"> · </span>"))
                + "</h2>\n<table>\n<thead><tr><th class=\"l-en\">English</th><th class=\"l-ko\" lang=\"ko\">한국어</th></tr></thead>\n<tbody>\n"
            for row in group.rows {
                main += "<tr>" + cell(row.versions["en"], "en") + cell(row.versions["ko"], "ko") + "</tr>\n"
            }
            main += "</tbody>\n</table>\n</section>\n"
        }
        let css = """
             .failed { color: var(--warn); } .sum { color: var(--muted); font-size: .85rem; } td { vertical-align: top; width: 50%; }
             .lang-switch button { font: inherit; font-size: .85rem; border: 1px solid var(--rule); background: none; border-radius: 4px; padding: .15rem .5rem; cursor: pointer; }
             .lang-switch button[aria-pressed=true] { border-color: var(--accent); color: var(--accent); font-weight: bold; }
             body.only-en .l-ko, body.only-ko .l-en, body.only-en .sep, body.only-ko .sep { display: none; }
             body.only-en td, body.only-ko td { width: auto; }
            """
        let script = """
            (function () {
              var buttons = document.querySelectorAll(".lang-switch button");
              function set(lang) {
                document.body.classList.toggle("only-en", lang === "en");
                document.body.classList.toggle("only-ko", lang === "ko");
                buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang)); });
                try { localStorage.setItem("rnnlab-index-lang", lang); } catch (e) {}
              }
              buttons.forEach(function (b) { b.addEventListener("click", function () { set(b.getAttribute("data-lang")); }); });
              var saved = null;
              try { saved = localStorage.getItem("rnnlab-index-lang"); } catch (e) {}
              if (saved) set(saved);
            })();
            """
        return HTMLWriter.page(language: "en", title: "rnnlab lessons · 레슨", css: css,
                               bodyClass: nil, header: "<h1>rnnlab lessons · 레슨</h1>", main: main, script: script)
    }
}

public struct ReportFilesError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
