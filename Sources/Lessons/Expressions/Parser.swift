/// Recursive descent over the tokens, one function per precedence level:
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
