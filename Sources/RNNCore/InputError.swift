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

    /// `model.json:7: weights.W_hf has 4 rows, hidden_size is 3`
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let text = field.map { "\($0) \(message)" } ?? message
        // One line, whatever the message holds.
        return "\(place): \(text)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
