import RNNKernels

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

/// The largest magnitude in x (the scale m of the trace's agreement tolerance); NaN if any
/// entry is NaN.
public func maxMagnitude<C: Collection>(_ x: C) -> Double where C.Element == Double {
    if let fast = x.withContiguousStorageIfAvailable({ rk_amax(Int32($0.count), $0.baseAddress) }) {
        return fast
    }
    var m = 0.0
    for v in x {
        if v.isNaN { return v }
        m = max(m, abs(v))
    }
    return m
}
