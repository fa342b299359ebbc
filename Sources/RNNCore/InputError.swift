/// Bad input: one line naming the file, the line where there is one, the field, and what is wrong.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (never made absolute).
    public var file: String
    public var line: Int?
    /// Dotted path of the offending field (`weights.W_hf`), or nil for the file as a whole.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `model.json:7: weights.W_hf has 4 rows, hidden_size is 3`: one line of at most about 300
    /// characters whatever the file name, keys and message hold (see `printable`).
    public var description: String {
        let place = Self.printable(file, limit: 100) + (line.map { ":\($0)" } ?? "")
        let text = field.map { "\($0) \(message)" } ?? message
        return "\(place): \(Self.printable(text, limit: 190))"
    }

    /// Text a terminal can show safely: line breaks become spaces, other control and format
    /// characters (a bidi override could reorder the line) are shown escaped (`\u{1b}`), and a
    /// text longer than `limit` characters keeps its start and end around an ellipsis. Lesson errors
    /// (`LessonError`) use it too.
    public static func printable(_ text: String, limit: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || scalar.properties.generalCategory == .format && scalar != "\u{200D}" {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        guard out.count > limit else { return out }
        return out.prefix(limit * 2 / 3) + "…" + out.suffix(limit / 3 - 1)
    }

    /// At most 60 characters of a quoted input, so that a million-digit number or a megabyte
    /// key is named, not echoed whole.
    public static func excerpt(_ text: String) -> String {
        let count = text.count
        guard count > 60 else { return text }
        var grouped = String(count)
        for k in stride(from: grouped.count - 3, to: 0, by: -3) {
            grouped.insert(",", at: grouped.index(grouped.startIndex, offsetBy: k))
        }
        return "\(text.prefix(40))… (\(grouped) characters)"
    }
}
