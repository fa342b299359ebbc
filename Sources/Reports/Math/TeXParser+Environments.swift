/// `\begin{pmatrix} a & b \\ c & d \end{pmatrix}` and its kin, and `aligned`: cells split by `&`,
/// rows by `\\`.
extension TeXParser {
    /// The environments supported, with their fences and column alignments.
    private static let environments: [String: (open: String?, close: String?, columns: [MathTable.Alignment], display: Bool)] = [
        "matrix": (nil, nil, [.center], false),
        "pmatrix": ("(", ")", [.center], false),
        "bmatrix": ("[", "]", [.center], false),
        "Bmatrix": ("{", "}", [.center], false),
        "vmatrix": ("|", "|", [.center], false),
        "Vmatrix": ("‖", "‖", [.center], false),
        // Pairs of columns, the first of each pair right-aligned, the second left: `x &= y`.
        "aligned": (nil, nil, [.right, .left], true),
        "cases": ("{", nil, [.left, .left], false),
    ]

    /// After `\begin`: the environment's name, its rows and cells, and its `\end`.
    mutating func parseEnvironment(at offset: Int) throws(TeXError) -> MathNode {
        let name = try parseEnvironmentName(after: "begin", at: offset)
        guard let kind = Self.environments[name] else {
            throw TeXError(offset: offset, message: "unsupported environment \(name) (use pmatrix, bmatrix, matrix, vmatrix, cases or aligned)")
        }
        var rows: [[MathNode]] = [], row: [MathNode] = []
        while true {
            let cell = try parseList(until: .cell(environment: name, begin: offset))
            row.append(group(cell))
            let token = current
            index += 1
            switch token.kind {
            case .alignment:
                continue
            case .newRow:
                rows.append(row)
                row = []
            default:  // \end
                let ended = try parseEnvironmentName(after: "end", at: token.offset)
                guard ended == name else {
                    throw TeXError(offset: token.offset, message: "\\begin{\(name)} ended by \\end{\(ended)}")
                }
                // A `\\` before `\end` does not start a row.
                if !(row.count == 1 && row[0] == .row([])) || rows.isEmpty { rows.append(row) }
                return .table(MathTable(rows: rows, open: kind.open, close: kind.close, columns: kind.columns, displayStyle: kind.display))
            }
        }
    }

    private mutating func parseEnvironmentName(after command: String, at offset: Int) throws(TeXError) -> String {
        skipSpaces()
        guard current.kind == .beginGroup else { throw TeXError(offset: offset, message: "\\\(command) needs an environment name in braces") }
        index += 1
        var name = ""
        while case .character(let c) = current.kind, c.isASCIILetter || c == "*" {
            name.append(c)
            index += 1
        }
        guard current.kind == .endGroup, !name.isEmpty else {
            throw TeXError(offset: offset, message: "\\\(command) needs an environment name in braces")
        }
        index += 1
        return name
    }
}
