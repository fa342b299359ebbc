import RNNCore

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

    /// One line of at most about 300 characters, by the trace readers' rules
    /// (`InputError.printable`): line breaks become spaces, other control characters are shown
    /// escaped (`\u{0}`), and a message that quotes a long input keeps its start and end.
    public var description: String {
        "\(InputError.printable(file, limit: 160)):\(line):" + (column.map { "\($0):" } ?? "") + " " + InputError.printable(message, limit: 260)
    }

}
