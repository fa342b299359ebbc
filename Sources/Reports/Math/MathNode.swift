/// A formula as a tree: what `TeXParser` makes of the TeX between `$` signs and what
/// `MathMLRenderer` writes out. The tree says what each piece *is* (a variable, an operator,
/// a fraction); how it is spelled in MathML is the renderer's business alone.
indirect enum MathNode: Equatable, Sendable {
    /// A variable or a name (`<mi>`). One letter is italic unless `upright`; a longer name is
    /// upright anyway.
    case identifier(String, upright: Bool = false)
    /// A number (`<mn>`): `2`, `0.01`.
    case number(String)
    /// An operator, relation, fence or punctuation mark (`<mo>`).
    case op(String, OperatorKind)
    /// A named function (`\tanh`, `\operatorname{diag}`): upright, applied to what follows.
    /// `limits`: `\max_x`, `\min`, `\lim` put their subscript underneath in display style.
    case function(String, limits: Bool = false)
    /// Words inside a formula (`\text{…}`, Korean typed into it) (`<mtext>`).
    case text(String)
    /// Horizontal space in em (`\,` `\;` `\quad`); negative for `\!`.
    case space(Double)
    /// Several nodes side by side (`{…}`, a whole formula).
    case row([MathNode])
    /// Sub- and superscripts of `base`; primes are part of `sup`.
    case scripts(base: MathNode, sub: MathNode?, sup: MathNode?)
    /// `\frac{numerator}{denominator}`.
    case fraction(MathNode, MathNode)
    /// `\sqrt{radicand}`.
    case squareRoot(MathNode)
    /// `\tilde`, `\hat`, `\bar`, `\vec`: a mark above one base.
    case accent(MathNode, mark: String)
    /// `\overset{over}{base}` and `\underset{under}{base}`.
    case overset(base: MathNode, over: MathNode)
    case underset(base: MathNode, under: MathNode)
    /// `\boxed{…}`: MathML Core has no `menclose`, so the box is drawn by CSS.
    case boxed(MathNode)
    /// `\left( … \right)`: fences that grow with what they enclose; nil for `\left.`.
    case fenced(open: String?, MathNode, close: String?)
    /// A matrix or an `aligned` block, with the fences it stands in (`pmatrix`: parentheses).
    case table(MathTable)
    /// `\slot{name}` in one of rnnlab's own templates (never in a lesson's TeX): an empty number
    /// that the page's script fills with the value called `name`.
    case slot(String)
}

/// What kind of `<mo>` an operator is: TeX's atom classes, which decide its spacing and whether
/// it can stretch.
enum OperatorKind: Equatable, Sendable {
    /// `+ − ⊙ × ⋅ ∗`: spaced on both sides, unless it is a sign (`−x`, `(−1)`).
    case binary
    /// `= ≤ → ∈`: more space on both sides.
    case relation
    /// `( [ \{ ⟨ \lVert`: an opening fence written without `\left`, so it keeps its size.
    case open
    case close
    /// `, ;`: space after only.
    case punctuation
    /// `∑ ∏ ∫`: large; `limits` (`∑ ∏`): its sub- and superscript below and above it in display style.
    case large(limits: Bool)
    /// `|`, `‖`, `.`, `/`, `′`, `…`: no space, no stretching.
    case ordinary
}

/// The rows and cells of a matrix or an aligned block.
struct MathTable: Equatable, Sendable {
    enum Alignment: String, Sendable { case left, center, right }

    var rows: [[MathNode]]
    /// The fences around the table (`pmatrix`: `(` and `)`), nil when it has none.
    var open: String?
    var close: String?
    /// Alignment of each column, repeated from the start when a row has more cells.
    var columns: [Alignment]
    /// Cells in display style (`aligned`), rather than the smaller style of a matrix's entries.
    var displayStyle: Bool
}
