/// Text that is not Markdown but may hold `$…$` math: captions, table headers, exercise titles.
/// The text is escaped as it is; each formula (found by the same rules as in prose: `\$` is a
/// dollar, `$5 and $10` is money) becomes MathML.
public enum InlineMath {
    /// A formula that could not be converted: its column in the text (1-based, in characters)
    /// and what is wrong.
    public struct Problem: Equatable, Sendable {
        public var column: Int
        public var message: String
    }

    /// The text as HTML; a formula the converter refuses stays as written, marked as an error
    /// (lessons check theirs with `problem(in:)` before this is reached).
    public static func html(_ text: String) -> String {
        render(text).html
    }

    /// The first formula in `text` that cannot be converted, if any.
    public static func problem(in text: String) -> Problem? {
        render(text).problem
    }

    /// Whether the text holds a formula at all (plain text takes the fast path).
    static func hasMath(_ text: String) -> Bool { text.utf8.contains(UInt8(ascii: "$")) }

    private static func render(_ text: String) -> (html: String, problem: Problem?) {
        guard hasMath(text) else { return (Escape.html(text), nil) }
        let bytes = Array(text.utf8)
        let spans = MarkdownMath.spans(in: bytes, 0..<bytes.count)
        var out = "", copied = 0, problem: Problem?
        func plain(_ range: Range<Int>) -> String {
            // `\$` written to keep a dollar shows as the dollar.
            Escape.html(String(decoding: bytes[range], as: UTF8.self).replacingOccurrences(of: "\\$", with: "$"))
        }
        for span in spans {
            out += plain(copied..<span.whole.lowerBound)
            copied = span.whole.upperBound
            let tex = String(decoding: bytes[span.tex], as: UTF8.self)
            do {
                out += try MathML.render(tex: tex, display: false)
            } catch {
                let source = String(decoding: bytes[span.whole], as: UTF8.self)
                if problem == nil {
                    let before = String(decoding: bytes[..<span.tex.lowerBound], as: UTF8.self)
                    problem = Problem(column: before.count + error.offset + 1, message: error.message)
                }
                out += "<code class=\"math-error\" title=\"\(Escape.html(error.message))\">\(Escape.html(source))</code>"
            }
        }
        out += plain(copied..<bytes.count)
        return (out, problem)
    }
}
