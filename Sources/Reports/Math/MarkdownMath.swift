/// The `$…$` and `$$…$$` formulas of a Markdown text, converted to MathML and replaced by
/// placeholders, so that Markdown cannot touch them (`_`, `*` and `\\` mean other things
/// there); `Markdown` puts the MathML back into the HTML it renders.
///
/// Which `$` start math, as pandoc decides: a `$` with `\` before it is a dollar; an opening `$`
/// is followed by a non-space, a closing one follows a non-space and is not followed by a digit
/// (so `$5 and $10` stays money); a `$` without its partner in the same paragraph, heading or
/// table row stays a dollar. `$` inside code spans counts for nothing, and no formula holds a
/// backtick (so one cannot reach into a code span); code blocks are never given to this type.
struct MarkdownMath {
    /// One formula as written, and what goes in its place.
    struct Formula {
        /// `$h_t$`, as written.
        var source: String
        /// `h_t`.
        var tex: String
        /// Its `<math>`, or the source marked as an error.
        var html: String
    }

    /// The Markdown with each formula replaced by a placeholder.
    private(set) var markdown: String
    private(set) var formulas: [Formula] = []
    /// Formulas that could not be converted, at the line and column of the problem.
    private(set) var problems: [MarkdownProblem] = []

    /// Placeholders are `\u{E000}` + index + `\u{E001}`: private-use characters, which Markdown
    /// treats as letters, so a formula binds to the text around it as a word would.
    static let open: Character = "\u{E000}", close: Character = "\u{E001}"

    /// `markdown` with the formulas in `blocks` (byte ranges of paragraphs, headings and table
    /// rows, in order) converted.
    init(_ markdown: String, blocks: [Range<Int>]) {
        let bytes = Array(markdown.utf8)
        var spans: [Span] = []
        for block in blocks { spans += Self.spans(in: bytes, block) }
        guard !spans.isEmpty else {
            self.markdown = markdown
            return
        }
        let lines = LineStarts(bytes)
        var out = [UInt8](), copied = 0
        out.reserveCapacity(bytes.count)
        for span in spans {
            out += bytes[copied..<span.whole.lowerBound]
            out += "\(Self.open)\(formulas.count)\(Self.close)".utf8
            copied = span.whole.upperBound
            let tex = String(decoding: Self.withoutQuoteMarkers(bytes[span.tex]), as: UTF8.self)
            let source = String(decoding: bytes[span.whole], as: UTF8.self)
            var html: String
            do {
                html = try MathML.render(tex: tex, display: span.display)
            } catch {
                let at = span.tex.lowerBound + String(Array(tex).prefix(error.offset)).utf8.count
                let (line, column) = lines.position(of: at, in: bytes)
                problems.append(MarkdownProblem(line: line, column: column, message: error.message))
                html = "<code class=\"math-error\" title=\"\(Escape.html(error.message))\">\(Escape.html(source))</code>"
            }
            formulas.append(Formula(source: source, tex: tex, html: html))
        }
        out += bytes[copied...]
        self.markdown = String(decoding: out, as: UTF8.self)
    }

    /// Rendered HTML with the MathML of each formula in place of its placeholder.
    func substituting(_ html: String) -> String {
        guard let pieces = pieces(html) else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count + formulas.reduce(0) { $0 + $1.html.utf8.count })
        for piece in pieces {
            switch piece {
            case .text(let t): out += t
            case .formula(let k): out += formulas[k].html
            }
        }
        return out
    }

    /// A text cut at its placeholders.
    enum Piece: Equatable {
        case text(String)
        case formula(Int)
    }

    /// `literal` as text and formulas; nil when it has no placeholder.
    func pieces(_ literal: String) -> [Piece]? {
        guard !formulas.isEmpty, literal.contains(Self.open) else { return nil }
        var pieces: [Piece] = [], text = "", rest = Substring(literal)
        while let start = rest.firstIndex(of: Self.open) {
            text += rest[..<start]
            let digits = rest[rest.index(after: start)...].prefix { $0.isASCII && $0.isNumber }
            let end = digits.endIndex
            if end < rest.endIndex, rest[end] == Self.close, let k = Int(digits), k < formulas.count {
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                pieces.append(.formula(k))
                rest = rest[rest.index(after: end)...]
            } else {
                text.append(Self.open)
                rest = rest[rest.index(after: start)...]
            }
        }
        text += rest
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// `text` with each placeholder as its formula was written (`$h_t$`), for code, URLs and raw
    /// HTML; `plain`: as its TeX alone (`h_t`), for a heading's text.
    func restoring(_ text: String, plain: Bool = false) -> String {
        guard let pieces = pieces(text) else { return text }
        return pieces.map { piece in
            switch piece {
            case .text(let t): t
            case .formula(let k): plain ? formulas[k].tex : formulas[k].source
            }
        }.joined()
    }

    /// A formula's TeX with the `>` that start its lines in a block quote made spaces (keeping
    /// every character where it was, for the columns of errors). Inside a paragraph a line can
    /// only start with `>` as a quote marker: anywhere else it would have started a quote.
    private static func withoutQuoteMarkers(_ tex: ArraySlice<UInt8>) -> [UInt8] {
        var out = Array(tex), i = 0
        while i < out.count {
            let atLineStart = out[i] == 0x0A || out[i] == 0x0D
            i += 1
            guard atLineStart else { continue }
            var j = i
            while j < out.count, out[j] == 0x20 || out[j] == 0x09 || out[j] == UInt8(ascii: ">") {
                if out[j] == UInt8(ascii: ">") { out[j] = 0x20 }
                j += 1
            }
            i = j
        }
        return out
    }

    // MARK: Finding the formulas

    struct Span {
        /// The formula with its dollars, and the TeX between them (byte offsets).
        var whole: Range<Int>
        var tex: Range<Int>
        var display: Bool
    }

    /// The formulas in `bytes[block]`, left to right.
    static func spans(in bytes: [UInt8], _ block: Range<Int>) -> [Span] {
        let end = block.upperBound
        var spans: [Span] = [], i = block.lowerBound
        while i < end {
            switch bytes[i] {
            case UInt8(ascii: "\\"):
                // A Markdown escape (`\$`, `` \` ``) is one character.
                i += i + 1 < end && isASCIIPunctuation(bytes[i + 1]) ? 2 : 1
            case UInt8(ascii: "`"):
                i = afterCodeSpan(bytes, at: i, end: end)
            case UInt8(ascii: "$") where i + 1 < end && bytes[i + 1] == UInt8(ascii: "$"):
                if let close = displayClose(bytes, from: i + 2, end: end) {
                    spans.append(Span(whole: i..<(close + 2), tex: (i + 2)..<close, display: true))
                    i = close + 2
                } else {
                    i += 2
                }
            case UInt8(ascii: "$"):
                if let close = inlineClose(bytes, from: i + 1, end: end) {
                    spans.append(Span(whole: i..<(close + 1), tex: (i + 1)..<close, display: false))
                    i = close + 1
                } else {
                    i += 1
                }
            default:
                i += 1
            }
        }
        return spans
    }

    /// Past the code span opened by the backticks at `start`; past the backticks alone when no
    /// run of the same length closes it (then they are literal, as in CommonMark).
    private static func afterCodeSpan(_ bytes: [UInt8], at start: Int, end: Int) -> Int {
        func run(_ i: Int) -> Int {
            var j = i
            while j < end, bytes[j] == UInt8(ascii: "`") { j += 1 }
            return j - i
        }
        let length = run(start)
        var j = start + length
        while j < end {
            if bytes[j] == UInt8(ascii: "`") {
                let n = run(j)
                if n == length { return j + n }
                j += n
            } else {
                j += 1
            }
        }
        return start + length
    }

    /// The `$$` that closes a display formula whose TeX starts at `start`; a formula of nothing but
    /// spaces is none.
    private static func displayClose(_ bytes: [UInt8], from start: Int, end: Int) -> Int? {
        var j = start, blank = true
        while j + 1 < end {
            switch bytes[j] {
            case UInt8(ascii: "\\"): j += 2; blank = false; continue
            case UInt8(ascii: "`"): return nil
            case UInt8(ascii: "$") where bytes[j + 1] == UInt8(ascii: "$"): return blank ? nil : j
            default: if !isSpace(bytes[j]) { blank = false }
            }
            j += 1
        }
        return nil
    }

    /// The `$` that closes an inline formula whose TeX starts at `start`.
    private static func inlineClose(_ bytes: [UInt8], from start: Int, end: Int) -> Int? {
        guard start < end, !isSpace(bytes[start]), bytes[start] != UInt8(ascii: "$") else { return nil }
        var j = start
        while j < end {
            switch bytes[j] {
            case UInt8(ascii: "\\"):
                j += 2
                continue
            case UInt8(ascii: "`"):
                return nil
            case UInt8(ascii: "$"):
                if !isSpace(bytes[j - 1]), !(j + 1 < end && isDigit(bytes[j + 1])) { return j }
            default:
                break
            }
            j += 1
        }
        return nil
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    private static func isASCIIPunctuation(_ b: UInt8) -> Bool {
        (0x21...0x2F).contains(b) || (0x3A...0x40).contains(b) || (0x5B...0x60).contains(b) || (0x7B...0x7E).contains(b)
    }
}

/// Where each line of a text starts, to give byte offsets as 1-based lines and columns (columns
/// in characters, as an editor counts them, so one Hangul syllable is one column).
struct LineStarts {
    private var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() {
            // \n, \r\n and a lone \r end a line, as in CommonMark.
            if b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) { starts.append(i + 1) }
        }
    }

    /// The byte range of each 1-based line, without its line ending.
    func range(ofLine line: Int, in bytes: [UInt8]) -> Range<Int> {
        guard line >= 1, line <= starts.count else { return bytes.count..<bytes.count }
        var end = line < starts.count ? starts[line] : bytes.count
        while end > starts[line - 1], bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return starts[line - 1]..<end
    }

    func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let column = String(decoding: bytes[starts[low]..<offset], as: UTF8.self).count + 1
        return (low + 1, column)
    }
}
