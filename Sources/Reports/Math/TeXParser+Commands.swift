import Foundation

/// The commands that take arguments: `\frac`, `\sqrt`, accents, fonts, `\text`,
/// `\operatorname`, `\boxed`, `\overset`; and the symbol commands of `TeXSymbols`.
extension TeXParser {
    mutating func parseCommand(_ name: String, at offset: Int) throws(TeXError) -> MathNode {
        if let symbol = TeXSymbols.commands[name] { return symbol }
        if let mark = TeXSymbols.accents[name] {
            return .accent(try parseArgument(of: name, at: offset), mark: mark)
        }
        if let font = MathFont(rawValue: name) {
            return font.apply(to: try parseArgument(of: name, at: offset))
        }
        switch name {
        case "frac":
            let numerator = try parseArgument(of: name, at: offset)
            return .fraction(numerator, try parseArgument(of: name, at: offset))
        case "sqrt":
            skipSpaces()
            if current.kind == .character("[") {
                throw TeXError(offset: current.offset, message: "unsupported TeX \\sqrt[…]: only square roots")
            }
            return .squareRoot(try parseArgument(of: name, at: offset))
        case "text":
            return .text(try parseText(of: name, at: offset))
        case "operatorname":
            let text = try parseText(of: name, at: offset).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw TeXError(offset: offset, message: "missing argument for \\operatorname") }
            return .function(text)
        case "boxed":
            return .boxed(try parseArgument(of: name, at: offset))
        case "overset", "underset":
            let mark = try parseArgument(of: name, at: offset)
            let base = try parseArgument(of: name, at: offset)
            return name == "overset" ? .overset(base: base, over: mark) : .underset(base: base, under: mark)
        case "left":
            return try parseFenced(at: offset)
        case "begin":
            return try parseEnvironment(at: offset)
        case "slot" where allowsSlots:
            let key = try parseText(of: name, at: offset)
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._:+-".contains($0)) }) else {
                throw TeXError(offset: offset, message: "a \\slot name is letters, digits and . _ : + -")
            }
            return .slot(key)
        default:
            throw TeXError(offset: offset, message: "unsupported TeX \\\(name)")
        }
    }

    /// The argument of `\text{…}` as the characters written: spaces kept, `\{ \} \$ \% \& \_ \#`
    /// as themselves, nested braces dropped. Leading and trailing spaces become no-break spaces,
    /// which MathML keeps.
    mutating func parseText(of command: String, at offset: Int) throws(TeXError) -> String {
        skipSpaces()
        guard current.kind == .beginGroup else { throw TeXError(offset: offset, message: "\\\(command) needs its text in braces") }
        let opener = current.offset
        index += 1
        var text = "", depth = 0
        loop: while true {
            let token = current
            index += 1
            switch token.kind {
            case .character(let c): text.append(c)
            case .space: text.append(" ")
            case .beginGroup: depth += 1
            case .endGroup:
                if depth == 0 { break loop }
                depth -= 1
            case .command(let name) where name.count == 1 && "{}$%&_# ".contains(name):
                text += name
            case .command(let name):
                throw TeXError(offset: token.offset, message: "unsupported TeX \\\(name) in \\\(command){…}")
            case .end:
                throw TeXError(offset: opener, message: "unbalanced braces: this { is never closed")
            case .superscriptMark, .subscriptMark, .alignment, .newRow:
                let written = token.kind == .superscriptMark ? "^" : token.kind == .subscriptMark ? "_" : token.kind == .alignment ? "&" : "\\\\"
                throw TeXError(offset: token.offset, message: "unsupported \(written) in \\\(command){…} (write it outside, or escaped)")
            }
        }
        let leading = text.prefix { $0 == " " }.count, trailing = text.reversed().prefix { $0 == " " }.count
        guard leading < text.count else { return String(repeating: "\u{A0}", count: text.count) }
        return String(repeating: "\u{A0}", count: leading) + text.dropFirst(leading).dropLast(trailing)
            + String(repeating: "\u{A0}", count: trailing)
    }
}
