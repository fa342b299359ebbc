import Foundation
import Testing
@testable import Reports

/// Report folder names and the output folder's safety rules (the kill -9, concurrency and link
/// tests run the binary: Tests/Browser/test_output_folder.py).
@Suite("Report files")
struct ReportFilesTests {
    @Test func distinctLessonsNeverShareAFolder() {
        #expect(ReportFiles.problem(withLessons: ["lessons/01-intro.md", "lessons/02-rnn.md"]) == nil)
        #expect(ReportFiles.problem(withLessons: ["a b.md", "a_b.md"]) == "a b.md and a_b.md would share the report folder a_b: rename one of them")
        #expect(ReportFiles.problem(withLessons: ["x/l.md", "y/l.md"]) != nil)
        #expect(ReportFiles.problem(withLessons: ["l.md", "l.md"]) == nil, "the same file named twice is one lesson")
        for bad in [".md", "..md", "...md", "index.html.md", "INDEX.HTML.md"] {
            #expect(ReportFiles.problem(withLessons: [bad])?.contains("cannot name a report folder") == true, "\(bad)")
        }
        #expect(ReportFiles.folderName(forLesson: "lessons/04-기울기 소실.md") == "04-기울기_소실")
    }

    @Test func temporaryNamesCarryTheirProcess() {
        let name = TemporaryName.make(for: "index.html", attempt: 3)
        #expect(name == ".index.html.\(getpid()).3.tmp")
        #expect(TemporaryName.pid(of: name) == getpid())
        #expect(TemporaryName.pid(of: "index.html") == nil && TemporaryName.pid(of: ".notes.tmp") == nil)
    }

    @Test func staleTemporariesOfDeadProcessesAreRemovedAndLinksNotFollowed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rf-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("keep")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: target.appendingPathComponent("file"))
        // A process id that is not running (the maximum pid is far above what is in use here).
        let dead = ".lesson.4194000.0.tmp", mine = TemporaryName.make(for: "other")
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(dead), withDestinationURL: target)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(mine), withIntermediateDirectories: true)
        TemporaryName.removeStale(in: dir)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == [mine, "keep"].sorted())
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("file").path), "the link's target stays")
    }

    @Test func aReportReplacesTheOldOneWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rf2-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = ReportFiles(outputDirectory: dir)
        var report = Report(name: "l", title: "One", language: "en", summary: "")
        report.lesson = "l.md"
        var cell = CellBlock(line: 3, source: "x")
        cell.outputs = [.table(Table(headers: ["a"], rows: [["1"]])), .table(Table(headers: ["b"], rows: [["2"]]))]
        report.blocks = [.cell(cell)]
        try files.write(report)
        let folder = dir.appendingPathComponent("l")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("table-02.csv").path))
        report.title = "Two"
        cell.outputs.removeLast()
        report.blocks = [.cell(cell)]
        try files.write(report)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["index.html", "meta.json", "report.md", "table-01.csv"])
        #expect(try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8).hasPrefix("# Two\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
        // Another lesson of the same folder name is refused; so is a folder rnnlab did not write.
        report.lesson = "other.md"
        #expect(throws: ReportFilesError.self) { try files.write(report) }
        let foreign = dir.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("todo.txt"))
        report.name = "notes"
        #expect(throws: ReportFilesError.self) { try files.write(report) }
        #expect(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("todo.txt").path))
    }
}
