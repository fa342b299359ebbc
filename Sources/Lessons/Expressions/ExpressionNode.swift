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
