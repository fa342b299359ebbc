/// A problem in a lesson: `lesson.md:LINE: message`.
public struct LessonError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file):\(line): " + message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
