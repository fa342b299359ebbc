import Foundation
import Reports

/// The curriculum a lesson belongs to: the other lessons of its folder, in file-name order (the
/// numbers in front). A lesson links to the ones before and after it in its own language and
/// to its version in the other language (`NAME.md` and `NAME.ko.md` are one lesson in two
/// languages). Only the lessons' front matter is read, and only inside the lesson's folder.
enum Curriculum {
    struct Entry {
        var file: String
        var folder: String
        /// The lesson's name without `.md` and without the `.ko` of a Korean version.
        var base: String
        var title: String
        var language: String
    }

    /// The navigation of `file` among the lessons beside it.
    static func navigation(for file: String, language: String) -> Report.Navigation {
        let url = URL(fileURLWithPath: file)
        let entries = siblings(in: url.deletingLastPathComponent())
        let me = ReportFiles.folderName(forLesson: file)
        let base = ReportFiles.baseName(ofFolder: me)
        func link(_ e: Entry) -> Report.Navigation.Link { .init(folder: e.folder, title: e.title, language: e.language) }
        let same = entries.filter { $0.language == language }
        var navigation = Report.Navigation()
        if let k = same.firstIndex(where: { $0.folder == me }) {
            if k > 0 { navigation.previous = link(same[k - 1]) }
            if k + 1 < same.count { navigation.next = link(same[k + 1]) }
        }
        if let other = entries.first(where: { $0.base == base && $0.language != language }) {
            navigation.otherLanguage = link(other)
        }
        return navigation
    }

    /// Every lesson of `directory` whose front matter reads, in file-name order.
    static func siblings(in directory: URL) -> [Entry] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".md") && $0 != "README.md" && !$0.hasPrefix(".") }.sorted()
        return names.compactMap { name -> Entry? in
            let path = directory.appendingPathComponent(name).path
            var info = stat()
            // Regular files only, and small ones: a lesson's front matter is at its top.
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= 1 << 22,
                  let handle = FileHandle(forReadingAtPath: path) else { return nil }
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 16_384)) ?? Data()
            guard let text = String(data: head, encoding: .utf8) ?? String(data: head.dropLast(3), encoding: .utf8),
                  let front = frontMatter(text),
                  let lesson = try? Lesson.parse(front, file: name) else { return nil }
            let folder = ReportFiles.folderName(forLesson: name)
            return Entry(file: name, folder: folder, base: ReportFiles.baseName(ofFolder: folder), title: lesson.title, language: lesson.language)
        }
    }

    /// The front matter block (with its `---` lines) of a lesson's text, or nil without one.
    static func frontMatter(_ text: String) -> String? {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard let end = Lesson.frontMatterEnd(lines) else { return nil }
        return lines[...end].joined(separator: "\n") + "\n"
    }
}
