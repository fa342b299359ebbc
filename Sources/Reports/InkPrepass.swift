/// Rewrites two Markdown constructs that Ink 0.6 gets wrong, before it sees the text, so that
/// lesson authors can write ordinary Markdown:
/// - an indented code block (four spaces after a blank line) becomes a fenced block; Ink would
///   render it as a paragraph, turning `h_t … a_t` into emphasis;
/// - a paragraph line that begins with a `code span` is joined to the line before (a soft line
///   break is a space either way); Ink would start a new paragraph there;
/// - an underscore inside a word (`W_xh`, `dh_12`, `y_{t−1}`) is escaped outside code spans:
///   CommonMark never reads it as emphasis, Ink does.
enum InkPrepass {
    static func apply(_ markdown: String) -> String {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var fence: String? = nil
        var k = 0
        func isBlank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespaces).isEmpty }
        while k < lines.count {
            let line = lines[k]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                out.append(line)
                if trimmed.hasPrefix(open) { fence = nil }
                k += 1
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix { $0 == trimmed.first })
                out.append(line)
                k += 1
                continue
            }
            let afterBlank = out.isEmpty || isBlank(out[out.count - 1])
            if line.hasPrefix("    ") && afterBlank && !isBlank(line) {
                out.append("```text")
                while k < lines.count && (lines[k].hasPrefix("    ") || (isBlank(lines[k]) && k + 1 < lines.count && lines[k + 1].hasPrefix("    "))) {
                    out.append(String(lines[k].dropFirst(min(4, lines[k].count))))
                    k += 1
                }
                out.append("```")
                continue
            }
            if line.hasPrefix("`") && !line.hasPrefix("```"), let previous = out.last, !isBlank(previous),
               !previous.hasSuffix("  "), !startsBlock(previous) {
                out[out.count - 1] = previous + " " + escapingIntrawordUnderscores(line)
                k += 1
                continue
            }
            out.append(escapingIntrawordUnderscores(line))
            k += 1
        }
        return out.joined(separator: "\n")
    }

    /// `_` between a letter or digit and a letter, digit or `{`, outside `code spans`, as `\_`.
    static func escapingIntrawordUnderscores(_ line: String) -> String {
        guard line.contains("_") else { return line }
        let chars = Array(line)
        var out = "", inCode = false
        for (k, c) in chars.enumerated() {
            if c == "`" { inCode.toggle() }
            if c == "_", !inCode, k > 0, k + 1 < chars.count,
               chars[k - 1].isLetter || chars[k - 1].isNumber,
               chars[k + 1].isLetter || chars[k + 1].isNumber || chars[k + 1] == "{" {
                out += "\\_"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Lines that are not paragraph text: headings, tables, quotes, rules, list items.
    private static func startsBlock(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("#") || t.hasPrefix("|") || t.hasPrefix(">") || t.hasPrefix("---") || t.hasPrefix("```")
            || t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("+ ")
            || (t.first?.isNumber == true && t.contains(". "))
    }

}
