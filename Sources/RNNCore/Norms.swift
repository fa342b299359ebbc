/// ‖x‖₂ without squaring entries that may exceed 1e154 (or underflow below 1e−154): entries are
/// scaled by an exact power of two near the largest magnitude first, as LAPACK's dnrm2 does.
/// Returns +∞ if an entry is infinite and NaN if one is NaN.
public func euclideanNorm<C: Collection>(_ x: C) -> Double where C.Element == Double {
    var largest = 0.0
    for value in x {
        if value.isNaN { return .nan }
        largest = max(largest, abs(value))
    }
    if largest == 0 || largest.isInfinite { return largest }
    let exponent = largest.exponent
    var sum = 0.0
    for value in x {
        let scaled = Double(sign: .plus, exponent: -exponent, significand: abs(value))
        sum += scaled * scaled
    }
    return Double(sign: .plus, exponent: exponent, significand: sum.squareRoot())
}

/// The largest magnitude in x (the scale m of the trace's agreement tolerance).
public func maxMagnitude<C: Collection>(_ x: C) -> Double where C.Element == Double {
    x.reduce(0) { max($0, abs($1)) }
}
