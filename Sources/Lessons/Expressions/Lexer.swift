/// Splits an expression into tokens. Columns count characters, so Hangul counts one each.
struct ExpressionLexer {
    private let chars: [Character]
    private var i = 0

    init(_ text: String) { chars = Array(text) }

    mutating func tokens() throws(ExpressionError) -> [ExpressionToken] {
        var out: [ExpressionToken] = []
        while let c = peek() {
            if c.isWhitespace {
                i += 1
            } else if c.isDigit || (c == "." && peek(1)?.isDigit == true) {
                out.append(try number())
            } else if c.isLetter || c == "_" {
                out.append(try name())
            } else if c == "\"" {
                out.append(try string())
            } else {
                out.append(try symbol())
            }
        }
        out.append(ExpressionToken(kind: .end, text: "the end", column: chars.count + 1))
        return out
    }

    private func peek(_ k: Int = 0) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    /// Digits with optional `_` separators between them (`1_000`).
    private mutating func digits() -> String {
        var s = ""
        while let c = peek(), c.isDigit || (c == "_" && !s.isEmpty && peek(1)?.isDigit == true) {
            if c != "_" { s.append(c) }
            i += 1
        }
        return s
    }

    private mutating func number() throws(ExpressionError) -> ExpressionToken {
        let start = i
        var text = digits()
        if peek() == ".", peek(1)?.isDigit == true {
            i += 1
            text += "." + digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1) == "-" || peek(1) == "+" ? 1 : 0
            if peek(1 + sign)?.isDigit == true {
                text += "e" + (sign == 1 ? String(chars[i + 1]) : "")
                i += 1 + sign
                text += digits()
            }
        }
        guard var value = Double(text) else {
            throw ExpressionError(message: "'\(String(chars[start..<i]))' is not a number", column: start + 1)
        }
        let percent = peek() == "%"
        if percent {
            i += 1
            value /= 100
        }
        return ExpressionToken(kind: .number(value, percent: percent), text: String(chars[start..<i]), column: start + 1)
    }

    /// A dotted name and its bracket key, as one string: the store is keyed by the whole text.
    private mutating func name() throws(ExpressionError) -> ExpressionToken {
        let start = i
        var name = ""
        while let c = peek(), c.isLetter || c.isDigit || c == "_" || c == "." {
            if c == ".", !(peek(1).map { $0.isLetter || $0.isDigit || $0 == "_" } ?? false) {
                throw ExpressionError(message: "expected a letter or digit after '\(name).'", column: i + 2)
            }
            name.append(c)
            i += 1
        }
        var j = i
        while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
        if j < chars.count, chars[j] == "[" {
            let open = j
            var key = ""
            j += 1
            while j < chars.count, chars[j] != "]" {
                if chars[j] == "[" || chars[j].isNewline { break }
                // `sweep.jacobian[ 0.5 ]` is the value set as `sweep.jacobian[0.5]`.
                if !chars[j].isWhitespace { key.append(chars[j]) }
                j += 1
            }
            guard j < chars.count, chars[j] == "]" else {
                throw ExpressionError(message: "expected ']' to close the '[' after \(name)", column: open + 1)
            }
            guard !key.isEmpty else {
                throw ExpressionError(message: "expected a key between '[' and ']' after \(name), such as \(name)[0]", column: open + 1)
            }
            name += "[" + key + "]"
            i = j + 1
        }
        return ExpressionToken(kind: .name(name), text: name, column: start + 1)
    }

    private mutating func string() throws(ExpressionError) -> ExpressionToken {
        let start = i
        var s = ""
        i += 1
        while let c = peek(), c != "\"" {
            if c == "\\", let next = peek(1) {
                s.append(next)
                i += 2
            } else {
                s.append(c)
                i += 1
            }
        }
        guard peek() == "\"" else {
            throw ExpressionError(message: "expected '\"' to close the text started here", column: start + 1)
        }
        i += 1
        return ExpressionToken(kind: .string(s), text: String(chars[start..<i]), column: start + 1)
    }

    private static let pairs: Set<String> = ["<=", ">=", "==", "!="]
    /// Typographic spellings are accepted because lesson prose is often pasted from a paper.
    private static let singles: [Character: String] = [
        "+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "/": "/", "^": "^", "(": "(", ")": ")",
        ",": ",", "<": "<", ">": ">", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "≈",
    ]
    private static let hints: [Character: String] = [
        "=": "use == to compare", "!": "use != or not", "&": "use and", "|": "use or",
        "%": "a percent sign goes right after a number (5%)",
        "[": "a key in brackets goes right after a name (sweep.jacobian[0.5])",
    ]

    private mutating func symbol() throws(ExpressionError) -> ExpressionToken {
        let start = i
        guard let c = peek() else { throw ExpressionError(message: "unexpected end", column: start + 1) }
        if let next = peek(1), Self.pairs.contains(String(c) + String(next)) {
            i += 2
            return ExpressionToken(kind: .symbol(String(c) + String(next)), text: String(c) + String(next), column: start + 1)
        }
        if let s = Self.singles[c] {
            i += 1
            return ExpressionToken(kind: .symbol(s), text: String(c), column: start + 1)
        }
        throw ExpressionError(message: "unexpected character '\(c)'" + (Self.hints[c].map { "; \($0)" } ?? ""), column: start + 1)
    }
}

private extension Character {
    var isDigit: Bool { isASCII && isWholeNumber }
}
