import Reports

/// The small language of `expect:` claims and `{{ … }}` in prose, parsed into a tree and
/// evaluated against a run's values in a second pass (KaTeX's split: `Parser.js`, then
/// `buildMathML.js`), so the tree can be tested on its own and errors carry their column.
/// The grammar is on `ExpressionParser`.
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
