import Yams
import Reports
import RNNCore

/// A cell's YAML text by line (shared by every field read from it).
final class CellSource {
    let lines: [String]
    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
}

/// Typed access to one value of a cell's YAML, remembering the lesson line it came from, so
/// that every mistake is reported as `lesson.md:LINE: key: what is wrong`.
struct Field {
    let node: Node
    /// Dotted key path for messages (`train.epochs`).
    let path: String
    /// The lesson line of the cell's first YAML line (YAML line 1).
    let baseLine: Int
    let file: String
    /// The text the node was read from, for columns inside quoted values.
    var source: CellSource? = nil

    var line: Int { baseLine + (node.mark?.line ?? 1) - 1 }

    func error(_ message: String) -> LessonError {
        LessonError(file: file, line: line, message: path.isEmpty ? message : "\(path): \(message)")
    }

    /// A text value's error at character `k` (1-based) of the text: the lesson column when the
    /// text is written on its key's line (plain, or quoted with its escapes counted from the
    /// cell's source), else the line alone.
    func error(atCharacter k: Int, _ message: String) -> LessonError {
        var e = error(message)
        guard case .scalar(let s) = node, let mark = node.mark, !s.string.contains("\n") else { return e }
        switch s.style {
        case .plain: e.column = mark.column + k - 1
        case .singleQuoted:
            // '' stands for one quote.
            e.column = mark.column + k + s.string.prefix(k - 1).filter { $0 == "'" }.count
        case .doubleQuoted:
            guard let lines = source?.lines, mark.line >= 1, mark.line <= lines.count else { break }
            let raw = Array(lines[mark.line - 1].dropFirst(mark.column))  // after the opening quote
            var offset = 0
            for _ in 1..<max(k, 1) {
                guard offset < raw.count else { return e }
                if raw[offset] == "\\" {
                    let kind = offset + 1 < raw.count ? raw[offset + 1] : " "
                    offset += kind == "x" ? 4 : kind == "u" ? 6 : kind == "U" ? 10 : 2
                } else {
                    offset += 1
                }
            }
            e.column = mark.column + 1 + offset
        default: break
        }
        return e
    }

    var isScalar: Bool { if case .scalar = node { return true } else { return false } }

    func string() throws(LessonError) -> String {
        guard case .scalar(let s) = node else { throw error("must be a single value, not a list or mapping") }
        return s.string
    }

    func int(min: Int? = nil, max: Int? = nil) throws(LessonError) -> Int {
        guard case .scalar(let s) = node else { throw error("must be a whole number, not \(describe)") }
        let digits = s.string.replacingOccurrences(of: "_", with: "")
        guard let v = Int(digits) else {
            // A whole number beyond Int is one, just too large (or too small) for any use here.
            if Field.isWholeNumber(digits) {
                if digits.hasPrefix("-") { throw error("must be at least \(min ?? Int.min), not \(describe)") }
                throw error("must be at most \(max ?? Int.max), not \(describe)")
            }
            throw error("must be a whole number, not \(describe)")
        }
        if let min, v < min { throw error("must be at least \(min), not \(v)") }
        if let max, v > max { throw error("must be at most \(max), not \(v)") }
        return v
    }

    /// A whole number from 0 to UInt64.max (seeds).
    func uint64() throws(LessonError) -> UInt64 {
        guard case .scalar(let s) = node else { throw error("must be a whole number, not \(describe)") }
        let digits = s.string.replacingOccurrences(of: "_", with: "")
        if let v = UInt64(digits) { return v }
        if Field.isWholeNumber(digits) {
            if digits.hasPrefix("-") { throw error("must be at least 0, not \(describe)") }
            throw error("must be at most \(UInt64.max), not \(describe)")
        }
        throw error("must be a whole number, not \(describe)")
    }

    /// Optional sign and decimal digits only.
    static func isWholeNumber(_ text: String) -> Bool {
        let body = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !body.isEmpty && body.allSatisfy { $0.isASCII && $0.isNumber }
    }

    func double() throws(LessonError) -> Double {
        guard case .scalar(let s) = node, let v = Double(s.string), v.isFinite else {
            throw error("must be a finite number, not \(describe)")
        }
        return v
    }

    func positiveDouble() throws(LessonError) -> Double {
        let v = try double()
        guard v > 0 else { throw error("must be positive, not \(v)") }
        return v
    }

    func bool() throws(LessonError) -> Bool {
        guard case .scalar(let s) = node else { throw error("must be true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("must be true or false, not \(s.string)")
        }
    }

    /// One of the given words.
    func choice(_ options: [String]) throws(LessonError) -> String {
        let v = try string()
        guard options.contains(v) else {
            throw error("is \"\(v)\"; expected one of \(options.joined(separator: ", "))")
        }
        return v
    }

    func list() throws(LessonError) -> [Field] {
        guard case .sequence(let seq) = node else { throw error("must be a list") }
        return seq.enumerated().map { Field(node: $0.element, path: "\(path)[\($0.offset)]", baseLine: baseLine, file: file, source: source) }
    }

    /// A scalar or a list of scalars, as a list.
    func listOrSingle() throws(LessonError) -> [Field] {
        if case .sequence = node { return try list() }
        return [self]
    }

    func doubles() throws(LessonError) -> [Double] {
        var out: [Double] = []
        for item in try list() { out.append(try item.double()) }
        return out
    }

    /// A matrix given as a list of rows.
    func rows() throws(LessonError) -> [[Double]] {
        var out: [[Double]] = []
        for row in try list() {
            out.append(try row.isScalar ? [row.double()] : row.doubles())
        }
        return out
    }

    /// A mapping whose keys must all be in `allowed` (any word with `acceptAny`, for mappings
    /// whose keys are the lesson's own names, such as `compare`'s variants).
    func mapping(allowed: [String], acceptAny: Bool = false) throws(LessonError) -> Options {
        guard case .mapping(let m) = node else {
            throw error("must be a mapping of options (key: value)")
        }
        var entries: [(String, Field)] = []
        for (k, v) in m {
            guard case .scalar(let key) = k else { throw error("has a key that is not a word") }
            let child = Field(node: v, path: path.isEmpty ? key.string : "\(path).\(key.string)", baseLine: baseLine, file: file, source: source)
            guard acceptAny || allowed.contains(key.string) else {
                throw child.error("is not a known option here (known: \(allowed.joined(separator: ", ")))")
            }
            guard acceptAny ? !entries.contains(where: { $0.0 == key.string }) : true else {
                throw child.error("appears twice")
            }
            entries.append((key.string, child))
        }
        return Options(field: self, entries: entries)
    }

    /// At most 60 characters of a quoted value (a million-digit number is not echoed whole),
    /// as the trace readers quote theirs.
    static func abbreviated(_ text: String) -> String { InputError.excerpt(text) }

    private var describe: String {
        switch node {
        case .scalar(let s): return "\"\(Field.abbreviated(s.string))\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}

/// The options of one action, looked up by key.
struct Options {
    let field: Field
    let entries: [(String, Field)]

    subscript(_ key: String) -> Field? { entries.first { $0.0 == key }?.1 }

    func required(_ key: String) throws(LessonError) -> Field {
        guard let f = self[key] else {
            throw LessonError(file: field.file, line: field.line, message: "\(field.path): needs \(key)")
        }
        return f
    }

    func error(_ message: String) -> LessonError { field.error(message) }
}
