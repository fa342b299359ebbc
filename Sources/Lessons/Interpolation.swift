import Foundation
import Reports

/// Numbers in prose come from the run: `{{ expression }}` or `{{ expression | format }}` is
/// replaced by the formatted value, so the text never disagrees with the tables.
///
/// Fenced code blocks are left alone (they show the syntax); `\{{` writes a literal `{{`. A
/// placeholder that cannot be filled stays as written and becomes a problem with its line, which
/// the runner reports as `lesson.md:LINE: …`.
enum Interpolation {
    /// One placeholder that could not be filled; `line` and `column` are 1-based within the text
    /// given to `apply` (the column counts characters, so Hangul counts one each).
    struct Problem: Sendable, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String

        var description: String { "\(line):\(column): \(message)" }
    }

    struct Result: Sendable {
        var text: String
        var problems: [Problem]
    }

    static func apply(_ text: String, store: ValueStore) -> Result {
        var out = "", problems: [Problem] = []
        var fence: (mark: Character, count: Int)?
        var line = "", number = 1
        func finish(_ end: Character?) {
            if let open = fence {
                if closes(line, open) { fence = nil }
                out += line
            } else if let open = opens(line) {
                fence = open
                out += line
            } else {
                out += substitute(line, line: number, store: store, problems: &problems)
            }
            if let end { out.append(end) }
            line = ""
            number += 1
        }
        // Characters, not bytes: "\r\n" is one newline character and a Hangul syllable one letter.
        for c in text {
            if c.isNewline { finish(c) } else { line.append(c) }
        }
        finish(nil)
        return Result(text: out, problems: problems)
    }

    // MARK: Fences

    /// A fence is three or more ` or ~ (CommonMark; a ` fence's info string has no `).
    private static func opens(_ line: String) -> (mark: Character, count: Int)? {
        let rest = line.drop { $0 == " " || $0 == "\t" }
        guard let mark = rest.first, mark == "`" || mark == "~" else { return nil }
        let count = rest.prefix { $0 == mark }.count
        guard count >= 3 else { return nil }
        if mark == "`" && rest.dropFirst(count).contains("`") { return nil }
        return (mark, count)
    }

    private static func closes(_ line: String, _ open: (mark: Character, count: Int)) -> Bool {
        let rest = line.drop { $0 == " " || $0 == "\t" }
        let count = rest.prefix { $0 == open.mark }.count
        return count >= open.count && rest.dropFirst(count).allSatisfy(\.isWhitespace)
    }

    // MARK: Placeholders

    /// One line of prose; a placeholder must close on the line it opens on, so a stray `{{`
    /// cannot swallow a paragraph.
    private static func substitute(_ line: String, line number: Int, store: ValueStore, problems: inout [Problem]) -> String {
        let c = Array(line)
        var out = "", i = 0
        while i < c.count {
            if c[i] == "\\", i + 2 < c.count, c[i + 1] == "{", c[i + 2] == "{" {
                out += "{{"
                i += 3
                continue
            }
            guard c[i] == "{", i + 1 < c.count, c[i + 1] == "{" else {
                out.append(c[i])
                i += 1
                continue
            }
            guard let close = closing(c, from: i + 2) else {
                problems.append(Problem(line: number, column: i + 1,
                                        message: "'{{' is not closed on this line (write \\{{ for a literal {{)"))
                out += String(c[i...])
                break
            }
            let placeholder = String(c[i..<close + 2])
            do throws(ExpressionError) {
                out += try fill(c, from: i + 2, to: close, store: store)
            } catch {
                // Columns inside the placeholder become columns of the line.
                problems.append(Problem(line: number, column: i + 2 + error.column, message: placeholder + ": " + error.message))
                out += placeholder
            }
            i = close + 2
        }
        return out
    }

    /// The index of the `}}` closing a placeholder whose content starts at `start`.
    private static func closing(_ c: [Character], from start: Int) -> Int? {
        var j = start, quoted = false
        while j + 1 < c.count {
            if c[j] == "\"" { quoted.toggle() }
            if !quoted && c[j] == "}" && c[j + 1] == "}" { return j }
            j += 1
        }
        return nil
    }

    /// Evaluates and formats `c[start..<end]`; errors carry columns relative to `start`.
    private static func fill(_ c: [Character], from start: Int, to end: Int, store: ValueStore) throws(ExpressionError) -> String {
        // The format follows the first | outside a quoted text; expressions have no | of their own.
        var bar: Int?, quoted = false
        for j in start..<end {
            if c[j] == "\"" { quoted.toggle() }
            if !quoted && c[j] == "|" { bar = j; break }
        }
        let source = String(c[start..<(bar ?? end)])
        var format: Format?
        var column = indent(source) + 1  // a problem with the value points at its first character
        if let bar {
            let spec = String(c[(bar + 1)..<end])
            column = bar + 2 - start + indent(spec)
            format = try Format.parse(spec, column: column)
        }
        let value = try Expression.parse(source).evaluate(store)
        return try render(value, format, subject: source.trimmingCharacters(in: .whitespaces), column: column)
    }

    private static func indent(_ s: String) -> Int { s.prefix { $0.isWhitespace }.count }

    // MARK: Formats

    /// How a value is written in prose: `| percent`, `| fixed:2`, …
    enum Format: Sendable, Equatable {
        case short, fixed(Int), sig(Int), sci(Int), percent(Int), int, times(Int), yesno, list

        static let known = "short, fixed:N, sig:N, sci:N, percent, percent:N, int, grouped, times, times:N, yesno, list"

        static func parse(_ spec: String, column: Int) throws(ExpressionError) -> Format {
            let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw ExpressionError(message: "expected a format after '|' (\(known))", column: column) }
            var n: Int?
            if parts.count > 1 {
                let arg = parts[1].trimmingCharacters(in: .whitespaces)
                guard let v = Int(arg), (0...15).contains(v) else {
                    throw ExpressionError(message: "'\(name):\(arg)': N must be a whole number from 0 to 15", column: column)
                }
                n = v
            }
            func plain(_ format: Format) throws(ExpressionError) -> Format {
                guard n == nil else { throw ExpressionError(message: "format '\(name)' takes no ':N'", column: column) }
                return format
            }
            switch name {
            case "short": return try plain(.short)
            case "int", "grouped": return try plain(.int)
            case "yesno": return try plain(.yesno)
            case "list": return try plain(.list)
            case "percent": return .percent(n ?? 1)
            case "times": return .times(n ?? 1)
            case "sci": return .sci(n ?? 2)
            case "fixed":
                guard let n else { throw ExpressionError(message: "format 'fixed' needs a number of decimals, as in fixed:2", column: column) }
                return .fixed(n)
            case "sig":
                guard let n, n >= 1 else {
                    throw ExpressionError(message: "format 'sig' needs a number of significant digits from 1, as in sig:3", column: column)
                }
                return .sig(n)
            default:
                throw ExpressionError(message: "unknown format '\(name)'; known formats: \(known)", column: column)
            }
        }
    }

    static func render(_ value: ExpressionValue, _ format: Format?, subject: String, column: Int) throws(ExpressionError) -> String {
        func problem(_ message: String) -> ExpressionError { ExpressionError(message: message, column: column) }
        switch value {
        case .text(let s):
            guard format == nil else { throw problem("\(subject) is text; formats apply to numbers") }
            return Escape.markdown(s)
        case .boolean(let b):
            switch format {
            case nil: return b ? "true" : "false"
            case .yesno?: return b ? "yes" : "no"
            default: throw problem("\(subject) is true/false; use | yesno or no format")
            }
        case .list(let l):
            guard format == .list else {
                throw problem("\(subject) is a list of \(l.count) values; use first(), last(), an index [k] or | list")
            }
            return l.map(NumberFormat.short).joined(separator: ", ")
        case .number(let v):
            if format == .yesno { throw problem("\(subject) is a number; yesno is for comparisons (true/false)") }
            if format == .list { throw problem("\(subject) is a number, not a list") }
            // Whatever the format: "NaN%" or "∞×" would read as a measured value.
            if !v.isFinite { return NumberFormat.short(v) }
            switch format ?? .short {
            case .short: return NumberFormat.short(v)
            case .fixed(let n): return NumberFormat.fixed(v, n)
            case .sig(let n): return significant(v, n)
            case .sci(let n): return scientific(v, n)
            case .percent(let n): return NumberFormat.fixed(v * 100, n) + "%"
            case .times(let n): return NumberFormat.fixed(v, n) + "×"
            case .int:
                let r = v.rounded()
                return Swift.abs(r) < 9e18 ? NumberFormat.grouped(Int(r)) : NumberFormat.short(v)
            case .yesno, .list: return NumberFormat.short(v)  // refused above
            }
        }
    }

    /// `n` significant digits in positional notation, trailing zeros kept (0.500 for sig:3).
    static func significant(_ v: Double, _ n: Int) -> String {
        guard v != 0 else { return n > 1 ? "0." + String(repeating: "0", count: n - 1) : "0" }
        var e = Int(Foundation.floor(Foundation.log10(Swift.abs(v))))
        // 9.996 to 3 digits is 10.0: rounding may carry into one more integer digit.
        if (Swift.abs(v) * pow(10, Double(n - 1 - e))).rounded() >= pow(10, Double(n)) { e += 1 }
        let decimals = n - 1 - e
        if decimals >= 0 { return String(format: "%.\(decimals)f", v) }
        let unit = pow(10, Double(-decimals))
        return String(format: "%.0f", (v / unit).rounded() * unit)
    }

    /// `1.23 × 10⁻⁴`: always with its mantissa, so sci:2 reads the same for every value (without
    /// the power when it is 10⁰).
    static func scientific(_ v: Double, _ n: Int) -> String {
        let s = String(format: "%.\(n)e", v)  // 1.23e-04; printf does the rounding and the carry
        let parts = s.split(separator: "e")
        guard parts.count == 2, let e = Int(parts[1]) else { return s }
        // × 10⁰ says nothing: 1.81, not 1.81 × 10⁰.
        return e == 0 ? String(parts[0]) : String(parts[0]) + " × " + NumberFormat.powerOfTen(e)
    }
}
