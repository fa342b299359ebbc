/// An error in an expression: what went wrong or what was expected, and the 1-based column (in
/// characters) where, so `lesson.md:LINE:` can be followed by something a reader can find.
struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var column: Int

    var description: String { "column \(column): \(message)" }
}
