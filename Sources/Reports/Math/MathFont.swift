/// `\mathbf`, `\mathrm`, `\mathit`, `\mathbb`. MathML Core styles only one thing itself (the
/// italic of a one-letter `<mi>`), so bold and double-struck letters are the Unicode
/// mathematical alphanumerics (𝐖, ℝ), which every math font draws.
enum MathFont: String {
    case mathbf, mathrm, mathit, mathbb

    /// `node` in this font: its letters (and digits) changed, the rest kept.
    func apply(to node: MathNode) -> MathNode {
        switch node {
        case .identifier(let name, let upright):
            switch self {
            case .mathrm: return .identifier(name, upright: true)
            case .mathit: return .identifier(name, upright: false)
            case .mathbf, .mathbb: return .identifier(styled(name), upright: upright)
            }
        case .number(let digits):
            return self == .mathbf || self == .mathbb ? .number(styled(digits)) : node
        case .row(let nodes):
            let styled = nodes.map(apply)
            // \mathrm{softmax} is one name, not seven upright letters.
            return self == .mathrm ? .row(mergingLetters(styled)) : .row(styled)
        case .scripts(let base, let sub, let sup):
            return .scripts(base: apply(to: base), sub: sub.map(apply), sup: sup.map(apply))
        case .fraction(let a, let b): return .fraction(apply(to: a), apply(to: b))
        case .squareRoot(let a): return .squareRoot(apply(to: a))
        case .accent(let a, let mark): return .accent(apply(to: a), mark: mark)
        case .overset(let base, let over): return .overset(base: apply(to: base), over: apply(to: over))
        case .underset(let base, let under): return .underset(base: apply(to: base), under: apply(to: under))
        case .boxed(let a): return .boxed(apply(to: a))
        case .fenced(let open, let body, let close): return .fenced(open: open, apply(to: body), close: close)
        case .table(var table):
            table.rows = table.rows.map { $0.map(apply) }
            return .table(table)
        case .op, .function, .text, .space, .slot:
            return node
        }
    }

    private func styled(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.map(styled))
        return String(out)
    }

    private func mergingLetters(_ nodes: [MathNode]) -> [MathNode] {
        var out: [MathNode] = []
        for node in nodes {
            if case .identifier(let next, _) = node, next.allSatisfy(\.isLetter),
               case .identifier(let name, _)? = out.last, name.allSatisfy(\.isLetter) {
                out[out.count - 1] = .identifier(name + next, upright: true)
            } else {
                out.append(node)
            }
        }
        return out
    }

    private static let doubleStruckExceptions: [Unicode.Scalar: Unicode.Scalar] = [
        "C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ",
    ]

    /// One character in the font: Latin letters and digits (and, bold, the Greek capitals).
    private func styled(_ c: Unicode.Scalar) -> Unicode.Scalar {
        let v = c.value
        func shifted(_ base: UInt32, from first: UInt32) -> Unicode.Scalar { Unicode.Scalar(base + v - first) ?? c }
        switch self {
        case .mathbf:
            switch v {
            case 0x41...0x5A: return shifted(0x1D400, from: 0x41)
            case 0x61...0x7A: return shifted(0x1D41A, from: 0x61)
            case 0x30...0x39: return shifted(0x1D7CE, from: 0x30)
            case 0x391...0x3A9: return shifted(0x1D6A8, from: 0x391)
            default: return c
            }
        case .mathbb:
            if let letter = Self.doubleStruckExceptions[c] { return letter }
            switch v {
            case 0x41...0x5A: return shifted(0x1D538, from: 0x41)
            case 0x61...0x7A: return shifted(0x1D552, from: 0x61)
            case 0x30...0x39: return shifted(0x1D7D8, from: 0x30)
            default: return c
            }
        case .mathrm, .mathit:
            return c
        }
    }
}
