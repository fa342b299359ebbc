/// `index.html`: one self-contained page (inline CSS, inline SVG, inline script, no network)
/// with a table of contents, the prose, each cell's source (collapsible) and its outputs.
public enum HTMLWriter {
    public static func write(_ report: Report) -> String {
        let e = Escape.html
        let lang = report.language == "ko" ? "ko" : "en"
        var body = ""
        var hasWidget = false, hasTiming = false
        var tableCount = 0
        var ids = PageIDs(reserved: reservedIDs(report))
        var headings: [MarkdownHeading] = []
        var exercises = ExercisePages()
        for block in report.blocks {
            switch block {
            case .prose(let markdown):
                let prose = Markdown.html(from: markdown, ids: &ids)
                headings += prose.headings
                exercises.prose(prose.html)
                body += "<section class=\"prose\">\n\(prose.html)</section>\n"
            case .cell(let cell):
                body += "<section class=\"cell\(cell.error == nil ? "" : " failed")\" id=\"cell-\(cell.line)\">\n"
                body += "<details class=\"source\"><summary>\(e(Labels.source(lang))) · \(e(Labels.line(lang))) \(cell.line)</summary>"
                body += "<pre><code>\(e(cell.source.trimmingTrailingNewlines()))</code></pre></details>\n"
                // Closed <details> never print; handouts that show code get this copy instead.
                body += "<pre class=\"print-source\"><code>\(e(cell.source.trimmingTrailingNewlines()))</code></pre>\n"
                for output in cell.outputs {
                    switch output {
                    case .note(let text):
                        body += "<div class=\"note\">\(Markdown.html(from: text, ids: &ids).html)</div>\n"
                    case .text(let text):
                        body += "<pre class=\"output\">\(e(text.trimmingTrailingNewlines()))</pre>\n"
                    case .table(let table):
                        tableCount += 1
                        body += htmlTable(table)
                        body += dataLink(DataFiles.tableName(tableCount), "CSV", lang)
                    case .figure(let figure):
                        body += figureOpening(figure)
                        if !figure.legend.isEmpty { body += legend(figure.legend, language: lang) }
                        if !figure.caption.isEmpty { body += "<figcaption>\(InlineMath.html(figure.caption))</figcaption>" }
                        if let data = figure.data {
                            body += dataLink("\(figure.id).\(data.extension)", data.extension.uppercased(), lang)
                        }
                        body += "</figure>\n"
                    case .widget(let html, _):
                        hasWidget = true
                        body += html + "\n"
                    case .timing(let label, let keys):
                        hasTiming = true
                        body += "<p class=\"timing\">\(e(label)): " + keys.map { k in
                            "<span>\(e(k.label)) <output data-timing=\"\(e(k.key))\">—</output></span>"
                        }.joined(separator: " · ") + "</p>\n"
                    }
                }
                if let error = cell.error {
                    body += "<div class=\"error\" role=\"alert\"><strong>\(e(Labels.error(lang)))</strong> <code>\(e(error))</code><br>\(e(Labels.stopped(lang)))</div>\n"
                }
                body += "</section>\n"
            case .exercise(let number, let title):
                body += exercises.close()
                body += "<section class=\"exercise\" id=\"exercise-\(number)\">\n<h3 class=\"exercise-title\">"
                    + e(Labels.exercise(lang, number)) + (title.isEmpty ? "" : " · " + InlineMath.html(title)) + "</h3>\n"
                exercises.open(number: number, title: title)
            case .solution:
                body += exercises.beginSolution(lang)
            case .answer:
                body += exercises.beginAnswer(lang)
            case .endExercise:
                body += exercises.close()
            }
        }
        body += exercises.close()
        body += exercises.answerKey(lang)
        let pager = report.navigation
        if pager.previous != nil || pager.next != nil {
            body += "<nav class=\"lesson-pager no-print\">"
                + (pager.previous.map { "<a rel=\"prev\" href=\"../\(e($0.folder))/index.html\">← \(e(Labels.previous(lang)))<br><span>\(e($0.title))</span></a>" } ?? "<span></span>")
                + (pager.next.map { "<a rel=\"next\" href=\"../\(e($0.folder))/index.html\">\(e(Labels.next(lang))) →<br><span>\(e($0.title))</span></a>" } ?? "")
                + "</nav>\n"
        }
        let n = report.navigation
        let other = n.otherLanguage.map {
            " <a class=\"other-language\" lang=\"\(e($0.language))\" hreflang=\"\($0.language == "ko" ? "ko" : "en")\" href=\"../\(e($0.folder))/index.html\">\(e(Labels.otherLanguage($0.language)))</a>"
        } ?? ""
        let header = "<nav><a href=\"../index.html\">← \(e(Labels.lessons(lang)))</a>\(other)"
            + "<button type=\"button\" class=\"projector-toggle no-print\" aria-pressed=\"false\">\(e(Labels.projector(lang)))</button></nav>"
            + "<h1>\(e(report.title))</h1>"
            + (report.summary.isEmpty ? "" : "<p class=\"summary\">\(e(report.summary))</p>")
        return page(
            language: lang, title: report.title, css: (hasWidget ? StepThroughScript.css : "") + Legibility.css(lang) + FitWidth.css + Stylesheet.footer(report),
            bodyClass: report.showCode ? "show-code" : "hide-code", header: header,
            main: tableOfContents(headings, language: lang) + body,
            script: (hasWidget ? StepThroughScript.js + "\n" : "") + projectorScript + "\n" + Legibility.script, timings: hasTiming)
    }

    /// What the instructor's handout adds to a copy of the page before printing it: every
    /// solution and the answer key open and printed, and "(instructor's version)" in the footer.
    public static func instructorCopy(of html: String, report: Report) -> String {
        var page = html.replacingOccurrences(of: ExercisePages.solutionTag, with: ExercisePages.solutionTag.dropLast() + " open>")
            .replacingOccurrences(of: ExercisePages.answerKeyTag, with: ExercisePages.answerKeyTag.dropLast() + " open>")
        if let body = page.range(of: "<body class=\"") {
            page.replaceSubrange(body, with: "<body class=\"instructor ")
        }
        if let head = page.range(of: "</head>") {
            page.insert(contentsOf: "<style>\(Stylesheet.footer(report, instructor: true))</style>\n", at: head.lowerBound)
        }
        return page
    }

    /// Ids the page gives cells and figures, which a heading's slug must not take.
    static func reservedIDs(_ report: Report) -> [String] {
        ["answer-key"] + report.blocks.flatMap { block -> [String] in
            if case .exercise(let number, _) = block { return ["exercise-\(number)"] }
            guard case .cell(let cell) = block else { return [] }
            return ["cell-\(cell.line)"] + cell.outputs.compactMap { output in
                if case .figure(let figure) = output { figure.id } else { nil }
            }
        }
    }

    /// `<nav class="toc">`: the prose's `##` headings, each with its `###` headings beneath, when
    /// there are at least two of them.
    static func tableOfContents(_ headings: [MarkdownHeading], language: String) -> String {
        let e = Escape.html
        let entries = headings.filter { $0.level == 2 || $0.level == 3 }
        guard entries.count >= 2 else { return "" }
        var out = "<nav class=\"toc\" aria-label=\"\(e(Labels.contents(language)))\">"
            + "<p class=\"toc-title\">\(e(Labels.contents(language)))</p>\n<ol>"
        var inItem = false, inSublist = false
        for heading in entries {
            let link = "<a href=\"#\(e(heading.id))\">\(e(heading.text))</a>"
            if heading.level == 3 && inItem {
                if !inSublist { out += "<ol>" }
                inSublist = true
                out += "<li>\(link)</li>"
            } else {
                // A `###` before any `##` is listed at the top level.
                if inSublist { out += "</ol>" }
                if inItem { out += "</li>\n" }
                inSublist = false
                inItem = true
                out += "<li>\(link)"
            }
        }
        if inSublist { out += "</ol>" }
        return out + "</li>\n</ol></nav>\n"
    }

    /// Projector mode: large type and high contrast for a lecture hall, one switch, remembered by
    /// the browser (localStorage works from file:// too; without it the switch still works).
    static let projectorScript = """
        (function () {
          var b = document.querySelector(".projector-toggle"), key = "rnnlab.projector";
          if (!b) return;
          function set(on) {
            document.body.classList.toggle("projector", on);
            b.setAttribute("aria-pressed", on ? "true" : "false");
          }
          try { set(localStorage.getItem(key) === "1"); } catch (e) {}
          b.addEventListener("click", function () {
            var on = !document.body.classList.contains("projector");
            set(on);
            try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) {}
          });
        })();
        """

    /// Fills every `<output data-timing>` from `timings.js` (written beside the page on each run,
    /// so the page's own bytes stay the same from run to run).
    static let timingScript = """
        (function () {
          var t = window.rnnlabTimings || {};
          document.querySelectorAll("output[data-timing]").forEach(function (o) {
            var s = t[o.getAttribute("data-timing")];
            if (typeof s !== "number") return;
            o.textContent = s < 10 ? s.toFixed(2) + " s" : s.toFixed(1) + " s";
            o.closest("p.timing").classList.add("filled");  // printed only once it has times
          });
        })();
        """

    /// The page every report and the index share: UTF-8, the stylesheet inline, nothing fetched.
    static func page(language: String, title: String, css: String, bodyClass: String?, header: String,
                     main: String, script: String?, timings: Bool = false) -> String {
        let e = Escape.html
        return """
            <!DOCTYPE html>
            <html lang="\(language)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <style>\(Stylesheet.css)\(css)</style>
            </head>
            <body\(bodyClass.map { " class=\"\($0)\"" } ?? "")>
            <header>\(header)</header>
            <main>
            \(main)</main>\(script.map { "\n<script>\(Escape.script($0))</script>" } ?? "")\(timings ? "\n<script src=\"timings.js\"></script>\n<script>\(Escape.script(timingScript))</script>" : "")
            </body>
            </html>

            """
    }

    /// The link to a figure's or table's data file beside the page (screen only).
    static func dataLink(_ file: String, _ kind: String, _ language: String) -> String {
        "<p class=\"data-link no-print\"><a href=\"\(Escape.html(file))\">\(Escape.html(Labels.data(language))) (\(kind))</a></p>\n"
    }

    /// A table as HTML (also for widgets built outside this module).
    public static func htmlTable(_ table: Table) -> String {
        let e = Escape.html
        var out = "<div class=\"table\"><table>"
        if let caption = table.caption { out += "<caption>\(InlineMath.html(caption))</caption>" }
        out += "<thead><tr>" + table.headers.enumerated().map { k, h in
            "<th\(table.numeric.contains(k) ? " class=\"num\"" : "")>\(InlineMath.html(h))</th>"
        }.joined() + "</tr></thead><tbody>"
        for row in table.rows {
            out += "<tr>" + row.enumerated().map { k, c in
                "<td\(table.numeric.contains(k) ? " class=\"num\"" : "")>\(table.mathCells ? InlineMath.html(c) : e(c))</td>"
            }.joined() + "</tr>"
        }
        return out + "</tbody></table></div>\n"
    }
}

/// The report's CSS: system fonts that cover Korean (no web fonts), and a print stylesheet.
enum Stylesheet {
    static let css = """
        :root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #0072B2; --warn: #D55E00; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 960px; padding: 1.5rem; color: var(--ink); line-height: 1.6;
          font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", NanumGothic, system-ui, sans-serif;
          word-break: keep-all; overflow-wrap: anywhere; }
        /* English pages: a Latin font first (‖ and ∂ from a CJK font come out full-width), and
           ordinary word breaking; Korean pages keep the CJK font first and keep-all. */
        html:lang(en) body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, system-ui, sans-serif, "Noto Sans CJK KR";
          word-break: normal; }
        header nav { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
        header nav a { color: var(--accent); text-decoration: none; font-size: .9rem; }
        header nav .other-language { margin-right: auto; }
        .lesson-pager { display: flex; justify-content: space-between; gap: 1rem; margin: 2.5rem 0 1rem; border-top: 1px solid var(--rule); padding-top: 1rem; }
        .lesson-pager a { color: var(--accent); text-decoration: none; font-size: .9rem; max-width: 48%; }
        .lesson-pager a[rel=next] { text-align: right; margin-left: auto; } .lesson-pager span { color: var(--ink); }
        .projector-toggle { font: inherit; font-size: .8rem; color: var(--muted); background: none; border: 1px solid var(--rule);
          border-radius: 4px; padding: .15rem .5rem; cursor: pointer; }
        body.projector { max-width: none; font-size: 1.45rem; line-height: 1.5; --ink: #000; --muted: #1d1d1f; --rule: #000;
          --accent: #004f7a; background: #fff; }
        body.projector pre, body.projector table { font-size: 1.05rem; } body.projector figure svg { width: 100%; }
        body.projector .projector-toggle { border-color: #000; color: #000; font-weight: bold; }
        h1 { margin: .4rem 0; } .summary { color: var(--muted); margin-top: 0; }
        section.cell { border-left: 3px solid var(--rule); padding: .2rem 0 .2rem 1rem; margin: 1rem 0; }
        section.cell.failed { border-left-color: var(--warn); }
        details.source summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
        pre { background: #f6f8fa; padding: .7rem; overflow-x: auto; font-size: .85rem; line-height: 1.4; }
        code { font-family: "Noto Sans Mono CJK KR", "D2Coding", ui-monospace, Menlo, Consolas, monospace; }
        figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
        figcaption { color: var(--muted); font-size: .85rem; }
        .table { overflow-x: auto; } table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
        th, td { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; overflow-wrap: normal; vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        caption { text-align: left; font-weight: bold; padding: .3rem 0; }
        .error { border: 2px solid var(--warn); padding: .6rem; margin: .6rem 0; background: #fff4ec; }
        .note p { margin: .3rem 0; }
        math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "DejaVu Math TeX Gyre", math; }
        math[display="block"] { margin: .5em 0; overflow-x: auto; overflow-y: hidden; }
        /* An inline formula cannot break across lines: on a narrow phone (360 px) a long one
           scrolls inside its paragraph instead of running off the page. */
        @media (max-width: 480px) { main p { overflow-x: auto; } }
        math .boxed { border: 1px solid currentColor; padding: .1em .25em; } .math-error { color: var(--warn); }
        .data-link { margin: .1rem 0 .6rem; font-size: .8rem; } .data-link a { color: var(--muted); }
        nav.toc { border: 1px solid var(--rule); padding: .5rem 1rem; margin: 1rem 0; font-size: .9rem; }
        nav.toc .toc-title { font-weight: bold; margin: 0 0 .2rem; }
        nav.toc ol { margin: 0; padding-left: 1.4rem; } nav.toc a { color: var(--accent); text-decoration: none; }
        .prose del { color: var(--muted); } .footnotes { font-size: .85rem; color: var(--muted); }
        .timing { color: var(--muted); font-size: .85rem; } @media print { .timing:not(.filled) { display: none; } } .timing output { font-variant-numeric: tabular-nums; }
        .print-source { display: none; }
        section.exercise { border: 1px solid var(--rule); border-radius: 4px; padding: .2rem 1rem .5rem; margin: 1.2rem 0; }
        .exercise-title { margin: .5rem 0 .3rem; font-size: 1.05rem; }
        details.solution, details.answer-key { margin: .5rem 0; } details.solution > summary, details.answer-key > summary { cursor: pointer; color: var(--accent); }
        details.answer-key { border-top: 2px solid var(--rule); padding-top: .5rem; margin-top: 2rem; } details.answer-key > summary { font-weight: bold; font-size: 1.1rem; }
        .answer { border-left: 3px solid var(--accent); padding-left: .7rem; } .answer-label, .answer-of { margin: .3rem 0 0; }
        .answer-list > li { margin: .4rem 0; } .answer-text > p, p.answer-text { margin: .1rem 0; }
        @media print {
          /* The students' handout: no solutions, no answer key. The instructor's handout is
             printed from a copy of the page with body.instructor and every solution open. */
          details.solution, details.answer-key { display: none; }
          body.instructor details.solution, body.instructor details.answer-key { display: block; }
          body.instructor details.solution > summary, body.instructor details.answer-key > summary { list-style: none; color: var(--ink); font-weight: bold; }
          body.instructor details.answer-key { break-before: page; border-top: none; margin-top: 0; }
          section.exercise { break-inside: auto; } .exercise-title, .answer-label, .answer-of { break-after: avoid; }
          @page { size: A4; margin: 14mm 14mm 18mm; }
          body { max-width: none; padding: 0; font-size: 10.5pt; }
          /* Screen-only: navigation, controls, keyboard help, collapsible sources. */
          header nav, .controls, .keys, .no-print, details.source, .stepthrough .interactive { display: none !important; }
          body.show-code .print-source { display: block; font-size: 8pt; padding: .3rem; }
          /* Nothing scrolls on paper: long lines wrap, wide tables and figures are shown whole. */
          pre, code, .table, figure, .stepthrough, .stepthrough-print { overflow: visible !important; }
          pre { white-space: pre-wrap; overflow-wrap: anywhere; }
          table { font-size: 7.5pt; max-width: 100%; } th { white-space: normal; }
          figure svg { max-width: 100%; max-height: 22cm; }
          /* A cell's code stays with its first output; outputs, figures and tables do not split. */
          .print-source { break-after: avoid; page-break-after: avoid; }
          figure, table, pre, .note, .table, .timing, .stepthrough-print, .st-step, .error, nav.toc { break-inside: avoid; page-break-inside: avoid; }
          h1, h2, h3, caption, .m-caption { break-after: avoid; }
          section.cell { border-left: none; padding-left: 0; }
          a { color: inherit; text-decoration: none; }
          /* The step-through's chosen steps as small tables of numbers. */
          .st-steps { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 3mm 4mm; }
          .st-step table { width: 100%; margin: 0; font-size: 7pt; }
          .st-step caption { font-size: 8pt; padding: 0 0 .1rem; }
          .st-step th, .st-step td { padding: .05rem .25rem; }
          .st-step th[scope=row] { font-weight: normal; white-space: nowrap; }
          .st-step td.st-x { white-space: normal; }
          .st-step tr.st-norm th, .st-step tr.st-norm td { border-top: 1px solid var(--ink); font-weight: bold; }
        }
        """

    /// The printed footer of a report's page: the lesson's title, the rnnlab version and the seed
    /// at the bottom left, "page n / N" (Korean "n / N 쪽") at the bottom right, on every page. It
    /// comes from the report alone, so the page stays the same from run to run.
    static func footer(_ report: Report, instructor: Bool = false) -> String {
        let ko = report.language == "ko"
        var left = [report.title]
        if instructor { left[0] += " (" + Labels.instructorVersion(report.language) + ")" }
        if let version = report.version { left.append("rnnlab " + version) }
        if let seed = report.seed { left.append((ko ? "시드 " : "seed ") + String(seed)) }
        let font = "font-family: \"Noto Sans CJK KR\", \"Noto Sans KR\", \"Apple SD Gothic Neo\", \"Malgun Gothic\", NanumGothic, system-ui, sans-serif; font-size: 8pt; color: #5f6368;"
        // "page 2 / 5", "2 / 5 쪽"
        let pages = ko ? "counter(page) \" / \" counter(pages) " + cssString(" 쪽")
                       : cssString("page ") + " counter(page) \" / \" counter(pages)"
        return """

            @media print {
              @page {
                @bottom-left { content: \(cssString(left.joined(separator: " · "))); \(font) text-align: left; vertical-align: top; padding-top: 4mm; }
                @bottom-right { content: \(pages); \(font) text-align: right; vertical-align: top; padding-top: 4mm; white-space: nowrap; }
              }
            }
            """
    }

    /// A CSS string literal of any text: quotes, backslashes, newlines and other control
    /// characters as CSS escapes, and `<` escaped so the text cannot close the `<style>` element.
    static func cssString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<", ">", "&": out += "\\" + String(scalar.value, radix: 16) + " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    // A newline in a footer is a space; other control characters are dropped.
                    if scalar == "\n" || scalar == "\r" || scalar == "\t" { out += " " }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension HTMLWriter {
    /// A figure's opening tag, its title and its drawing (or its drawings for each width).
    static func figureOpening(_ figure: Figure) -> String {
        let e = Escape.html
        let hasXL = figure.variants.count > 1 && figure.variants[0].widths == [.xl]
        var out = "<figure id=\"\(e(figure.id))\"" + (figure.variants.isEmpty ? "" : " class=\"fitted\(hasXL ? " has-xl" : "")\"") + ">"
        if let title = figure.title, !title.isEmpty { out += "<div class=\"fig-title\">\(e(title))</div>" }
        if figure.variants.isEmpty { return out + Legibility.svg(figure.svg) }
        for v in figure.variants {
            out += "<div class=\"fv " + v.widths.map { "fv-" + $0.rawValue }.joined(separator: " ") + "\">" + Legibility.svg(v.svg) + "</div>"
        }
        return out
    }

    /// A diagram's colour key (under a figure, or a widget's graph): a swatch (or a line) and what it stands for, per entry.
    public static func legend(_ entries: [LegendEntry], language: String) -> String {
        let e = Escape.html
        let items = entries.map { entry -> String in
            let color = e(entry.color)
            let swatch: String
            switch entry.kind {
            case .fill: swatch = "<span class=\"sw\" style=\"background: \(color)\"></span>"
            case .line: swatch = "<span class=\"sw line\" style=\"border-color: \(color)\"></span>"
            case .dashedLine: swatch = "<span class=\"sw line dashed\" style=\"border-color: \(color)\"></span>"
            case .dashedBox: swatch = "<span class=\"sw box dashed\" style=\"border-color: \(color)\"></span>"
            case .ramp: swatch = "<span class=\"sw ramp\" style=\"background: \(color)\"></span>"
            }
            return "<li>\(swatch)\(e(entry.label))</li>"
        }.joined()
        return "<ul class=\"fig-legend\" aria-label=\"\(e(language == "ko" ? "색 설명" : "colour key"))\">\(items)</ul>"
    }
}

extension Labels {
    /// The table of contents' title.
    public static func contents(_ language: String) -> String { language == "ko" ? "목차" : "Contents" }
}
