import Foundation
import Testing
@testable import RNNCore

/// The trace contract's agreement rule: each entry within relative error 1e−9, or within
/// absolute error 1e−12 · m, m the largest magnitude in the same array.
func agrees(_ expected: [Double], _ actual: [Double], relativeOnly: Bool = false) -> (Bool, String) {
    guard expected.count == actual.count else {
        return (false, "length \(actual.count), expected \(expected.count)")
    }
    let m = maxMagnitude(expected)
    for (k, (e, a)) in zip(expected, actual).enumerated() {
        let err = abs(e - a)
        if err <= 1e-9 * abs(e) { continue }
        if !relativeOnly && err <= 1e-12 * m { continue }
        if e.isNaN && a.isNaN { continue }
        if e == a { continue }
        return (false, "entry \(k): \(a), expected \(e) (relative error \(err / abs(e)))")
    }
    return (true, "")
}

func expectAgreement(
    _ expected: [Double], _ actual: [Double], _ what: String, relativeOnly: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let (ok, detail) = agrees(expected, actual, relativeOnly: relativeOnly)
    #expect(ok, "\(what): \(detail)", sourceLocation: sourceLocation)
}

/// Flattens nested JSON arrays of numbers (and the strings "Infinity", "-Infinity", "NaN").
func flatNumbers(_ any: Any?) -> [Double] {
    switch any {
    case let d as Double: return [d]
    case let i as Int: return [Double(i)]
    case let n as NSNumber: return [n.doubleValue]
    case let s as String:
        switch s {
        case "Infinity": return [.infinity]
        case "-Infinity": return [-.infinity]
        default: return [.nan]
        }
    case let a as [Any]: return a.flatMap(flatNumbers)
    default: return []
    }
}

/// A JSON object as Swift values (numbers as Double, or Int when written as integers), read with
/// rnnlab's own reader: Foundation's JSONSerialization on Linux misreads about half of all
/// shortest-form doubles by one ulp.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    func value(_ node: JSONNode) -> Any {
        switch node.value {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d, let text):
            if !text.contains(where: { ".eE".contains($0) }), let i = Int(text) { return i }
            return d
        case .string(let s): return s
        case .array(let items): return items.map(value)
        case .object(let pairs):
            return Dictionary(pairs.map { ($0.key, value($0.value)) }, uniquingKeysWith: { a, _ in a })
        }
    }
    return try #require(value(try JSONReader.parse(bytes)) as? [String: Any])
}
