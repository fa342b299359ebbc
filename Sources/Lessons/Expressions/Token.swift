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
