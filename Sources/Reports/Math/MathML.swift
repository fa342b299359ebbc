/// TeX math as MathML Core: `h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b_h)` as a `<math>`
/// element the browser draws itself, with the TeX kept in an `<annotation>`.
///
/// Supported: letters, digits and symbols (typed or as commands: Greek letters, `\odot \cdot
/// \times \le \ge \ne \approx \to \in \partial \nabla \infty \dots \cdots`), sub- and
/// superscripts and primes, `\frac \sqrt \sum \prod \int`, functions (`\tanh \log \exp \max \min`
/// and more, `\operatorname{…}`), accents (`\tilde \hat \bar \vec \dot \ddot`), fonts
/// (`\mathbf \mathrm \mathit \mathbb`), `\text`, `\boxed`, `\overset \underset`, spaces
/// (`\, \: \; \quad \qquad`), `\left…\right`, and the environments `matrix pmatrix bmatrix
/// Bmatrix vmatrix Vmatrix cases aligned`. Anything else throws.
public enum MathML {
    /// `tex` as `<math>` (inline) or `<math display="block">`; throws at the first thing it does
    /// not support, with the character offset of it in `tex`.
    public static func render(tex: String, display: Bool) throws(TeXError) -> String {
        MathMLRenderer.math(try TeXParser.parse(tex), tex: tex, display: display)
    }

    /// One of rnnlab's own equations with numbers left out: TeX that may also hold
    /// `\slot{name}`, each written as an empty `<mn data-slot="name">` for the page's script to
    /// fill (with `textContent`), and no TeX annotation. Lessons never reach this: their TeX goes
    /// through `render(tex:display:)`, where `\slot` is unsupported TeX like any other.
    public static func render(template tex: String, display: Bool) throws(TeXError) -> String {
        MathMLRenderer.math(try TeXParser.parse(tex, allowsSlots: true), tex: nil, display: display)
    }
}
