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

    public var description: String {
        "\(file):\(line):" + (column.map { "\($0):" } ?? "") + " " + message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
