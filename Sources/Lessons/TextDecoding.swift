/// Bytes read as UTF-8 text (without a byte order mark), or the line of the first byte that is not, with a hint for the
/// encodings a Korean classroom's files arrive in (UTF-16 from some editors, EUC-KR/CP949).
enum TextDecoding {
    struct Problem: Error {
        let line: Int
        let message: String
    }

    static func utf8(_ bytes: [UInt8]) throws(Problem) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw Problem(line: 1, message: "is UTF-16 text, not UTF-8 (save it as UTF-8)")
        }
        if var text = String(validating: bytes, as: UTF8.self) {
            // Editors and spreadsheets often start UTF-8 files with a byte order mark.
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            return text
        }
        // The first ill-formed sequence, found by decoding scalar by scalar.
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: break loop
            case .emptyInput: break loop
            }
        }
        let line = 1 + bytes[..<min(offset, bytes.count)].lazy.filter { $0 == 0x0A }.count
        let shown = bytes[offset..<min(offset + 2, bytes.count)].map { "0x" + hex($0) }.joined(separator: " ")
        // EUC-KR and CP949 write a Hangul syllable as two bytes from 0x81…0xFE.
        let rest = bytes[offset...].prefix(64)
        let pairs = zip(rest, rest.dropFirst()).filter { $0.0 >= 0x81 && $0.0 <= 0xFE && $0.1 >= 0x41 }.count
        let hint = pairs >= 1 && bytes[offset] >= 0xA1 && bytes[offset] <= 0xFE
            ? "; it looks like EUC-KR or CP949: save it as UTF-8" : "; save it as UTF-8"
        throw Problem(line: line, message: "is not UTF-8 text: bytes \(shown) on this line are not UTF-8\(hint)")
    }

    /// The 1-based line of the first NUL character, if any.
    static func lineOfNUL(_ text: String) -> Int? {
        guard let k = text.utf8.firstIndex(of: 0) else { return nil }
        return 1 + text.utf8[..<k].lazy.filter { $0 == 0x0A }.count
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
