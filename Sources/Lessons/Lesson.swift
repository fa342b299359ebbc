import Foundation
import Yams

/// A lesson: Markdown prose with fenced ```rnnlab cells, and YAML front matter.
///
/// ```
/// ---
/// title: The vanishing gradient
/// language: en          # en or ko
/// seed: 7               # every random number in the lesson derives from it
/// summary: One line for the lesson index.
/// show_code: true       # handouts show each cell's source (false hides it)
/// ---
/// Prose …
///
/// ```rnnlab
/// model: {cell: rnn, input_size: 1, hidden_size: 8, output_size: 1}
/// ```
/// ```
public struct Lesson: Sendable {
    public enum Block: Sendable {
        /// Markdown prose and the lesson line of its first line.
        case prose(String, line: Int)
        /// A cell's YAML source and the lesson line of its first YAML line.
        case cell(source: String, line: Int)
        /// `::: exercise TITLE`: an exercise starts (its task: the blocks up to `::: solution`).
        case exercise(title: String, line: Int, column: Int)
        /// `::: solution`: the exercise's solution starts (prose and cells, which run as any do).
        case solution(line: Int)
        /// `::: answer`: the solution's short answer starts, which the answer key repeats.
        case answer(line: Int)
        /// `:::`: the exercise ends.
        case endExercise(line: Int)
    }

    public var file: String
    public var title: String
    public var language: String
    public var seed: UInt64
    public var summary: String
    public var showCode: Bool
    public var blocks: [Block]
    /// Front matter `topic`: the curriculum's part this lesson belongs to, in the lesson's
    /// language; `output/index.html` groups lessons by it.
    public var topic: String = ""

    static let frontMatterKeys = ["title", "language", "seed", "summary", "show_code", "author", "tags", "topic"]

    /// The index of the line that closes the front matter (`---` … `---` at the top), or nil
    /// when the text has none or it never closes.
    static func frontMatterEnd(_ lines: [String]) -> Int? {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        return lines.dropFirst().firstIndex { $0.trimmingCharacters(in: .whitespaces) == "---" }
    }

    /// Parses a lesson; `file` is how errors name it.
    public static func parse(_ text: String, file: String) throws(LessonError) -> Lesson {
        // CRLF (Windows) and lone CR (old Mac editors) end lines too, as in CommonMark.
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var index = 0
        var title: String?, language = "en", seed: UInt64 = 0, summary = "", showCode = true, topic = ""
        // Front matter.
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            guard let end = frontMatterEnd(lines) else {
                throw LessonError(file: file, line: 1, message: "front matter starts with --- but never ends (add a line with ---)")
            }
            let yaml = lines[1..<end].joined(separator: "\n")
            let node = try composeYAML(yaml, file: file, baseLine: 2)
            if let node {
                let fm = try Field(node: node, path: "front matter", baseLine: 2, file: file).mapping(allowed: frontMatterKeys)
                title = try fm["title"]?.string()
                language = try fm["language"]?.choice(["en", "ko"]) ?? "en"
                if let s = fm["seed"] { seed = try s.uint64() }
                summary = try fm["summary"]?.string() ?? ""
                showCode = try fm["show_code"]?.bool() ?? true
                topic = try fm["topic"]?.string() ?? ""
            }
            index = end + 1
        }
        // Body: prose and cells.
        var blocks: [Block] = []
        var prose: [String] = []
        var proseStart = index + 1  // the lesson line of prose[0]
        func flushProse(next: Int) {
            // Blank lines at the start do not count: the block's line is its first written one.
            let leading = prose.prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            let text = prose.joined(separator: "\n").trimmingCharacters(in: .newlines)
            if !text.isEmpty { blocks.append(.prose(text, line: proseStart + leading)) }
            prose.removeAll()
            proseStart = next
        }
        // Exercises: `::: exercise TITLE`, `::: solution`, optionally `::: answer`, then `:::`.
        enum Part { case none, task, solution, answer }
        var part = Part.none, opened = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(":::") {
                let words = trimmed.drop { $0 == ":" }.trimmingCharacters(in: .whitespaces)
                let kind = words.prefix { !$0.isWhitespace }.lowercased()
                let rest = words.dropFirst(kind.count).trimmingCharacters(in: .whitespaces)
                let at = index + 1
                func fail(_ message: String) -> LessonError { LessonError(file: file, line: at, message: message) }
                switch kind {
                case "exercise":
                    guard part == .none else { throw fail("an exercise cannot start inside the exercise opened at line \(opened) (close that one with a line `:::` first)") }
                    part = .task
                    opened = at
                    flushProse(next: at + 1)
                    // The title's column (1-based), for errors in its math.
                    let titleStart = line.reversed().drop { $0.isWhitespace }.count - rest.count + 1
                    blocks.append(.exercise(title: rest, line: at, column: titleStart))
                case "solution", "answer":
                    guard rest.isEmpty else { throw fail("`::: \(kind)` takes nothing after it (write the \(kind) on the lines below)") }
                    if kind == "solution" {
                        guard part == .task else {
                            throw fail(part == .none ? "`::: solution` outside an exercise (start one with `::: exercise TITLE`)" : "the exercise opened at line \(opened) already has a solution")
                        }
                        part = .solution
                        flushProse(next: at + 1)
                        blocks.append(.solution(line: at))
                    } else {
                        guard part == .solution else {
                            throw fail(part == .none ? "`::: answer` outside an exercise (start one with `::: exercise TITLE`)"
                                       : part == .task ? "`::: answer` goes inside the solution (write `::: solution` before it)"
                                       : "the exercise opened at line \(opened) already has an answer")
                        }
                        part = .answer
                        flushProse(next: at + 1)
                        blocks.append(.answer(line: at))
                    }
                case "":
                    guard part != .none else { throw fail("`:::` closes an exercise, but none is open") }
                    part = .none
                    flushProse(next: at + 1)
                    blocks.append(.endExercise(line: at))
                default:
                    throw fail("unknown block `::: \(kind)` (expected `::: exercise TITLE`, `::: solution`, `::: answer` or `:::`)")
                }
                index += 1
                continue
            }
            if let fence = fenceMarker(line) {
                let info = trimmed.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
                guard let close = lines[(index + 1)...].firstIndex(where: { closes($0, fence: fence) }) else {
                    throw LessonError(file: file, line: index + 1, message: "code block opened here is never closed (add a line with \(fence))")
                }
                if info == "rnnlab" {
                    flushProse(next: close + 2)
                    blocks.append(.cell(source: lines[(index + 1)..<close].joined(separator: "\n"), line: index + 2))
                } else {
                    prose.append(contentsOf: lines[index...close])
                }
                index = close + 1
                continue
            }
            if title == nil, trimmed.hasPrefix("# ") {
                title = String(trimmed.dropFirst(2))
                if prose.isEmpty { proseStart = index + 2 } else { prose.append("") }
                index += 1
                continue
            }
            prose.append(line)
            index += 1
        }
        flushProse(next: index + 1)
        if part != .none {
            throw LessonError(file: file, line: opened, message: "the exercise opened here is never closed (add a line `:::` after it)")
        }
        let fallback = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var lesson = Lesson(file: file, title: title ?? fallback, language: language, seed: seed, summary: summary,
                            showCode: showCode, blocks: blocks)
        lesson.topic = topic
        return lesson
    }

    /// A code fence as CommonMark has it: at most three spaces of indentation (four make an
    /// indented code block, which is never run), then three or more backticks or tildes.
    private static func fenceMarker(_ line: String) -> String? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let c = rest.first, c == "`" || c == "~" else { return nil }
        let run = rest.prefix { $0 == c }
        guard run.count >= 3 else { return nil }
        if c == "`" && rest.dropFirst(run.count).contains("`") { return nil }  // inline code, not a fence
        return String(run)
    }

    /// Whether `line` closes a code block opened by `fence`: the same character, at least as
    /// many of them, at most three spaces before and nothing but spaces after.
    private static func closes(_ line: String, fence: String) -> Bool {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3, let c = fence.first else { return false }
        let rest = line.dropFirst(indent)
        let run = rest.prefix { $0 == c }
        return run.count >= fence.count && rest.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Yams reports a duplicate key at its mapping's start; this finds the key's second
    /// occurrence (lines of `source`, 1-based, from the mapping's line on) so that the error
    /// names the line to fix.
    static func duplicateKey(_ problem: String, in source: String, from start: Int) -> (key: String, first: Int, line: Int)? {
        guard let range = problem.range(of: "duplicated key(s): '") else { return nil }
        let key = String(problem[range.upperBound...].prefix { $0 != "'" })
        guard !key.isEmpty else { return nil }
        let lines = source.components(separatedBy: "\n")
        var found: [Int] = []
        for (k, line) in lines.enumerated() where k + 1 >= start {
            var rest = Substring(line)
            while let r = rest.range(of: key) {
                let before = rest[..<r.lowerBound].last, after = rest[r.upperBound...].drop { $0 == " " || $0 == "\"" || $0 == "'" }
                let quoteBefore = before == "\"" || before == "'"
                if (before == nil || before == " " || before == "{" || before == "," || before == "-" || quoteBefore), after.first == ":" {
                    found.append(k + 1)
                    if found.count == 2 { return (key, found[0], found[1]) }
                }
                rest = rest[r.upperBound...]
            }
        }
        return nil
    }

    /// A YAML syntax error as a lesson error at the right line.
    /// YAML text as a node tree: Yams's errors at their lesson line, and any tag beyond plain
    /// YAML's (`!!python/object:…`, `!custom`) refused at its line rather than silently ignored.
    static func composeYAML(_ source: String, file: String, baseLine: Int) throws(LessonError) -> Node? {
        let node: Node?
        do { node = try Yams.compose(yaml: source) } catch { throw yamlError(error, file: file, baseLine: baseLine, source: source) }
        var budget = 1_000_000
        if let node { try checkTags(node, file: file, baseLine: baseLine, budget: &budget) }
        return node
    }

    private static let plainTags: Set<String> = ["str", "int", "float", "bool", "null", "seq", "map", "merge", "binary", "timestamp", "value"]

    /// Depth first, so a tag is met at its first (source) occurrence; `budget` bounds the walk
    /// when aliases make the tree exponentially larger than its text (their size is checked
    /// where the values are used).
    private static func checkTags(_ node: Node, file: String, baseLine: Int, budget: inout Int) throws(LessonError) {
        budget -= 1
        guard budget > 0 else { return }
        let name = node.tag.rawValue
        let yamlPrefix = "tag:yaml.org,2002:"
        if name != "" && name != "!" && !(name.hasPrefix(yamlPrefix) && plainTags.contains(String(name.dropFirst(yamlPrefix.count)))) {
            let shown = name.hasPrefix(yamlPrefix) ? "!!" + name.dropFirst(yamlPrefix.count) : name
            throw LessonError(file: file, line: baseLine + (node.mark?.line ?? 1) - 1,
                              message: "the YAML tag \(Field.abbreviated(shown)) is not supported: rnnlab reads plain YAML (remove the tag)")
        }
        switch node {
        case .mapping(let m):
            for (k, v) in m {
                try checkTags(k, file: file, baseLine: baseLine, budget: &budget)
                try checkTags(v, file: file, baseLine: baseLine, budget: &budget)
            }
        case .sequence(let q): for v in q { try checkTags(v, file: file, baseLine: baseLine, budget: &budget) }
        default: break
        }
    }

    static func yamlError(_ error: Error, file: String, baseLine: Int, source: String? = nil) -> LessonError {
        if let y = error as? YamlError {
            switch y {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                if let source, let duplicate = duplicateKey(problem, in: source, from: mark.line) {
                    return LessonError(file: file, line: baseLine + duplicate.line - 1,
                                       message: "the key \(duplicate.key) appears twice in one mapping (first at line \(baseLine + duplicate.first - 1))")
                }
                return LessonError(file: file, line: baseLine + mark.line - 1, message: "YAML: \(problem)")
            default: break
            }
        }
        let text = "\(error)"
        // Yams says where the mapping starts: "… in line 2, column 3".
        let start = text.range(of: " in line ", options: .backwards).flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) } ?? 1
        if let source, let duplicate = duplicateKey(text, in: source, from: start) {
            return LessonError(file: file, line: baseLine + duplicate.line - 1,
                               message: "the key \(duplicate.key) appears twice in one mapping (first at line \(baseLine + duplicate.first - 1))")
        }
        return LessonError(file: file, line: baseLine, message: "YAML: \(text)")
    }
}
