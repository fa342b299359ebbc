/// A problem in a lesson: `lesson.md:LINE: message`.
public struct LessonError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    /// The column, where one is known (TeX in prose): `lesson.md:LINE:COL: message`.
    public var column: Int?

    public init(file: String, line: Int, message: String, column: Int? = nil) {
        self.file = file
        self.line = line
        self.message = message
        self.column = column
    }

    /// One line of at most about 300 characters: line breaks become spaces, other control
    /// characters are shown escaped (`\u{0}`), and a message that quotes a long input keeps its
    /// start and end around an ellipsis.
    public var description: String {
        "\(Self.printable(file, limit: 160)):\(line):" + (column.map { "\($0):" } ?? "") + " " + Self.printable(message, limit: 260)
    }

    static func printable(_ text: String, limit: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.properties.generalCategory == .format && scalar != "\u{200D}" {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        guard out.count > limit else { return out }
        let head = out.prefix(limit * 2 / 3), tail = out.suffix(limit / 3 - 1)
        return head + "…" + tail
    }
}
