import Foundation
import Reports
import Yams

/// Runs a lesson's cells in order, as a notebook does, and builds its report. On a cell error
/// the lesson stops there: the report keeps the cells before it and shows the error in place.
public struct LessonRunner: Sendable {
    public var showProgress: Bool
    /// The rnnlab version, recorded in every report (its printed footer shows it).
    public var version: String?
    /// What one action may take; `rnnlab run --max-memory / --max-work` set it.
    public var limits: LessonLimits
    /// Folders (real paths) a lesson may read from besides its own (`--allow-read`).
    public var allowRead: [String]

    public init(showProgress: Bool = true, version: String? = nil, limits: LessonLimits = .standard, allowRead: [String] = []) {
        self.showProgress = showProgress
        self.version = version
        self.limits = limits
        self.allowRead = allowRead
    }

    /// The report and, when a cell failed, the error (`lesson.md:LINE: message`).
    public func run(lesson: Lesson) -> Report { run(lesson: lesson, shown: nil) }

    /// The lesson's run and every step-through it shows, in order (`rnnlab step LESSON.md`).
    public func runShowingStepThroughs(lesson: Lesson) -> (report: Report, stepThroughs: [ShownStepThrough]) {
        let collector = StepThroughCollector()
        let report = run(lesson: lesson, shown: collector)
        return (report, collector.shown)
    }

    private func run(lesson: Lesson, shown: StepThroughCollector?) -> Report {
        var report = Report(name: ReportFiles.folderName(forLesson: lesson.file), title: lesson.title,
                            language: lesson.language, summary: lesson.summary, showCode: lesson.showCode)
        report.seed = lesson.seed
        report.version = version
        report.lesson = URL(fileURLWithPath: lesson.file).lastPathComponent
        report.topic = lesson.topic
        report.navigation = Curriculum.navigation(for: lesson.file, language: lesson.language)
        let state = LessonState(file: lesson.file, seed: lesson.seed, language: lesson.language)
        state.limits = limits
        state.allowRead = allowRead
        state.stepThroughs = shown
        let directory = URL(fileURLWithPath: lesson.file).deletingLastPathComponent()
        let progress = ProgressReporter(file: lesson.file, enabled: showProgress)
        let clock = ContinuousClock(), started = clock.now
        var prose: [(block: Int, line: Int)] = []
        var exercises = 0
        for block in lesson.blocks {
            switch block {
            case .prose(let text, let line):
                prose.append((report.blocks.count, line))
                report.blocks.append(.prose(text))
            case .cell(let source, let line):
                var cell = CellBlock(line: line - 1, source: source)
                do {
                    try execute(source, line: line, file: lesson.file, state: state, directory: directory, progress: progress,
                                outputs: &cell.outputs)
                } catch {
                    cell.error = error.description
                    report.error = error.description
                }
                report.blocks.append(.cell(cell))
            case .exercise(let title, let line, let column):
                exercises += 1
                report.blocks.append(.exercise(number: exercises, title: title))
                if let problem = InlineMath.problem(in: title) {
                    // The column in the lesson line: after `::: exercise ` and the title's indent.
                    let error = LessonError(file: lesson.file, line: line, message: problem.message,
                                            column: column + problem.column - 1)
                    var cell = CellBlock(line: line, source: "")
                    cell.error = error.description
                    report.error = error.description
                    report.blocks.append(.cell(cell))
                }
            case .solution: report.blocks.append(.solution)
            case .answer: report.blocks.append(.answer)
            case .endExercise: report.blocks.append(.endExercise)
            }
            if report.error != nil { break }
        }
        interpolate(&report, prose: prose, file: lesson.file, values: state.values)
        report.values = state.values.json()
        state.timings.append(("lesson", seconds(clock.now - started)))
        report.timings = state.timingsJSON()
        return report
    }

    /// Numbers in prose come from the run: every `{{ name | format }}` is replaced by the value
    /// at the end of the run (so prose may quote a result before the cell that measures it).
    /// The first problem stops the report at that prose block, unless a cell already failed:
    /// then prose after the failure is gone anyway and placeholders before it stay as written.
    private func interpolate(_ report: inout Report, prose: [(block: Int, line: Int)], file: String, values: ValueStore) {
        for (k, line) in prose {
            guard case .prose(let text) = report.blocks[k] else { continue }
            let result = Interpolation.apply(text, store: values)
            report.blocks[k] = .prose(result.text)
            // Then the prose's math: TeX outside what the converter supports is an error at its
            // line and column, not silent garbage on the page.
            var problems = result.problems.map { (line: $0.line, column: Int?.none, message: $0.message) }
            if problems.isEmpty {
                problems = Markdown.html(from: result.text).problems.map { (line: $0.line, column: Optional($0.column), message: $0.message) }
            }
            if report.error == nil, let problem = problems.first {
                let error = LessonError(file: file, line: line + problem.line - 1, message: problem.message, column: problem.column)
                report.error = error.description
                report.blocks.removeSubrange((k + 1)...)
                var cell = CellBlock(line: error.line, source: "")
                cell.error = error.description
                report.blocks.append(.cell(cell))
                return
            }
        }
    }

    /// Reads and runs a lesson file.
    public func run(file: String) -> Report {
        let lesson: Lesson
        do throws(LessonError) {
            lesson = try Self.read(file: file)
        } catch {
            var report = Report(name: ReportFiles.folderName(forLesson: file), title: URL(fileURLWithPath: file).lastPathComponent,
                                language: "en", summary: "")
            report.error = error.description
            report.version = version
            report.lesson = URL(fileURLWithPath: file).lastPathComponent
            var cell = CellBlock(line: error.line, source: "")
            cell.error = error.description
            report.blocks.append(.cell(cell))
            return report
        }
        return run(lesson: lesson)
    }

    /// A lesson file read and parsed, or what is wrong with it and where.
    public static func read(file: String) throws(LessonError) -> Lesson {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LessonError(file: file, line: 1, message: "cannot read the lesson")
        }
        let text: String
        do throws(TextDecoding.Problem) { text = try TextDecoding.utf8([UInt8](data)) } catch {
            throw LessonError(file: file, line: error.line, message: "the lesson \(error.message)")
        }
        if let line = TextDecoding.lineOfNUL(text) {
            throw LessonError(file: file, line: line, message: "a NUL byte (\\0) is in the text: remove it (lessons are plain text)")
        }
        guard text.contains(where: { !$0.isWhitespace && $0 != "\u{FEFF}" }) else {
            throw LessonError(file: file, line: 1, message: "the lesson is empty (write a title, prose and cells; `rnnlab new` makes one that runs)")
        }
        return try Lesson.parse(text, file: file)
    }

    /// Runs one cell's actions; `outputs` keeps what the actions before a failing one showed.
    private func execute(_ source: String, line: Int, file: String, state: LessonState, directory: URL,
                         progress: ProgressReporter, outputs: inout [Output]) throws(LessonError) {
        let node = try Lesson.composeYAML(source, file: file, baseLine: line)
        guard let node else { throw LessonError(file: file, line: line - 1, message: "empty cell (expected one of \(Actions.names.joined(separator: ", ")))") }
        let cellSource = CellSource(source)
        let root = Field(node: node, path: "", baseLine: line, file: file, source: cellSource)
        guard case .mapping = node else {
            throw root.error("a cell is a mapping of actions (\(Actions.names.joined(separator: ", "))), for example `show: summary`")
        }
        let actions = try root.mapping(allowed: Actions.names)
        for (name, field) in actions.entries {
            try Actions.run(name, Field(node: field.node, path: name, baseLine: line, file: file, source: cellSource),
                            state: state, lessonDirectory: directory, progress: progress, outputs: &outputs)
        }
    }
}
