/// One token of TeX source, and the character offset where it starts.
struct TeXToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// `\frac`, `\alpha`; and the one-character control symbols `\,` `\{` `\|` `\ `.
        case command(String)
        /// Any other character: a letter, a digit, `+`, `(`, `σ`, `은`.
        case character(Character)
        case beginGroup, endGroup        // { }
        case superscriptMark, subscriptMark  // ^ _
        case alignment                   // &
        case newRow                      // \\
        case space
        case end
    }

    var kind: Kind
    var offset: Int
}

/// TeX source as tokens. Control words take letters only (`\tanh2` is `\tanh` then `2`), as TeX
/// reads them; `%` and `#` are refused, since in a lesson they would be a typo for `\%`, `\#`.
struct TeXLexer {
    private let source: [Character]

    init(_ tex: String) { source = Array(tex) }

    func tokens() throws(TeXError) -> [TeXToken] {
        var out: [TeXToken] = []
        var i = 0
        while i < source.count {
            let c = source[i], start = i
            i += 1
            let kind: TeXToken.Kind
            switch c {
            case "\\":
                guard i < source.count else { throw TeXError(offset: start, message: "a lone \\ at the end of the formula") }
                if source[i].isASCIILetter {
                    var name = ""
                    while i < source.count, source[i].isASCIILetter {
                        name.append(source[i])
                        i += 1
                    }
                    kind = .command(name)
                } else {
                    let symbol = source[i]
                    i += 1
                    kind = symbol == "\\" ? .newRow : .command(symbol.isWhitespace ? " " : String(symbol))
                }
            case "{": kind = .beginGroup
            case "}": kind = .endGroup
            case "^": kind = .superscriptMark
            case "_": kind = .subscriptMark
            case "&": kind = .alignment
            case "%": throw TeXError(offset: start, message: "unsupported TeX %: a comment in TeX (write \\% for a percent sign)")
            case "#": throw TeXError(offset: start, message: "unsupported TeX #: a macro parameter in TeX (write \\# for the sign)")
            default:
                if c.isWhitespace {
                    while i < source.count, source[i].isWhitespace { i += 1 }
                    kind = .space
                } else {
                    kind = .character(c)
                }
            }
            out.append(TeXToken(kind: kind, offset: start))
        }
        out.append(TeXToken(kind: .end, offset: source.count))
        return out
    }
}

extension Character {
    var isASCIILetter: Bool { isASCII && isLetter }
}
