/// TeX the converter cannot turn into MathML, and where it is: it is reported, never rendered
/// as something else.
public struct TeXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Characters (not bytes) from the start of the TeX source to the offending token.
    public var offset: Int
    /// What is wrong, in the form `unsupported TeX \foo`.
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(offset): \(message)" }
}
