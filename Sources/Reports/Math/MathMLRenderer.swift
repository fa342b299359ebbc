/// A `MathNode` tree as MathML Core, the MathML that Chromium, Firefox and Safari draw
/// natively: no script, no web font.
///
/// What TeX decides by itself and MathML leaves to the browser's operator dictionary is written
/// out here: plain `(` `[` `|` keep their size (`stretchy="false"`) while `\left`/`\right` fences
/// grow; a sign after `(` or `=` is a prefix (`(−1)`, not `( − 1)`); a function name is followed
/// by U+2061 (function application) and a thin space before a bare argument (`tanh x`);
/// `∑`'s limits go under and over it in display style only.
struct MathMLRenderer {
    /// `<math>` for `node`, with `tex` as its annotation (what copy and paste and screen readers get).
    /// `tex` nil: no annotation (a template's TeX, with its slots, is nothing to copy).
    static func math(_ node: MathNode, tex: String?, display: Bool) -> String {
        var out = display ? "<math display=\"block\">" : "<math>"
        if tex != nil { out += "<semantics>" }
        MathMLRenderer(display: display).write(node, into: &out, wrapped: true)
        if let tex { out += "<annotation encoding=\"application/x-tex\">" + Escape.html(tex) + "</annotation></semantics>" }
        return out + "</math>"
    }

    /// Display style: large operators with limits below and above (off inside fractions,
    /// scripts and matrices, as in TeX).
    var display: Bool
    /// Script style (a sub- or superscript, a limit, an inline fraction's parts): operators lose
    /// the space around them, as TeX sets `h_{t-1}` and `c^{<t>}`.
    var script = false

    /// `wrapped`: the node must be one element (a script's base, a fraction's part), so several
    /// nodes go into an `<mrow>`.
    func write(_ node: MathNode, into out: inout String, wrapped: Bool = false) {
        switch node {
        case .row(let nodes):
            if nodes.count == 1 { return write(nodes[0], into: &out, wrapped: wrapped) }
            if wrapped { out += "<mrow>" }
            writeRow(nodes, into: &out)
            if wrapped { out += "</mrow>" }
        case .identifier(let name, let upright):
            let normal = upright && name.count == 1 && name.unicodeScalars.count == 1 && Self.hasItalic(name)
            out += (normal ? "<mi mathvariant=\"normal\">" : "<mi>") + Escape.html(name) + "</mi>"
        case .number(let digits):
            out += "<mn>" + Escape.html(digits) + "</mn>"
        case .op(let symbol, let kind):
            writeOperator(symbol, kind, prefix: false, into: &out)
        case .function(let name, _):
            out += "<mi>" + Escape.html(name) + "</mi>"
        case .text(let text):
            out += "<mtext>" + Escape.html(text) + "</mtext>"
        case .space(let width):
            out += "<mspace width=\"\(Self.em(width))\"/>"
        case .scripts(let base, nil, .op(let primes, .ordinary)) where primes.allSatisfy({ "′″‴".contains($0) }):
            // f′ as written on the line: U+2032 is drawn raised already, and tiny in a superscript.
            if wrapped { out += "<mrow>" }
            write(base, into: &out, wrapped: true)
            out += "<mo lspace=\"0\" rspace=\"0\">" + primes + "</mo>"
            if wrapped { out += "</mrow>" }
        case .scripts(let base, let sub, let sup):
            writeScripts(base, sub, sup, into: &out)
        case .fraction(let numerator, let denominator):
            // In display style a fraction's parts are in text style, otherwise in script style.
            let parts = MathMLRenderer(display: false, script: script || !display)
            out += "<mfrac>"
            parts.write(numerator, into: &out, wrapped: true)
            parts.write(denominator, into: &out, wrapped: true)
            out += "</mfrac>"
        case .squareRoot(let radicand):
            out += "<msqrt>"
            write(radicand, into: &out)
            out += "</msqrt>"
        case .accent(let base, let mark):
            out += "<mover accent=\"true\">"
            write(base, into: &out, wrapped: true)
            out += "<mo stretchy=\"false\">" + Escape.html(mark) + "</mo></mover>"
        case .overset(let base, let over):
            writeScripts(base, nil, over, limits: true, into: &out)
        case .underset(let base, let under):
            writeScripts(base, under, nil, limits: true, into: &out)
        case .boxed(let content):
            out += "<mrow class=\"boxed\">"
            write(content, into: &out)
            out += "</mrow>"
        case .fenced(let open, let body, let close):
            out += "<mrow>"
            if let open { out += Self.fence(open, form: "prefix") }
            writeRow(Self.children(body), into: &out, after: open.map { .op($0, .open) })
            if let close { out += Self.fence(close, form: "postfix") }
            out += "</mrow>"
        case .table(let table):
            writeTable(table, into: &out)
        case .slot(let name):
            writeSlot(name, paren: false, into: &out)
        }
    }

    /// An empty `<mn>` the page fills; `paren`: after a binary operator, where a negative value
    /// is written in parentheses (`0.5 + (−0.2)`, `2 × (−1)`).
    private func writeSlot(_ name: String, paren: Bool, into out: inout String) {
        out += "<mn data-slot=\"" + Escape.html(name) + "\"" + (paren ? " data-paren=\"\"" : "") + "></mn>"
    }

    /// The renderer for a matrix's cells: text style.
    private var inner: MathMLRenderer { MathMLRenderer(display: false, script: script) }
    /// The renderer for scripts and limits.
    private var scriptStyle: MathMLRenderer { MathMLRenderer(display: false, script: true) }

    /// Nodes side by side, with the spacing TeX would give them; `after`: what comes before them
    /// in the same `<mrow>` (a `\left` fence).
    private func writeRow(_ nodes: [MathNode], into out: inout String, after start: MathNode? = nil) {
        for (i, node) in nodes.enumerated() {
            // Spaces are not atoms: TeX looks past them to decide a sign.
            let previous = nodes[..<i].last { if case .space = $0 { false } else { true } } ?? start
            let next = i + 1 < nodes.count ? nodes[i + 1] : nil
            if Self.isFunction(node) {
                if let previous, Self.isOrdinary(previous) { out += Self.thinSpace }
                write(node, into: &out)
                if let next {
                    out += "<mo>&#x2061;</mo>"
                    if Self.takesBareArgument(next) { out += Self.thinSpace }
                }
            } else if case .op(let symbol, let kind) = node, kind == .binary, let previous, Self.makesSign(previous) {
                writeOperator(symbol, kind, prefix: true, into: &out)
            } else if case .slot(let name) = node {
                let afterOperator = if case .op(_, .binary)? = previous { true } else { false }
                writeSlot(name, paren: afterOperator, into: &out)
            } else {
                // A {…} group inside a row stays one atom, as in TeX: {−1} is a sign and a number.
                if case .row = node { write(node, into: &out, wrapped: true) } else { write(node, into: &out) }
            }
        }
    }

    /// A `\left`/`\right` fence or a matrix's, which grows with its content.
    private static func fence(_ symbol: String, form: String) -> String {
        "<mo fence=\"true\" form=\"\(form)\" stretchy=\"true\">" + Escape.html(symbol) + "</mo>"
    }

    private func writeOperator(_ symbol: String, _ kind: OperatorKind, prefix: Bool, into out: inout String) {
        var attributes = prefix ? " form=\"prefix\"" : ""
        switch kind {
        case .open, .close, .ordinary:
            // The operator dictionary makes these stretch; written without \left they do not.
            if Self.stretchyByDefault.contains(symbol) { attributes += " stretchy=\"false\"" }
        case .binary, .relation, .punctuation:
            if script { attributes += " lspace=\"0\" rspace=\"0\"" }
        case .large:
            break
        }
        out += "<mo\(attributes)>" + Escape.html(symbol) + "</mo>"
    }

    /// `limits`: below and above (`munder`, `mover`), not at the side; by default as TeX decides.
    private func writeScripts(_ base: MathNode, _ sub: MathNode?, _ sup: MathNode?, limits: Bool? = nil, into out: inout String) {
        let limits = limits ?? (display && Self.hasLimits(base))
        let tag = switch (sub != nil, sup != nil) {
        case (true, true): limits ? "munderover" : "msubsup"
        case (true, false): limits ? "munder" : "msub"
        default: limits ? "mover" : "msup"
        }
        out += "<\(tag)>"
        write(base, into: &out, wrapped: true)
        if let sub { scriptStyle.write(sub, into: &out, wrapped: true) }
        if let sup { scriptStyle.write(sup, into: &out, wrapped: true) }
        out += "</\(tag)>"
    }

    private func writeTable(_ table: MathTable, into out: inout String) {
        if table.open != nil || table.close != nil { out += "<mrow>" }
        if let open = table.open { out += Self.fence(open, form: "prefix") }
        out += table.displayStyle ? "<mtable displaystyle=\"true\">" : "<mtable>"
        let cells = table.displayStyle ? self : inner
        for row in table.rows {
            out += "<mtr>"
            for (column, cell) in row.enumerated() {
                let alignment = table.columns[column % table.columns.count]
                out += Self.cellTag(alignment, paired: table.displayStyle, column: column)
                cells.write(cell, into: &out)
                out += "</mtd>"
            }
            out += "</mtr>"
        }
        out += "</mtable>"
        if let close = table.close { out += Self.fence(close, form: "postfix") }
        if table.open != nil || table.close != nil { out += "</mrow>" }
    }

    /// A cell's `<mtd>`. MathML Core has no `columnalign`, so alignment is CSS; an `aligned`
    /// pair of columns also loses the padding between its halves, so that `x &= y` reads `x = y`.
    private static func cellTag(_ alignment: MathTable.Alignment, paired: Bool, column: Int) -> String {
        switch (alignment, paired) {
        case (.center, _): return "<mtd>"
        case (.right, true): return "<mtd style=\"text-align: right; padding-right: 0\">"
        case (.left, true): return "<mtd style=\"text-align: left; padding-left: 0\">"
        case (let a, false): return "<mtd style=\"text-align: \(a.rawValue)\">"
        }
    }

    // MARK: What kind of atom a node is, for spacing

    private static func children(_ node: MathNode) -> [MathNode] {
        if case .row(let nodes) = node { return nodes }
        return [node]
    }

    private static func isFunction(_ node: MathNode) -> Bool {
        switch node {
        case .function: true
        case .scripts(let base, _, _): isFunction(base)
        default: false
        }
    }

    private static func hasLimits(_ base: MathNode) -> Bool {
        switch base {
        case .op(_, .large(limits: true)), .function(_, limits: true): true
        default: false
        }
    }

    /// Something a function name needs a thin space from: a variable, a number, a group.
    private static func isOrdinary(_ node: MathNode) -> Bool {
        switch node {
        case .op(_, .close): true
        case .op, .space, .function: false
        case .scripts(let base, _, _): isOrdinary(base)
        default: true
        }
    }

    /// The argument of `tanh x` or `tanh c_t`, as opposed to `tanh(x)` and `tanh \left(`.
    private static func takesBareArgument(_ next: MathNode) -> Bool {
        switch next {
        case .op, .space, .fenced: false
        case .table(let table): table.open == nil
        case .scripts(let base, _, _): takesBareArgument(base)
        default: true
        }
    }

    /// After these a `+` or `−` is a sign, as TeX decides: after an opening fence, a relation,
    /// another binary operator or punctuation.
    private static func makesSign(_ previous: MathNode) -> Bool {
        switch previous {
        case .op(_, .open), .op(_, .relation), .op(_, .binary), .op(_, .punctuation), .op(_, .large): true
        default: false
        }
    }

    /// Characters the browser draws italic in a one-letter `<mi>` (and so need
    /// `mathvariant="normal"` to stand upright, as TeX's Γ and ∇ do).
    private static func hasItalic(_ name: String) -> Bool {
        guard let scalar = name.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x391...0x3A9, 0x3B1...0x3C9, 0x131, 0x237, 0x2202, 0x2207,
             0x3D1, 0x3D5, 0x3D6, 0x3F0, 0x3F1, 0x3F5: return true
        default: return false
        }
    }

    private static let stretchyByDefault: Set<String> = ["(", ")", "[", "]", "{", "}", "|", "‖", "⟨", "⟩", "/", "∣"]

    private static let thinSpace = "<mspace width=\"0.1667em\"/>"

    static func em(_ width: Double) -> String {
        let rounded = (width * 10_000).rounded() / 10_000
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return text + "em"
    }
}
