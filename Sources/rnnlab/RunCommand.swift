import ArgumentParser
import Foundation
import Synchronization
import Lessons
import Reports

extension RNNLab {
    /// `rnnlab run`: execute lessons and write their reports.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run lessons and write their reports (index.html and report.md) under the output folder.",
            discussion: """
                Each lesson's cells run in order, sharing state as notebook cells do. Reports land \
                in OUTPUT/<lesson-name>/ (index.html opens by double-click, no network needed; \
                report.md with SVG figures beside it), and OUTPUT/index.html lists every lesson run. \
                A cell error stops that lesson, is shown in its report, and makes the exit status 1.
                """
        )

        @Argument(help: "Lesson files or folders of lessons (default: lessons).")
        var paths: [String] = []

        @Option(name: .shortAndLong, help: "The output folder.")
        var output: String = "output"

        @Flag(name: .shortAndLong, help: "No progress output.")
        var quiet = false

        @Flag(help: "Also print each report to OUTPUT/<lesson>/handout.pdf with headless Chromium: the students' version, without solutions (a footer with the title, version, seed and page numbers on every page).")
        var handout = false

        @Flag(help: "Also print the instructor's version to OUTPUT/<lesson>/handout-instructor.pdf: every solution printed and an answer key at the end.")
        var instructor = false

        @Option(name: .customLong("max-memory"), help: "Memory one lesson action may take, such as 8G or 512M (default: half of this machine's memory); larger actions are refused before they start.")
        var maxMemory: String?

        @Option(name: .customLong("max-work"), help: "Floating-point operations one lesson action (training, a comparison, a sweep, a step) may take (default 2e13); larger ones are refused before they start.")
        var maxWork: Double?

        @Option(name: .customLong("allow-read"), help: "A folder lessons may read files from besides their own (repeatable); without it a lesson reads only inside its own folder.")
        var allowRead: [String] = []

        @Option(help: "The handout's paper: a4 or letter.")
        var paper: Handout.Paper = .a4

        /// The limits the options ask for.
        func limits() throws -> LessonLimits {
            var limits = LessonLimits.standard
            if let maxMemory {
                guard let bytes = LessonLimits.bytes(maxMemory) else {
                    throw ValidationError("--max-memory is a size such as 8G, 512M or 2e9 (bytes), not \(maxMemory)")
                }
                limits.memory = bytes
            }
            if let maxWork {
                guard maxWork.isFinite, maxWork > 0 else { throw ValidationError("--max-work is a positive number of operations, such as 1e14") }
                limits.work = maxWork
            }
            return limits
        }

        func validate() throws {
            _ = try limits()
            for dir in allowRead where LessonFiles.allowedFolder(dir) == nil {
                throw ValidationError("--allow-read \(dir): not a folder")
            }
            if paper != .a4 && !handout && !instructor { throw ValidationError("--paper applies to handouts: add --handout or --instructor") }
        }

        func run() throws {
            let files = try lessonFiles(paths.isEmpty ? ["lessons"] : paths)
            guard !files.isEmpty else {
                FileHandle.standardError.write(Data("rnnlab run: no lessons found in \((paths.isEmpty ? ["lessons"] : paths).joined(separator: ", "))\n".utf8))
                throw ExitCode.failure
            }
            if let problem = ReportFiles.problem(withLessons: files) {
                FileHandle.standardError.write(Data("rnnlab run: \(problem)\n".utf8))
                throw ExitCode.failure
            }
            let outputURL = URL(fileURLWithPath: output, isDirectory: true)
            // The output folder, or a folder on the way to it, may be a file.
            var prefix = output.hasPrefix("/") ? "/" : ""
            for part in output.split(separator: "/") {
                prefix += prefix.isEmpty || prefix.hasSuffix("/") ? String(part) : "/\(part)"
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder), !isFolder.boolValue {
                    fail(prefix == output ? "\(output): exists and is not a folder (give -o a folder, new or made by rnnlab)"
                                          : "\(output): cannot create the output folder (\(prefix) is a file, not a folder)")
                }
            }
            do {
                try FileManager.default.createDirectory(at: outputURL, withIntermediateDirectories: true)
            } catch {
                fail("\(output): cannot create the output folder (\(describe(error)))")
            }
            let files_ = ReportFiles(outputDirectory: outputURL)
            var browser: String? = nil
            if handout || instructor {
                browser = Handout.browser()
                if browser == nil { FileHandle.standardError.write(Data("rnnlab run \(handout ? "--handout" : "--instructor"): \(Handout.installHint)\n".utf8)) }
            }
            let runner = LessonRunner(showProgress: !quiet, version: RNNLab.version, limits: try limits(),
                                      allowRead: allowRead.compactMap(LessonFiles.allowedFolder))
            // Lessons run two at a time on two cores (one with RNNLAB_THREADS=1 or one core),
            // each into its own folder: every report is the same bytes whatever the order.
            // Messages from two lessons may interleave; each line names its lesson.
            // Every other lesson before the Korean versions of lessons in the list: a Korean
            // lesson trains what its English one trained, and takes those results from the
            // process's training cache (TrainingCache) instead of training again.
            let isSibling = { (f: String) -> Bool in
                f.hasSuffix(".ko.md") && files.contains(String(f.dropLast(".ko.md".count)) + ".md")
            }
            let order = files.filter { !isSibling($0) } + files.filter(isSibling)
            let failures = Mutex(0)
            let next = Mutex(0)
            let workers = files.count < 2 || ProcessInfo.processInfo.environment["RNNLAB_THREADS"] == "1"
                || ProcessInfo.processInfo.activeProcessorCount < 2 ? 1 : 2
            let outputName = output, handout = handout, instructor = instructor, paper = paper, quiet = quiet, chrome = browser
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let k = next.withLock { n -> Int in defer { n += 1 }; return n }
                    guard k < files.count else { return }
                    let file = order[k]
                    let report = runner.run(file: file)
                    do {
                        try files_.write(report)
                    } catch let error as ReportFilesError {
                        fail("rnnlab run: \(error)")
                    } catch {
                        fail("\(outputName)/\(report.name): cannot write the report (\(describe(error)))")
                    }
                    if let browser = chrome {
                        let versions: [Handout.Version] = (handout ? [.students] : []) + (instructor ? [.instructor] : [])
                        for version in versions {
                            do {
                                try Handout.print(folder: outputURL.appendingPathComponent(report.name), browser: browser, paper: paper,
                                                  version: version, report: report)
                            } catch {
                                failures.withLock { $0 += 1 }
                                FileHandle.standardError.write(Data("\(outputName)/\(report.name)/\(version.file): \(error)\n".utf8))
                            }
                        }
                    }
                    if let error = report.error {
                        failures.withLock { $0 += 1 }
                        FileHandle.standardError.write(Data((error + "\n").utf8))
                    } else if !quiet {
                        FileHandle.standardError.write(Data("\(file): wrote \(outputName)/\(report.name)/index.html\n".utf8))
                    }
                }
            }
            let failed = failures.withLock { $0 }
            do { try files_.writeIndex() } catch { fail("\(output)/index.html: cannot write (\(describe(error)))") }
            if failed > 0 || ((handout || instructor) && browser == nil) { throw ExitCode.failure }
        }
    }

    /// `rnnlab list`: the lessons with their titles.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List lessons with their titles and languages.")

        @Argument(help: "Lesson files or folders (default: lessons).")
        var paths: [String] = []

        func run() throws {
            for file in try lessonFiles(paths.isEmpty ? ["lessons"] : paths) {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                if let lesson = try? Lesson.parse(text, file: file) {
                    print("\(file)\t\(lesson.language)\t\(lesson.title)")
                } else {
                    print("\(file)\t?\t(cannot be parsed: run it to see the error)")
                }
            }
        }
    }

    /// `rnnlab new`: a new lesson from a template.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a new lesson from a template that runs as it is.")

        @Argument(help: "The lesson's file name (without .md).")
        var name: String

        @Option(help: "Language of the lesson: en or ko.")
        var lang: String = "en"

        @Option(help: "Folder to create it in.")
        var directory: String = "lessons"

        func validate() throws {
            guard ["en", "ko"].contains(lang) else { throw ValidationError("--lang must be en or ko") }
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
                throw ValidationError("the name must be a plain file name, like 09-my-lesson")
            }
        }

        func run() throws {
            let file = (directory as NSString).appendingPathComponent(name.hasSuffix(".md") ? name : name + ".md")
            guard !FileManager.default.fileExists(atPath: file) else { fail("\(file): already exists (choose another name)") }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try writeAtomically(Array(LessonTemplate.text(language: lang).utf8), to: file)
            } catch {
                fail("\(file): cannot write (\(describe(error)))")
            }
            print("created \(file): run it with  rnnlab run \(file)")
        }
    }
}

/// Lesson files from files and folders (a folder's *.md except README.md, sorted).
func lessonFiles(_ paths: [String]) throws -> [String] {
    var out: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            fail("\(path): no such file or folder")
        }
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            out += names.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
        } else {
            out.append(path)
        }
    }
    return out
}

extension Handout.Paper: ExpressibleByArgument {
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
