import Foundation

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
