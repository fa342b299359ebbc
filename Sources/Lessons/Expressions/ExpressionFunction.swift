/// The functions an expression may call; the parser checks the argument count.
enum ExpressionFunction: String, Sendable, CaseIterable {
    case abs, min, max, log10, ln, exp, sqrt
    case first, last, len, sum, mean, median
    case decreasing, increasing, nonincreasing, nondecreasing

    /// min and max take one list or several numbers; every other function takes one argument.
    var takesSeveral: Bool { self == .min || self == .max }
    var isPredicate: Bool { [.decreasing, .increasing, .nonincreasing, .nondecreasing].contains(self) }
}
