/// TeX math (the text between `$` signs) as a `MathNode` tree, for the subset of TeX the course
/// writes. Anything else is a `TeXError` at the offending token: a formula is converted whole or
/// not at all.
///
/// A formula is a list of atoms, each with optional sub- and superscripts; an atom is a symbol,
/// a `{…}` group or a command with its arguments (`TeXParser+Commands.swift`), a `\left…\right`
/// pair (`TeXParser+Delimiters.swift`) or an environment (`TeXParser+Environments.swift`).
struct TeXParser {
    var tokens: [TeXToken]
    var index = 0
    /// Whether `\slot{name}` is accepted: only for rnnlab's own templates
    /// (`MathML.render(template:display:)`), never for TeX a lesson wrote.
    var allowsSlots = false

    /// `tex` as a tree; throws at the first thing it does not support.
    static func parse(_ tex: String, allowsSlots: Bool = false) throws(TeXError) -> MathNode {
        var parser = TeXParser(tokens: try TeXLexer(tex).tokens(), allowsSlots: allowsSlots)
        return .row(try parser.parseList(until: .end))
    }

    /// What ends a list of atoms, and where it was opened (for the error when it never comes).
    enum Stop {
        case end
        case group(opener: Int)
        case right(left: Int)
        case cell(environment: String, begin: Int)
    }

    var current: TeXToken { tokens[index] }

    mutating func skipSpaces() {
        while current.kind == .space { index += 1 }
    }

    /// Atoms up to `stop`. A closing `}` is consumed; `\right`, `&`, `\\` and `\end` are left for
    /// the caller that asked for them, and are errors anywhere else.
    mutating func parseList(until stop: Stop) throws(TeXError) -> [MathNode] {
        var list: [MathNode] = []
        while true {
            skipSpaces()
            let token = current
            switch token.kind {
            case .end:
                switch stop {
                case .end: return list
                case .group(let opener): throw TeXError(offset: opener, message: "unbalanced braces: this { is never closed")
                case .right(let left): throw TeXError(offset: left, message: "\\left without a matching \\right")
                case .cell(let name, let begin): throw TeXError(offset: begin, message: "\\begin{\(name)} without \\end{\(name)}")
                }
            case .endGroup:
                guard case .group = stop else { throw TeXError(offset: token.offset, message: "unbalanced braces: } without a {") }
                index += 1
                return list
            case .command("right"):
                guard case .right = stop else { throw TeXError(offset: token.offset, message: "\\right without a matching \\left") }
                return list
            case .command("end"), .alignment, .newRow:
                guard case .cell = stop else {
                    switch token.kind {
                    case .alignment: throw TeXError(offset: token.offset, message: "& outside an environment (use aligned, pmatrix or bmatrix)")
                    case .newRow: throw TeXError(offset: token.offset, message: "\\\\ outside an environment (use aligned, pmatrix or bmatrix)")
                    default: throw TeXError(offset: token.offset, message: "\\end without a matching \\begin")
                    }
                }
                return list
            default:
                list.append(try parseScripts(on: try parseAtom()))
            }
        }
    }

    /// The sub- and superscripts and primes after `base`, if any (`x^2_t`, `φ'`, `a^{[l]<t>}`).
    mutating func parseScripts(on base: MathNode?) throws(TeXError) -> MathNode {
        var sub: MathNode? = nil, sup: MathNode? = nil
        while true {
            skipSpaces()
            let token = current
            switch token.kind {
            case .character("'"), .character("′"):
                guard sup == nil else { throw TeXError(offset: token.offset, message: "double superscript: put both in one ^{…}") }
                var primes = ""
                while current.kind == .character("'") || current.kind == .character("′") {
                    primes += "′"
                    index += 1
                }
                let mark = MathNode.op(primes == "′′" ? "″" : primes == "′′′" ? "‴" : primes, .ordinary)
                // x'^2 is x^{′2}, as in TeX.
                if current.kind == .superscriptMark {
                    index += 1
                    sup = .row([mark] + flattened(try parseArgument(of: "^", at: token.offset)))
                } else {
                    sup = mark
                }
            case .superscriptMark, .subscriptMark:
                let isSup = token.kind == .superscriptMark
                guard (isSup ? sup : sub) == nil else {
                    throw TeXError(offset: token.offset, message: isSup ? "double superscript: put both in one ^{…}" : "double subscript: put both in one _{…}")
                }
                index += 1
                let script = try parseArgument(of: isSup ? "^" : "_", at: token.offset)
                if isSup { sup = script } else { sub = script }
            default:
                guard sub != nil || sup != nil else { return base ?? .row([]) }
                return .scripts(base: base ?? .row([]), sub: sub, sup: sup)
            }
        }
    }

    /// One atom: a symbol, a group, or a command with its arguments; nil before a script that has
    /// no base (`^2` at the start).
    mutating func parseAtom() throws(TeXError) -> MathNode? {
        let token = current
        switch token.kind {
        case .beginGroup:
            index += 1
            return group(try parseList(until: .group(opener: token.offset)))
        case .superscriptMark, .subscriptMark:
            return nil
        case .command(let name):
            index += 1
            return try parseCommand(name, at: token.offset)
        case .character(let c):
            index += 1
            return try parseCharacter(c, at: token.offset)
        default:
            // A stop token: parseList handles each before asking for an atom.
            throw TeXError(offset: token.offset, message: "unexpected token")
        }
    }

    /// A command's argument, or a script's: a `{…}` group or one token (`x^2`, `\frac12`, `\tilde c`).
    mutating func parseArgument(of command: String, at offset: Int) throws(TeXError) -> MathNode {
        skipSpaces()
        switch current.kind {
        case .character(let c) where c.isASCII && c.isNumber:
            // One digit, as TeX takes it: \frac12 is 1/2, x^23 is x² then 3.
            index += 1
            return .number(String(c))
        case .beginGroup, .command, .character:
            if case .command(let name) = current.kind, ["right", "end"].contains(name) { break }
            if let atom = try parseAtom() { return atom }
        default:
            break
        }
        throw TeXError(offset: offset, message: "missing argument for \(command.hasPrefix("\\") || command.count == 1 ? command : "\\" + command)")
    }

    /// Letters, digits and symbols typed into the formula.
    mutating func parseCharacter(_ c: Character, at offset: Int) throws(TeXError) -> MathNode {
        if c.isASCII, c.isNumber {
            var number = String(c)
            // 0.01 is one number; a final `.` (end of a sentence) is not part of it.
            while case .character(let next) = current.kind, next.isASCII,
                  next.isNumber || (next == "." && isDigit(at: index + 1)) {
                number.append(next)
                index += 1
            }
            return .number(number)
        }
        if c.isASCIILetter { return .identifier(String(c)) }
        if c.isWideText { return .text(textRun(startingWith: c)) }
        if let accented = accentedLetter(c) { return accented }
        if c == "~" { return .space(6.0 / 18) }
        if let node = TeXSymbols.typed(c) { return node }
        throw TeXError(offset: offset, message: "unsupported character \(c) in a formula")
    }

    private func isDigit(at i: Int) -> Bool {
        if case .character(let c) = tokens[i].kind { return c.isASCII && c.isNumber }
        return false
    }

    /// Korean (or Chinese, Japanese) typed into a formula is text, with its spaces and the digits
    /// between its words: `\overset{게이트 1개 추가}{→}`.
    private mutating func textRun(startingWith first: Character) -> String {
        var text = String(first), pending = ""
        while true {
            switch current.kind {
            case .character(let c) where c.isWideText:
                text += pending + String(c)
                pending = ""
            case .character(let c) where c.isASCII && c.isNumber:
                pending.append(c)
            case .space:
                pending.append(" ")
            default:
                // Digits or spaces after the last word go back to the formula.
                index -= pending.count
                return text
            }
            index += 1
        }
    }

    /// `c̃` typed with a combining mark: the letter with an accent above it.
    private func accentedLetter(_ c: Character) -> MathNode? {
        let scalars = Array(c.unicodeScalars)
        guard scalars.count == 2, let mark = TeXSymbols.combiningAccents[scalars[1]] else { return nil }
        let base = Character(scalars[0])
        guard let node = base.isASCIILetter ? .identifier(String(base)) : TeXSymbols.typed(base) else { return nil }
        return .accent(node, mark: mark)
    }

    /// A group's nodes as one node.
    func group(_ nodes: [MathNode]) -> MathNode { nodes.count == 1 ? nodes[0] : .row(nodes) }

    func flattened(_ node: MathNode) -> [MathNode] {
        if case .row(let nodes) = node { return nodes }
        return [node]
    }
}

extension Character {
    /// Hangul, CJK ideographs and kana: words, not variables.
    var isWideText: Bool {
        guard let scalar = unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x1100...0x11FF, 0x3040...0x30FF, 0x3130...0x318F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF: return true
        default: return false
        }
    }
}
