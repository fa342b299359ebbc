import Foundation
import Reports

/// The small language of `expect:` claims and `{{ … }}` in prose, parsed into a tree and
/// evaluated against a run's values in a second pass (KaTeX's split: `Parser.js`, then
/// `buildMathML.js`), so the tree can be tested on its own and errors carry their column.
///
/// ```
/// expr     := or
/// or       := and ("or" and)*
/// and      := not ("and" not)*
/// not      := "not" not | compare
/// compare  := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)* ["within" NUMBER ["%"]]
/// sum      := product (("+" | "-") product)*
/// product  := unary (("*" | "/") unary)*
/// unary    := "-" unary | power
/// power    := primary ["^" unary]                 -- right-associative, -2^2 = -4
/// primary  := NUMBER ["%"] | STRING | NAME | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"
/// NAME     := letter (letter | digit | "_" | ".")* ["[" key "]"]   -- looked up as one string
/// ```
struct Expression: Sendable {
    /// Longer or deeper expressions are errors, so a runaway one cannot exhaust the stack.
    static let maxLength = 2_000
    static let maxDepth = 64

    let text: String
    let root: ExpressionNode

    static func parse(_ text: String) throws(ExpressionError) -> Expression {
        let count = text.count
        guard count <= maxLength else {
            throw ExpressionError(message: "an expression may be at most 2,000 characters long; this one has \(NumberFormat.grouped(count))",
                                  column: maxLength + 1)
        }
        var lexer = ExpressionLexer(text)
        var parser = ExpressionParser(tokens: try lexer.tokens())
        return Expression(text: text, root: try parser.parseAll())
    }

    func evaluate(_ store: ValueStore) throws(ExpressionError) -> ExpressionValue {
        try ExpressionEvaluator(store: store).value(root)
    }

    /// Every name the expression reads, in order of appearance, each once.
    var names: [String] {
        var out: [String] = [], seen: Set<String> = []
        func walk(_ node: ExpressionNode) {
            if case .name(let n) = node.kind, seen.insert(n).inserted { out.append(n) }
            node.children.forEach(walk)
        }
        walk(root)
        return out
    }
}

/// An error in an expression: what went wrong or what was expected, and the 1-based column (in
/// characters) where, so `lesson.md:LINE:` can be followed by something a reader can find.
struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var column: Int

    var description: String { "column \(column): \(message)" }
}

/// What an expression evaluates to. Booleans exist only here (comparisons), not in the store.
enum ExpressionValue: Sendable, Equatable {
    case number(Double)
    case boolean(Bool)
    case list([Double])
    case text(String)

    init(_ value: LessonValue) {
        switch value {
        case .number(let v): self = .number(v)
        case .list(let l): self = .list(l)
        case .text(let s): self = .text(s)
        }
    }
}

/// A claim a lesson makes about its run (`expect: lstm.test.accuracy > 0.9`): an expression
/// that must come out true or false, checked against the values measured.
struct Claim: Sendable {
    let text: String
    let expression: Expression

    static func parse(_ text: String) throws(ExpressionError) -> Claim {
        let expression = try Expression.parse(text)
        // Checked before the run, so `expect: lstm.test.accuracy` fails before training, not after.
        try requireBoolean(expression.root)
        return Claim(text: text.trimmingCharacters(in: .whitespacesAndNewlines), expression: expression)
    }

    private static func requireBoolean(_ node: ExpressionNode) throws(ExpressionError) {
        switch node.kind {
        case .compare, .within: return
        case .call(let f, _) where f.isPredicate: return
        case .not(let x): try requireBoolean(x)
        case .and(let l, let r), .or(let l, let r): try requireBoolean(l); try requireBoolean(r)
        default: throw ExpressionError(message: "a claim must compare (use < <= > >= == !=)", column: node.column)
        }
    }

    func check(_ store: ValueStore) throws(ExpressionError) -> ClaimResult {
        guard case .boolean(let holds) = try expression.evaluate(store) else {
            throw ExpressionError(message: "a claim must compare (use < <= > >= == !=)", column: 1)
        }
        let measured = expression.names.compactMap { name in store[name].map { (name: name, value: $0) } }
        return ClaimResult(claim: text, holds: holds, measured: measured)
    }
}

/// Whether a claim held, and every value it read, for the report's
/// `claim | measured: lstm.test.accuracy = 0.9531 | ✓` row and the failure message.
struct ClaimResult: Sendable, CustomStringConvertible {
    let claim: String
    let holds: Bool
    let measured: [(name: String, value: LessonValue)]

    /// `lstm.test.accuracy = 0.9531, rnn.test.accuracy = 0.25`
    var measuredText: String {
        measured.map { "\($0.name) = \(Self.text($0.value))" }.joined(separator: ", ")
    }

    /// `expected lstm.test.accuracy > 0.9, measured lstm.test.accuracy = 0.42`
    var description: String {
        let values = measured.isEmpty ? "" : ", measured " + measuredText
        return holds ? claim + " holds" + values : "expected " + claim + values
    }

    /// A long series is shortened to its ends: the report row must stay one line.
    static func text(_ value: LessonValue) -> String {
        switch value {
        case .number(let v): return NumberFormat.short(v)
        case .text(let s): return "\"" + s + "\""
        case .list(let l) where l.count <= 6: return "[" + l.map(NumberFormat.short).joined(separator: ", ") + "]"
        case .list(let l):
            let ends = l.prefix(3).map(NumberFormat.short) + ["…"] + l.suffix(2).map(NumberFormat.short)
            return "[" + ends.joined(separator: ", ") + "] (\(l.count) values)"
        }
    }
}

// MARK: - The tree

/// One node of a parsed expression; `column` is where its text starts, for errors found while
/// evaluating (an unknown name, a list where a number is needed).
struct ExpressionNode: Sendable, Equatable, CustomStringConvertible {
    indirect enum Kind: Sendable, Equatable {
        case number(Double)
        case text(String)
        case name(String)
        case negate(ExpressionNode)
        case arithmetic(ArithmeticOperator, ExpressionNode, ExpressionNode)
        case call(ExpressionFunction, [ExpressionNode])
        /// `a < b <= c`: operands.count == operators.count + 1, every neighbouring pair must hold.
        case compare([ExpressionNode], [Comparison])
        case within(ExpressionNode, ExpressionNode, Tolerance)
        case not(ExpressionNode)
        case and(ExpressionNode, ExpressionNode)
        case or(ExpressionNode, ExpressionNode)
    }

    var kind: Kind
    var column: Int

    /// The operands in the order they are written.
    var children: [ExpressionNode] {
        switch kind {
        case .number, .text, .name: return []
        case .negate(let x), .not(let x): return [x]
        case .arithmetic(_, let l, let r), .within(let l, let r, _), .and(let l, let r), .or(let l, let r): return [l, r]
        case .call(_, let args): return args
        case .compare(let operands, _): return operands
        }
    }

    /// Fully parenthesised, so a test can read precedence off the string.
    var description: String {
        switch kind {
        case .number(let v): return ValueStore.keyText(v)
        case .text(let s): return "\"" + s + "\""
        case .name(let n): return n
        case .negate(let x): return "(-\(x))"
        case .arithmetic(let op, let l, let r): return "(\(l) \(op.rawValue) \(r))"
        case .call(let f, let args): return f.rawValue + "(" + args.map(\.description).joined(separator: ", ") + ")"
        case .compare(let operands, let ops):
            var s = "(" + operands[0].description
            for (op, x) in zip(ops, operands.dropFirst()) { s += " \(op.rawValue) \(x)" }
            return s + ")"
        case .within(let l, let r, let t): return "(\(l) == \(r) within \(t))"
        case .not(let x): return "(not \(x))"
        case .and(let l, let r): return "(\(l) and \(r))"
        case .or(let l, let r): return "(\(l) or \(r))"
        }
    }
}

enum ArithmeticOperator: String, Sendable {
    case plus = "+", minus = "-", times = "*", divide = "/", power = "^"
}

enum Comparison: String, Sendable {
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="
}

/// `within 5%` compares relative to the larger magnitude; `within 0.01` is absolute.
enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    case relative(Double)
    case absolute(Double)

    var description: String {
        switch self {
        case .relative(let f): return ValueStore.keyText(f * 100) + "%"
        case .absolute(let d): return ValueStore.keyText(d)
        }
    }
}

/// The functions an expression may call; the parser checks the argument count.
enum ExpressionFunction: String, Sendable, CaseIterable {
    case abs, min, max, log10, ln, exp, sqrt
    case first, last, len, sum, mean, median
    case decreasing, increasing, nonincreasing, nondecreasing

    /// min and max take one list or several numbers; every other function takes one argument.
    var takesSeveral: Bool { self == .min || self == .max }
    var isPredicate: Bool { [.decreasing, .increasing, .nonincreasing, .nondecreasing].contains(self) }
}

// MARK: - Lexer

/// One token, with its text as written (for messages) and the column where it starts.
struct ExpressionToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Double, percent: Bool)
        case name(String)
        case string(String)
        /// Operators and punctuation, spelled in ASCII (`≤` arrives as `<=`) except `≈`.
        case symbol(String)
        case end
    }

    var kind: Kind
    var text: String
    var column: Int
}

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

// MARK: - Parser

/// Recursive descent over the tokens, one function per precedence level (see `Expression`).
struct ExpressionParser {
    private let tokens: [ExpressionToken]
    private var at = 0
    private var depth = 0
    private static let keywords: Set<String> = ["and", "or", "not", "within"]

    init(tokens: [ExpressionToken]) { self.tokens = tokens }

    private var current: ExpressionToken { tokens[Swift.min(at, tokens.count - 1)] }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol(s) }
    private func isWord(_ w: String) -> Bool { current.kind == .name(w) }

    private mutating func advance() -> ExpressionToken {
        let t = current
        if at < tokens.count - 1 { at += 1 }
        return t
    }

    private func error(_ message: String) -> ExpressionError {
        ExpressionError(message: message, column: current.column)
    }

    private func found() -> String {
        current.kind == .end ? "the expression ended" : "found '\(current.text)'"
    }

    mutating func parseAll() throws(ExpressionError) -> ExpressionNode {
        if current.kind == .end { throw error("the expression is empty") }
        let node = try expression()
        guard current.kind == .end else { throw error("expected an operator or the end, found '\(current.text)'") }
        return node
    }

    /// Every level that can recurse into itself passes through here, so the depth is bounded.
    private mutating func nested(_ parse: (inout Self) throws(ExpressionError) -> ExpressionNode) throws(ExpressionError) -> ExpressionNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Expression.maxDepth else { throw error("the expression is nested more than \(Expression.maxDepth) deep") }
        return try parse(&self)
    }

    private mutating func expression() throws(ExpressionError) -> ExpressionNode {
        try nested { (p: inout Self) throws(ExpressionError) in try p.or() }
    }

    private mutating func or() throws(ExpressionError) -> ExpressionNode {
        try chain({ (p: inout Self) throws(ExpressionError) in try p.and() }, Self.word("or") { .or($0, $1) })
    }

    private mutating func and() throws(ExpressionError) -> ExpressionNode {
        try chain({ (p: inout Self) throws(ExpressionError) in try p.not() }, Self.word("and") { .and($0, $1) })
    }

    private typealias Join = (ExpressionNode, ExpressionNode) -> ExpressionNode.Kind

    /// A left-associative chain `a op b op c`; `join` says which tokens continue it, and into what.
    private mutating func chain(_ operand: (inout Self) throws(ExpressionError) -> ExpressionNode,
                                _ join: (ExpressionToken.Kind) -> Join?) throws(ExpressionError) -> ExpressionNode {
        var left = try operand(&self)
        while let make = join(current.kind) {
            _ = advance()
            left = ExpressionNode(kind: make(left, try operand(&self)), column: left.column)
        }
        return left
    }

    private static func word(_ w: String, _ make: @escaping Join) -> (ExpressionToken.Kind) -> Join? {
        { token in token == .name(w) ? make : nil }
    }

    private static func arithmetic(_ token: ExpressionToken.Kind, _ ops: [ArithmeticOperator]) -> Join? {
        guard case .symbol(let s) = token, let op = ops.first(where: { $0.rawValue == s }) else { return nil }
        return { .arithmetic(op, $0, $1) }
    }

    private mutating func not() throws(ExpressionError) -> ExpressionNode {
        guard isWord("not") else { return try comparison() }
        let column = advance().column
        return ExpressionNode(kind: .not(try nested { (p: inout Self) throws(ExpressionError) in try p.not() }), column: column)
    }

    private static let comparisons: [String: Comparison] = [
        "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual, "==": .equal, "!=": .notEqual, "≈": .equal,
    ]

    private mutating func comparison() throws(ExpressionError) -> ExpressionNode {
        let first = try sum()
        var operands = [first], ops: [Comparison] = []
        var approx: Int?  // column of a `≈`, which means nothing without `within`
        while case .symbol(let s) = current.kind, let op = Self.comparisons[s] {
            if s == "≈" { approx = current.column }
            _ = advance()
            ops.append(op)
            operands.append(try sum())
        }
        if isWord("within") {
            guard ops == [.equal] else {
                throw error("'within' applies to one == comparison, as in a == b within 5%")
            }
            _ = advance()
            guard case .number(let t, let percent) = current.kind else {
                throw error("expected a tolerance after 'within' (5% relative, 0.01 absolute), but \(found())")
            }
            _ = advance()
            return ExpressionNode(kind: .within(operands[0], operands[1], percent ? .relative(t) : .absolute(t)), column: first.column)
        }
        if let approx { throw ExpressionError(message: "'≈' needs a tolerance, as in a ≈ b within 5%", column: approx) }
        return ops.isEmpty ? first : ExpressionNode(kind: .compare(operands, ops), column: first.column)
    }

    private mutating func sum() throws(ExpressionError) -> ExpressionNode {
        try chain({ (p: inout Self) throws(ExpressionError) in try p.product() }) { Self.arithmetic($0, [.plus, .minus]) }
    }

    private mutating func product() throws(ExpressionError) -> ExpressionNode {
        try chain({ (p: inout Self) throws(ExpressionError) in try p.unary() }) { Self.arithmetic($0, [.times, .divide]) }
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        guard isSymbol("-") else { return try power() }
        let column = advance().column
        return ExpressionNode(kind: .negate(try nested { (p: inout Self) throws(ExpressionError) in try p.unary() }), column: column)
    }

    private mutating func power() throws(ExpressionError) -> ExpressionNode {
        let base = try primary()
        guard isSymbol("^") else { return base }
        _ = advance()
        // The exponent is a unary, so 2^-1 works and 2^3^2 is 2^(3^2).
        let exponent = try nested { (p: inout Self) throws(ExpressionError) in try p.unary() }
        return ExpressionNode(kind: .arithmetic(.power, base, exponent), column: base.column)
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .number(let v, _):
            _ = advance()
            return ExpressionNode(kind: .number(v), column: token.column)
        case .string(let s):
            _ = advance()
            return ExpressionNode(kind: .text(s), column: token.column)
        case .name(let name) where !Self.keywords.contains(name):
            _ = advance()
            guard isSymbol("(") else { return ExpressionNode(kind: .name(name), column: token.column) }
            return try call(name, at: token.column)
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            guard isSymbol(")") else { throw error("expected ')' to close the '(' at column \(token.column), but \(found())") }
            _ = advance()
            return inner
        default:
            throw error("expected a number, a name or '(', but \(found())")
        }
    }

    private mutating func call(_ name: String, at column: Int) throws(ExpressionError) -> ExpressionNode {
        guard let f = ExpressionFunction(rawValue: name) else {
            let known = ExpressionFunction.allCases.map(\.rawValue).joined(separator: ", ")
            throw ExpressionError(message: "unknown function '\(name)'; known functions: \(known)", column: column)
        }
        let open = advance().column
        var args: [ExpressionNode] = []
        if !isSymbol(")") {
            args.append(try expression())
            while isSymbol(",") {
                _ = advance()
                args.append(try expression())
            }
        }
        guard isSymbol(")") else { throw error("expected ',' or ')' to close the '(' at column \(open), but \(found())") }
        _ = advance()
        if args.isEmpty || (args.count > 1 && !f.takesSeveral) {
            let wanted = f.takesSeveral ? "one list or several numbers" : "one argument"
            throw ExpressionError(message: "\(name)() takes \(wanted), not \(args.count)", column: column)
        }
        return ExpressionNode(kind: .call(f, args), column: column)
    }
}

// MARK: - Evaluator

/// Evaluates a tree against the run's values. Division by zero and NaN are results, not errors:
/// a diverged run must still be reportable, and any comparison with NaN is false.
struct ExpressionEvaluator {
    let store: ValueStore

    func value(_ node: ExpressionNode) throws(ExpressionError) -> ExpressionValue {
        switch node.kind {
        case .number(let v): return .number(v)
        case .text(let s): return .text(s)
        case .name(let name):
            guard let v = store[name] else { throw ExpressionError(message: unknownName(name), column: node.column) }
            return ExpressionValue(v)
        case .negate(let x):
            return .number(-(try number(x, for: "'-'")))
        case .arithmetic(let op, let l, let r):
            let a = try number(l, for: "'\(op.rawValue)'"), b = try number(r, for: "'\(op.rawValue)'")
            switch op {
            case .plus: return .number(a + b)
            case .minus: return .number(a - b)
            case .times: return .number(a * b)
            case .divide: return .number(a / b)
            case .power: return .number(pow(a, b))
            }
        case .call(let f, let args):
            return try call(f, args)
        case .compare(let operands, let ops):
            var values: [ExpressionValue] = []
            for x in operands { values.append(try value(x)) }
            // Every pair is checked (no short cut), so a type error anywhere is reported.
            var holds = true
            for (k, op) in ops.enumerated() {
                holds = try compare(values[k], operands[k], op, values[k + 1], operands[k + 1]) && holds
            }
            return .boolean(holds)
        case .within(let l, let r, let tolerance):
            let a = try number(l, for: "'within'"), b = try number(r, for: "'within'")
            let bound: Double
            switch tolerance {
            case .relative(let f): bound = f * Swift.max(Swift.abs(a), Swift.abs(b))
            case .absolute(let d): bound = d
            }
            return .boolean(Swift.abs(a - b) <= bound)  // false when either is NaN
        case .not(let x):
            return .boolean(!(try boolean(x, for: "'not'")))
        case .and(let l, let r):
            let a = try boolean(l, for: "'and'"), b = try boolean(r, for: "'and'")
            return .boolean(a && b)
        case .or(let l, let r):
            let a = try boolean(l, for: "'or'"), b = try boolean(r, for: "'or'")
            return .boolean(a || b)
        }
    }

    /// A misspelt name is told apart from an index past the end of a list, and answered with the
    /// names that share its first component (at most 8) or, failing that, the first components.
    func unknownName(_ name: String) -> String {
        if let open = name.lastIndex(of: "["), case .list(let items)? = store[String(name[..<open])] {
            let base = String(name[..<open])
            return items.isEmpty ? "\(name): \(base) is an empty list"
                : "\(name): \(base) is a list of \(items.count) values (indices 0…\(items.count - 1))"
        }
        let first = String(name.prefix { $0 != "." && $0 != "[" })
        let known = store.names(startingWith: first).filter { n in
            n.count == first.count || [".", "["].contains(n.dropFirst(first.count).first)
        }
        if known.isEmpty {
            var firsts: [String] = []
            for n in store.names {
                let f = String(n.prefix { $0 != "." && $0 != "[" })
                if !firsts.contains(f) { firsts.append(f) }
            }
            return "unknown name '\(name)'; no value's name starts with '\(first)'"
                + (firsts.isEmpty ? " (no values are set yet)" : "; names start with: " + Self.atMost8(firsts))
        }
        // Closest first, so the name meant is among the 8 shown even in a crowded prefix.
        let ranked = known.enumerated().map { (distance: Self.editDistance($0.element, name), order: $0.offset, name: $0.element) }
            .sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.map(\.name)
        return "unknown name '\(name)'; known names starting with '\(first)': " + Self.atMost8(ranked)
    }

    /// Levenshtein distance in characters (names are short: a row at a time is enough).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var row = Array(0...b.count)  // distances from the first i characters of a to each prefix of b
        for (i, ca) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, cb) in b.enumerated() {
                let replaced = diagonal + (ca == cb ? 0 : 1)
                diagonal = row[j + 1]
                row[j + 1] = Swift.min(replaced, row[j + 1] + 1, row[j] + 1)
            }
        }
        return row[b.count]
    }

    private static func atMost8(_ names: [String]) -> String {
        names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count - 8) more)" : "")
    }

    private func number(_ node: ExpressionNode, for context: String) throws(ExpressionError) -> Double {
        let v = try value(node)
        guard case .number(let x) = v else { throw typeError(node, v, needs: "a number", for: context) }
        return x
    }

    private func list(_ node: ExpressionNode, for context: String) throws(ExpressionError) -> [Double] {
        let v = try value(node)
        guard case .list(let l) = v else { throw typeError(node, v, needs: "a list", for: context) }
        return l
    }

    private func boolean(_ node: ExpressionNode, for context: String) throws(ExpressionError) -> Bool {
        let v = try value(node)
        guard case .boolean(let b) = v else { throw typeError(node, v, needs: "a comparison (true or false)", for: context) }
        return b
    }

    private func typeError(_ node: ExpressionNode, _ value: ExpressionValue, needs: String, for context: String) -> ExpressionError {
        ExpressionError(message: "\(context) needs \(needs), but " + Self.describe(node, value), column: node.column)
    }

    /// `lstm.loss is a list of 10 values; use first(), …`: the name if there is one.
    static func describe(_ node: ExpressionNode, _ value: ExpressionValue) -> String {
        var subject = "this"
        if case .name(let n) = node.kind { subject = n }
        switch value {
        case .number: return subject + " is a number"
        case .boolean: return subject + " is true/false"
        case .text: return subject + " is text"
        case .list(let l): return subject + " is a list of \(l.count) values; use first(), last(), an index [k] or a function of the list"
        }
    }

    private func compare(_ a: ExpressionValue, _ an: ExpressionNode, _ op: Comparison,
                         _ b: ExpressionValue, _ bn: ExpressionNode) throws(ExpressionError) -> Bool {
        let equality = op == .equal || op == .notEqual
        switch (a, b) {
        case (.number(let x), .number(let y)):
            // NaN makes every comparison false, != included, so a diverged run fails its claims.
            if x.isNaN || y.isNaN { return false }
            switch op {
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            case .equal: return x == y
            case .notEqual: return x != y
            }
        case (.text(let x), .text(let y)) where equality: return (x == y) == (op == .equal)
        case (.boolean(let x), .boolean(let y)) where equality: return (x == y) == (op == .equal)
        case (.text, _), (_, .text):
            let message = equality ? "'\(op.rawValue)' compares text only with text (a quoted \"…\")"
                : "text can only be compared with == or != to a quoted \"…\""
            let node = if case .text = a { an } else { bn }
            throw ExpressionError(message: message, column: node.column)
        default:
            let (bad, node) = if case .number = a { (b, bn) } else { (a, an) }
            throw typeError(node, bad, needs: "a number", for: "'\(op.rawValue)'")
        }
    }

    private func call(_ f: ExpressionFunction, _ args: [ExpressionNode]) throws(ExpressionError) -> ExpressionValue {
        let context = f.rawValue + "()"
        switch f {
        case .abs, .log10, .ln, .exp, .sqrt:
            let x = try number(args[0], for: context)
            switch f {
            case .abs: return .number(Swift.abs(x))
            case .log10: return .number(Foundation.log10(x))
            case .ln: return .number(Foundation.log(x))
            case .exp: return .number(Foundation.exp(x))
            default: return .number(x.squareRoot())
            }
        case .min, .max:
            var xs: [Double] = []
            for node in args {
                let v = try value(node)
                switch v {
                case .list(let l) where args.count == 1: xs = l
                case .number(let x): xs.append(x)
                default: throw typeError(node, v, needs: "one list or several numbers", for: context)
                }
            }
            if xs.isEmpty || xs.contains(where: \.isNaN) { return .number(.nan) }
            return .number((f == .min ? xs.min() : xs.max()) ?? .nan)
        case .first, .last, .len, .sum, .mean, .median:
            let l = try list(args[0], for: context)
            // An empty or diverged series gives NaN, which fails any claim, rather than an error.
            switch f {
            case .first: return .number(l.first ?? .nan)
            case .last: return .number(l.last ?? .nan)
            case .len: return .number(Double(l.count))
            case .sum: return .number(l.reduce(0, +))
            case .mean: return .number(l.isEmpty ? .nan : l.reduce(0, +) / Double(l.count))
            default:
                if l.isEmpty || l.contains(where: \.isNaN) { return .number(.nan) }
                let s = l.sorted(), m = s.count / 2
                return .number(s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2)
            }
        case .decreasing, .increasing, .nonincreasing, .nondecreasing:
            let l = try list(args[0], for: context)
            let pairs = zip(l, l.dropFirst())
            // A NaN anywhere fails every pair it is in: a diverged series is not monotonic.
            switch f {
            case .decreasing: return .boolean(pairs.allSatisfy { $0 > $1 })
            case .increasing: return .boolean(pairs.allSatisfy { $0 < $1 })
            case .nonincreasing: return .boolean(pairs.allSatisfy { $0 >= $1 })
            default: return .boolean(pairs.allSatisfy { $0 <= $1 })
            }
        }
    }
}
