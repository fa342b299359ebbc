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
