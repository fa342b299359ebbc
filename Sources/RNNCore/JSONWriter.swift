/// Writes JSON into a byte buffer: compact, keys in the order given, and every double in the
/// shortest form that parses back to the identical value. Non-finite values, which JSON has no
/// numbers for, are written as the strings "Infinity", "-Infinity" and "NaN".
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    private var afterKey = false

    /// Writes the comma before a value or key, unless the value completes a `"key":`.
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"key":`; the value follows with the next call.
    public mutating func key(_ k: String) {
        separate()
        appendQuoted(k)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// Ends the document with a newline.
    public mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    public mutating func number(_ v: Double) {
        separate()
        appendNumber(v)
    }

    public mutating func integer(_ v: Int) {
        separate()
        bytes.append(contentsOf: String(v).utf8)
    }

    public mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
    }

    public mutating func bool(_ b: Bool) {
        separate()
        bytes.append(contentsOf: (b ? "true" : "false").utf8)
    }

    /// A flat array of numbers.
    public mutating func numbers<C: Collection>(_ values: C) where C.Element == Double {
        separate()
        bytes.append(UInt8(ascii: "["))
        var first = true
        for v in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendNumber(v)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A matrix as an array of rows.
    public mutating func matrix<C: Collection>(_ values: C, rows: Int, cols: Int)
    where C.Element == Double, C.Index == Int {
        beginArray()
        let start = values.startIndex
        for r in 0..<rows {
            numbers(values[(start + r * cols)..<(start + (r + 1) * cols)])
        }
        endArray()
    }

    private mutating func appendNumber(_ v: Double) {
        if v.isNaN { bytes.append(contentsOf: "\"NaN\"".utf8); return }
        if v.isInfinite { bytes.append(contentsOf: (v > 0 ? "\"Infinity\"" : "\"-Infinity\"").utf8); return }
        // Swift's description is the shortest round-trip form ("0.1", "1e-05", "5e-324").
        var text = v.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
