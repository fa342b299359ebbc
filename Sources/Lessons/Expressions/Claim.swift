import Foundation
import Reports

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
    var measuredText: String { measuredText(language: "en") }

    /// The measured values for the report's table, in the page's language (`en` or `ko`).
    func measuredText(language: String) -> String {
        measured.map { "\($0.name) = \(Self.text($0.value, language: language))" }.joined(separator: ", ")
    }

    /// `expected lstm.test.accuracy > 0.9, measured lstm.test.accuracy = 0.42`
    var description: String {
        let values = measured.isEmpty ? "" : ", measured " + measuredText
        return holds ? claim + " holds" + values : "expected " + claim + values
    }

    /// A long series is shortened to its ends: the report row must stay one line.
    static func text(_ value: LessonValue, language: String = "en") -> String {
        switch value {
        case .number(let v): return NumberFormat.short(v)
        case .text(let s): return "\"" + s + "\""
        case .list(let l) where l.count <= 6: return "[" + l.map(NumberFormat.short).joined(separator: ", ") + "]"
        case .list(let l):
            let ends = l.prefix(3).map(NumberFormat.short) + ["…"] + l.suffix(2).map(NumberFormat.short)
            return "[" + ends.joined(separator: ", ") + "] " + (language == "ko" ? "(값 \(l.count)개)" : "(\(l.count) values)")
        }
    }
}
