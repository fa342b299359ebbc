/// `\left( … \right)`: fences that grow with what they enclose.
extension TeXParser {
    /// After `\left`: its delimiter, the body, `\right` and its delimiter.
    mutating func parseFenced(at offset: Int) throws(TeXError) -> MathNode {
        let open = try parseDelimiter(after: "left", at: offset)
        let body = try parseList(until: .right(left: offset))
        let right = current.offset
        index += 1  // \right, which parseList stopped at
        let close = try parseDelimiter(after: "right", at: right)
        return .fenced(open: open, group(body), close: close)
    }

    /// The delimiter after `\left` or `\right`; nil for `.`, the invisible one.
    private mutating func parseDelimiter(after command: String, at offset: Int) throws(TeXError) -> String? {
        skipSpaces()
        let token = current
        index += 1
        switch token.kind {
        case .character(let c) where "()[]|/".contains(c):
            return String(c)
        case .character("."):
            return nil
        case .command(let name):
            if let delimiter = Self.namedDelimiters[name] { return delimiter }
            throw TeXError(offset: token.offset, message: "unsupported delimiter \\\(name) after \\\(command)")
        case .end:
            throw TeXError(offset: offset, message: "missing delimiter after \\\(command)")
        default:
            throw TeXError(offset: token.offset, message: "unsupported delimiter after \\\(command) (use ( ) [ ] \\{ \\} | \\| or .)")
        }
    }

    private static let namedDelimiters: [String: String] = [
        "{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "|": "‖", "Vert": "‖", "vert": "|",
        "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|", "langle": "⟨", "rangle": "⟩",
        "lbrack": "[", "rbrack": "]",
    ]
}
