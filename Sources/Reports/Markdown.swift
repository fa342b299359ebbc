import CMarkGFM
import Foundation
import Synchronization

/// One heading of a Markdown text, as a table of contents lists it.
public struct MarkdownHeading: Equatable, Sendable {
    /// 1 for `#`, 2 for `##`, and so on.
    public var level: Int
    /// The heading's text without its markup (`` ## The `h_t` path `` → `The h_t path`).
    public var text: String
    /// The `id` of its `<hN>` element: a GitHub-style slug of the text, unique on the page.
    public var id: String
}

/// Something in a Markdown text that could not be rendered as written (today: TeX math that is
/// not supported), at its 1-based line and column in that text. Columns count characters, so a
/// Hangul syllable is one column; add the line where the text starts in its file to get the
/// file's line (`lesson.md:LINE:COLUMN: message`).
public struct MarkdownProblem: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// `unsupported TeX \foo`, `unbalanced braces: this { is never closed`.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `LINE:COLUMN: message`.
    public var description: String { "\(line):\(column): \(message)" }
}

/// The element ids one page has given out, so that headings from several Markdown blocks of the
/// same page get distinct ids, as GitHub numbers them: `training`, then `training-1`, `training-2`.
public struct PageIDs: Sendable {
    private var used: Set<String>
    private var suffixes: [String: Int] = [:]
    /// Markdown blocks with footnotes so far: the second one's footnote ids get a `2-` infix.
    fileprivate var footnoteBlocks = 0

    /// `reserved`: ids the page uses for other things (`cell-12`, `fig-03`).
    public init(reserved: some Sequence<String> = [String]()) {
        used = Set(reserved)
    }

    /// The slug of `text`, suffixed `-1`, `-2`, … if the page already has it.
    public mutating func id(for text: String) -> String {
        var slug = Self.slug(text)
        if slug.isEmpty { slug = "section" }
        var id = slug, n = suffixes[slug] ?? 0
        while used.contains(id) {
            n += 1
            id = "\(slug)-\(n)"
        }
        suffixes[slug] = n
        used.insert(id)
        return id
    }

    /// GitHub's heading slug (github-slugger): lower case; letters, marks, digits, `-` and `_`
    /// kept (Korean too); each space a `-`; all other punctuation and symbols dropped.
    public static func slug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark,
                 .decimalNumber, .letterNumber, .otherNumber:
                out.append(scalar)
            default:
                if scalar == " " || scalar == "-" { out.append("-") } else if scalar == "_" { out.append(scalar) }
            }
        }
        return String(out)
    }
}

/// GitHub-flavoured Markdown to HTML, through cmark-gfm (GitHub's C implementation of CommonMark):
/// tables, strikethrough, autolinks and footnotes; and TeX math, `$…$` inline and `$$…$$`
/// displayed, as MathML (`Math/`).
///
/// Math is taken out before Markdown sees it (`_`, `*` and `\\` would mean other things): a first
/// parse tells which lines are paragraphs, headings and table rows (never code), `MarkdownMath`
/// replaces each formula there with a placeholder, and the real parse follows. A placeholder that
/// ends up in code, a URL, a title, an image's alt text or raw HTML is put back as written; those
/// left are in text, and become MathML once the HTML is written. A formula that cannot be
/// converted is shown as written, marked, and reported in `problems` with its line and column.
///
/// The only file that imports cmark-gfm. Calls are serialized: registering the extensions, and
/// each parse (which edits a table of special characters shared by all parsers), touch global C
/// state. Everything allocated is freed, in reverse order.
///
/// Safe by default: `CMARK_OPT_UNSAFE` is never set, so `javascript:`, `vbscript:`, `file:` and
/// (except images) `data:` URLs become empty; and before rendering, raw HTML is turned into text,
/// so `<script>` or `a^[l]<t>` shows as the characters written rather than vanishing (HTML
/// comments, an author's notes to self, are dropped).
///
/// Headings get ids: cmark-gfm writes every heading as a bare `<hN>`, in the order of its tree
/// (where the parser has already moved footnotes last, as they are printed), and after the
/// raw-HTML pass nothing else in the output can (text, code and attributes escape `<`), so the
/// k-th `<hN>` is given the k-th heading's id.
public enum Markdown {
    /// A Markdown text as HTML, and its headings in order.
    public struct Rendered: Sendable {
        public var html: String
        public var headings: [MarkdownHeading]
        /// What could not be rendered as written, in the order of the text; empty when all is well.
        public var problems: [MarkdownProblem] = []
    }

    /// `markdown` as HTML; heading ids are made unique against `ids`, which records them.
    public static func html(from markdown: String, ids: inout PageIDs) -> Rendered {
        // One spelling of each Korean syllable (and accented letter), whatever the editor saved.
        let text = markdown.precomposedStringWithCanonicalMapping
        return lock.withLock { _ in render(text, ids: &ids) }
    }

    /// `markdown` as HTML, on a page of its own.
    public static func html(from markdown: String) -> Rendered {
        var ids = PageIDs()
        return html(from: markdown, ids: &ids)
    }

    private static let lock = Mutex(())
    private static let extensions = ["table", "strikethrough", "autolink"]
    /// Right-aligned table columns as `style` (the page's CSS would override `align`).
    private static let options = CMARK_OPT_FOOTNOTES | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES

    private static func render(_ markdown: String, ids: inout PageIDs) -> Rendered {
        // Only if cmark-gfm could not allocate: the text, escaped.
        var fallback: Rendered { Rendered(html: "<pre>\(Escape.html(markdown))</pre>", headings: []) }
        cmark_gfm_core_extensions_ensure_registered()  // once; later calls return at once
        let math = markdown.utf8.contains(UInt8(ascii: "$"))
            ? MarkdownMath(markdown, blocks: textBlocks(markdown)) : MarkdownMath(markdown, blocks: [])
        guard let parser = newParser(options) else { return fallback }
        defer { cmark_parser_free(parser) }
        guard let document = parse(math.markdown, with: parser) else { return fallback }
        defer { cmark_node_free(document) }
        let (headings, hasFootnotes) = prepare(document, ids: &ids, math: math)
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return fallback
        }
        defer { free(html) }
        var out = addingIDs(String(cString: html), headings)
        if hasFootnotes {
            ids.footnoteBlocks += 1
            if ids.footnoteBlocks > 1 { out = numberingFootnotes(out, ids.footnoteBlocks) }
        }
        out = math.substituting(out)
        return Rendered(html: out, headings: headings, problems: math.problems)
    }

    /// A parser with the GFM extensions attached; the caller frees it.
    private static func newParser(_ options: Int32) -> OpaquePointer? {
        guard let parser = cmark_parser_new(options) else { return nil }
        for name in extensions {
            if let syntax = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, syntax) }
        }
        return parser
    }

    /// `markdown`'s tree, which the caller frees (before the parser).
    private static func parse(_ markdown: String, with parser: OpaquePointer) -> OpaquePointer? {
        var source = markdown
        source.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        return cmark_parser_finish(parser)
    }

    /// The byte ranges of `markdown`'s paragraphs, headings and table rows, where `$` may start
    /// math (and not its code blocks or raw HTML), from a first parse with source positions.
    ///
    /// A table is taken line by line, a row being one line. When a table interrupts a paragraph,
    /// this cmark-gfm gives the paragraph no lines (0 to 0) and starts the table at the paragraph's
    /// first line: those lines are then taken one by one too, which only keeps a formula from
    /// running across two of them.
    private static func textBlocks(_ markdown: String) -> [Range<Int>] {
        guard let parser = newParser(options | CMARK_OPT_SOURCEPOS) else { return [] }
        defer { cmark_parser_free(parser) }
        guard let document = parse(markdown, with: parser) else { return [] }
        defer { cmark_node_free(document) }
        guard let iterator = cmark_iter_new(document) else { return [] }
        defer { cmark_iter_free(iterator) }
        let bytes = Array(markdown.utf8), lines = LineStarts(bytes)
        var blocks: [Range<Int>] = []
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let first = Int(cmark_node_get_start_line(node)), last = Int(cmark_node_get_end_line(node))
            guard first >= 1, last >= first else { continue }
            if type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING {
                blocks.append(lines.range(ofLine: first, in: bytes).lowerBound..<lines.range(ofLine: last, in: bytes).upperBound)
            } else if cmark_node_get_type_string(node).map({ String(cString: $0) }) == "table" {
                blocks += (first...last).map { lines.range(ofLine: $0, in: bytes) }
            }
        }
        // In order, and none inside another (a paragraph's lines inside a table's).
        var disjoint: [Range<Int>] = []
        for block in blocks.sorted(by: { $0.lowerBound < $1.lowerBound }) where !block.isEmpty {
            if let previous = disjoint.last, block.lowerBound < previous.upperBound { continue }
            disjoint.append(block)
        }
        return disjoint
    }

    /// Turns raw HTML into text, puts formulas that ended up in code, URLs, titles and alt text back
    /// as written, collects the headings (with their ids, formulas as their TeX) and says whether
    /// there are footnotes. Nodes change after the walk: a cmark iterator must not see its tree change.
    private static func prepare(_ document: OpaquePointer, ids: inout PageIDs, math: MarkdownMath) -> (headings: [MarkdownHeading], footnotes: Bool) {
        var rawHTML: [OpaquePointer] = [], hasFootnotes = false
        // Literals, URLs and titles to put formulas back into as written.
        var restored: [(OpaquePointer, Restore, String)] = [], inImage = 0
        var headings: [(level: Int, text: String)] = []
        var heading: (level: Int, text: String)? = nil
        guard let iterator = cmark_iter_new(document) else { return ([], false) }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let entering = event == CMARK_EVENT_ENTER
            switch type {
            case CMARK_NODE_HEADING where entering:
                heading = (Int(cmark_node_get_heading_level(node)), "")
            case CMARK_NODE_HEADING:
                if let h = heading { headings.append((h.level, h.text.trimmingCharacters(in: .whitespaces))) }
                heading = nil
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE:
                if type == CMARK_NODE_HTML_INLINE { rawHTML.append(node) }
                let text = literal(node)
                if heading != nil, !isComment(text) { heading?.text += math.restoring(text, plain: type == CMARK_NODE_TEXT) }
                // In code, and in an image's alt text (an attribute), as written; raw HTML is done below.
                if type == CMARK_NODE_CODE || (type == CMARK_NODE_TEXT && inImage > 0), math.pieces(text) != nil {
                    restored.append((node, .literal, math.restoring(text)))
                }
            case CMARK_NODE_CODE_BLOCK:
                if case let text = literal(node), math.pieces(text) != nil { restored.append((node, .literal, math.restoring(text))) }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                let title = cmark_node_get_title(node).map { String(cString: $0) } ?? ""
                if entering {
                    if math.pieces(url) != nil { restored.append((node, .url, math.restoring(url))) }
                    if math.pieces(title) != nil { restored.append((node, .title, math.restoring(title))) }
                }
                if type == CMARK_NODE_IMAGE { inImage += entering ? 1 : -1 }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                if heading != nil { heading?.text += " " }
            case CMARK_NODE_HTML_BLOCK:
                rawHTML.append(node)
            case CMARK_NODE_FOOTNOTE_DEFINITION where entering:
                hasFootnotes = true
            default:
                break
            }
        }
        for (node, field, text) in restored {
            switch field {
            case .literal: _ = cmark_node_set_literal(node, text)
            case .url: _ = cmark_node_set_url(node, text)
            case .title: _ = cmark_node_set_title(node, text)
            }
        }
        for node in rawHTML { replaceWithText(node, math) }
        return (headings.map { MarkdownHeading(level: $0.level, text: $0.text, id: ids.id(for: $0.text)) }, hasFootnotes)
    }

    private enum Restore { case literal, url, title }

    /// Raw HTML as the text it is: an inline tag becomes a text node, a block a paragraph of text;
    /// a comment is dropped. The new nodes belong to the document from here on (freed with it).
    private static func replaceWithText(_ node: OpaquePointer, _ math: MarkdownMath) {
        let raw = math.restoring(literal(node))
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if isComment(trimmed) {
            cmark_node_free(node)  // unlinks it too
            return
        }
        guard let text = cmark_node_new(CMARK_NODE_TEXT) else { return cmark_node_free(node) }
        let isBlock = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK
        _ = cmark_node_set_literal(text, isBlock ? trimmed : raw)
        var replacement = text
        if isBlock {
            guard let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH) else {
                cmark_node_free(text)
                return cmark_node_free(node)
            }
            _ = cmark_node_append_child(paragraph, text)
            replacement = paragraph
        }
        if cmark_node_replace(node, replacement) == 0 { cmark_node_free(replacement) }
        cmark_node_free(node)
    }

    private static func isComment(_ html: String) -> Bool { html.hasPrefix("<!--") && html.hasSuffix("-->") }

    private static func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    /// Footnote ids `fn-note`, `fnref-note` as `fn-2-note`, `fnref-2-note` in the page's second
    /// block with footnotes. cmark-gfm makes them from the label alone (and this version will not
    /// relabel a definition), so two blocks would share them. Only attributes can hold these
    /// strings: a `"` in text or code is written `&quot;`.
    private static func numberingFootnotes(_ html: String, _ block: Int) -> String {
        var out = html
        for prefix in ["\"#fn-", "id=\"fn-", "\"#fnref-", "id=\"fnref-"] {
            out = out.replacingOccurrences(of: prefix, with: "\(prefix)\(block)-")
        }
        return out
    }

    /// `<hN>` → `<hN id="…">`, the k-th one with the k-th heading's id.
    private static func addingIDs(_ html: String, _ headings: [MarkdownHeading]) -> String {
        guard !headings.isEmpty else { return html }
        var html = html, out = [UInt8]()
        html.withUTF8 { bytes in
            out.reserveCapacity(bytes.count + headings.count * 32)
            var next = 0, copied = 0, k = 0
            while next < headings.count, k + 3 < bytes.count {
                if bytes[k] == UInt8(ascii: "<"), bytes[k + 1] == UInt8(ascii: "h"), bytes[k + 3] == UInt8(ascii: ">"),
                   (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[k + 2]) {
                    out += bytes[copied..<(k + 3)]
                    out += " id=\"\(Escape.html(headings[next].id))\">".utf8
                    next += 1
                    k += 4
                    copied = k
                } else {
                    k += 1
                }
            }
            out += bytes[copied...]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
