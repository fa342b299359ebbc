/// A strict JSON reader that remembers where every value came from, so that an error in a
/// model or sequence file can name its line and field.
///
/// Written here rather than using Foundation's JSONSerialization because rnnlab must reject
/// what that reader would quietly accept or change: numbers beyond the double range (1e400),
/// duplicate keys, and integers that are really reals (`3.5` as a class index).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number rounded to a double, and its source text (to tell `3` from `3.0`, and to read
    /// integers beyond a double's precision exactly). Beyond the double range (`1e400`) the
    /// double is ±infinity: the field reader, which knows the field's name, rejects it.
    case number(Double, text: String)
    case string(String)
    case array([JSONNode])
    case object([(key: String, value: JSONNode)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x, _), .number(let y, _)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x.map(\.value) == y.map(\.value)
        case (.object(let x), .object(let y)):
            return x.map(\.key) == y.map(\.key) && x.map(\.value.value) == y.map(\.value.value)
        default: return false
        }
    }
}

/// A JSON value and the line it starts on (1-based).
public struct JSONNode: Sendable {
    public var value: JSONValue
    public var line: Int
}

/// A parse failure: what and where.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public var line: Int
    public var message: String
}

/// Parses UTF-8 JSON text into located values. A leading UTF-8 byte order mark is ignored, as
/// RFC 8259 §8.1 allows (editors on Windows write one); UTF-16 and UTF-32 are recognised and
/// refused by name rather than reported as a stray character.
public struct JSONReader {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var depth = 0

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        if let encoding = otherEncoding(bytes) {
            throw JSONSyntaxError(line: 1, message: "the file is \(encoding) text, not UTF-8 (save it as UTF-8)")
        }
        var reader = JSONReader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.position = 3 }
        reader.skipWhitespace()
        let node = try reader.value()
        reader.skipWhitespace()
        if reader.position < bytes.count {
            throw reader.failure("unexpected text after the JSON value")
        }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// UTF-16 or UTF-32, told by a byte order mark or, without one, by the NUL bytes around the
    /// first character: a JSON text starts with an ASCII character (RFC 4627 §3), and UTF-8
    /// JSON never holds a NUL byte.
    static func otherEncoding(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32 (big-endian)" }
        if b.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32 (little-endian)" }
        if b.starts(with: [0xFE, 0xFF]) { return "UTF-16 (big-endian)" }
        if b.starts(with: [0xFF, 0xFE]) { return "UTF-16 (little-endian)" }
        let ascii: (UInt8) -> Bool = { $0 != 0 && $0 < 0x80 }
        if b.count >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && ascii(b[3]) { return "UTF-32 (big-endian)" }
        if b.count >= 4 && ascii(b[0]) && b[1] == 0 && b[2] == 0 && b[3] == 0 { return "UTF-32 (little-endian)" }
        if b.count >= 2 && b[0] == 0 && ascii(b[1]) { return "UTF-16 (big-endian)" }
        if b.count >= 2 && ascii(b[0]) && b[1] == 0 { return "UTF-16 (little-endian)" }
        return nil
    }

    /// The character at `position` as a message can show it: a printable character as itself, a
    /// control character as `\u{1b}`, a byte that is not UTF-8 as `\x89`, so that stderr stays
    /// UTF-8 whatever the file holds.
    private var shownCharacter: String {
        var iterator = bytes[position...].makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else {
            let b = bytes[position]
            return "byte \\x\(b < 16 ? "0" : "")\(String(b, radix: 16, uppercase: true)) (not UTF-8 text)"
        }
        let scalar = Unicode.UTF8.decode(encoded)
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return "control character \\u{\(String(scalar.value, radix: 16))}"
        }
        return "character '\(Character(scalar))'"
    }

    private func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, message: message)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            position += 1
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONNode {
        guard position < bytes.count else { throw failure("unexpected end of file (truncated JSON?)") }
        let start = line
        switch bytes[position] {
        case UInt8(ascii: "{"): return JSONNode(value: try object(), line: start)
        case UInt8(ascii: "["): return JSONNode(value: try array(), line: start)
        case UInt8(ascii: "\""): return JSONNode(value: .string(try string()), line: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(value: .bool(true), line: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(value: .bool(false), line: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(value: .null, line: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(value: try number(), line: start)
        default:
            let c = bytes[position]
            if c == UInt8(ascii: "N") || c == UInt8(ascii: "I") {
                throw failure("NaN and Infinity are not JSON numbers; every number must be finite")
            }
            throw failure("unexpected \(shownCharacter)")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        guard position + w.count <= bytes.count, Array(bytes[position..<(position + w.count)]) == w else {
            throw failure("invalid literal (expected \(word))")
        }
        position += w.count
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > 512 { throw failure("nesting deeper than 512 levels") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [(key: String, value: JSONNode)] = []
        var seen = Set<String>()
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of file inside an object (truncated JSON?)") }
            guard bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a quoted key") }
            let key = try string()
            if !seen.insert(key).inserted { throw failure("duplicate key \"\(InputError.excerpt(key))\"") }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw failure(position < bytes.count ? "expected ':' after key \"\(InputError.excerpt(key))\"" : "unexpected end of file (truncated JSON?)")
            }
            position += 1
            skipWhitespace()
            members.append((key, try value()))
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of file inside an object (truncated JSON?)") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            throw failure("expected ',' or '}' in an object")
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [JSONNode] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of file inside an array (truncated JSON?)") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            throw failure("expected ',' or ']' in an array")
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let c = bytes[position]
            position += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw failure("string is not valid UTF-8")
                }
                return s
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw failure("unpaired surrogate in \\u escape") }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw failure("invalid escape in string")
                }
            case UInt8(ascii: "\n"):
                throw failure("unescaped newline in string")
            case 0..<0x20:
                throw failure("unescaped control character in string")
            default:
                out.append(c)
            }
        }
        throw failure("unexpected end of file inside a string (truncated JSON?)")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            position += 1
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape")
            }
            v = v * 16 + d
        }
        return v
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        func digits(_ p: inout Int, _ b: [UInt8]) -> Int {
            let s = p
            while p < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[p]) { p += 1 }
            return p - s
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw failure("truncated number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits(&position, bytes) == 0 {
            if position < bytes.count && (bytes[position] == UInt8(ascii: "I") || bytes[position] == UInt8(ascii: "N")) {
                throw failure("NaN and Infinity are not JSON numbers; every number must be finite")
            }
            throw failure("invalid number")
        }
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            if digits(&position, bytes) == 0 { throw failure("invalid number (no digits after '.')") }
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) {
                position += 1
            }
            if digits(&position, bytes) == 0 { throw failure("invalid number (no digits in exponent)") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let v = Double(text) else { throw failure("invalid number \(InputError.excerpt(text))") }
        return .number(v, text: text)
    }
}
