/// `report.md`: GitHub-flavoured Markdown with tables as Markdown tables and figures as SVG
/// files beside it.
public enum MarkdownWriter {
    /// The Markdown text and the figure files it references (name → SVG).
    public static func write(_ report: Report) -> (text: String, files: [(name: String, contents: String)]) {
        var out = "# \(report.title)\n\n"
        var files: [(String, String)] = []
        var tableCount = 0
        var exercise: (number: Int, title: String, solution: Bool, answer: Bool, answerText: String?)?
        var solved: [(number: Int, title: String, answer: String?)] = []
        func closeExercise(_ open: inout (number: Int, title: String, solution: Bool, answer: Bool, answerText: String?)?) -> String {
            guard let e = open else { return "" }
            open = nil
            guard e.solution else { return "" }
            solved.append((e.number, e.title, e.answerText))
            return "</details>\n\n"
        }
        for block in report.blocks {
            switch block {
            case .prose(let markdown):
                out += markdown.trimmingTrailingNewlines() + "\n\n"
            case .cell(let cell):
                out += "<details><summary>\(Labels.cell(report.language)) (\(Labels.line(report.language)) \(cell.line))</summary>\n\n"
                out += "```yaml\n\(cell.source.trimmingTrailingNewlines())\n```\n\n</details>\n\n"
                for output in cell.outputs {
                    switch output {
                    case .note(let text):
                        out += text + "\n\n"
                    case .text(let text):
                        out += "```text\n\(text.trimmingTrailingNewlines())\n```\n\n"
                    case .table(let table):
                        tableCount += 1
                        let data = DataFiles.tableName(tableCount)
                        files.append((data, table.csv))
                        out += markdownTable(table) + "\n[\(Labels.data(report.language)): \(data)](\(data))\n\n"
                    case .figure(let figure):
                        let file = "\(figure.id).svg"
                        files.append((file, figure.file ?? figure.svg))
                        out += "![\(escapeAlt(figure.alt))](\(file))\n\n"
                        if !figure.caption.isEmpty { out += "*\(figure.caption)*\n\n" }
                        if let data = figure.data {
                            let name = "\(figure.id).\(data.extension)"
                            files.append((name, data.contents))
                            out += "[\(Labels.data(report.language)): \(name)](\(name))\n\n"
                        }
                    case .widget(_, let markdown):
                        out += markdown.trimmingTrailingNewlines() + "\n\n"
                    case .timing(let label, _):
                        out += "*\(label): \(Labels.timingsFile(report.language))*\n\n"
                    }
                }
                if let error = cell.error {
                    out += "> **\(Labels.error(report.language))** `\(error)`\n\n"
                }
            case .exercise(let number, let title):
                out += closeExercise(&exercise)
                exercise = (number, title, false, false, nil)
                out += "### \(Labels.exercise(report.language, number))\(title.isEmpty ? "" : ": " + title)\n\n"
            case .solution:
                guard exercise != nil, exercise?.solution == false else { break }
                exercise?.solution = true
                out += "<details><summary>\(Labels.solution(report.language))</summary>\n\n"
            case .answer:
                guard exercise?.solution == true, exercise?.answer == false else { break }
                exercise?.answer = true
                exercise?.answerText = ""
                out += "**\(Labels.answer(report.language))**\n\n"
            case .endExercise:
                out += closeExercise(&exercise)
            }
            if case .prose(let markdown) = block, exercise?.answer == true {
                exercise?.answerText? += markdown.trimmingTrailingNewlines() + "\n\n"
            }
        }
        out += closeExercise(&exercise)
        if !solved.isEmpty {
            // GitHub folds <details>; the key repeats each short answer.
            out += "<details><summary>\(Labels.answerKey(report.language))</summary>\n\n"
            for item in solved {
                out += "**\(Labels.exercise(report.language, item.number))\(item.title.isEmpty ? "" : ": " + item.title)**\n\n"
                out += (item.answer?.isEmpty == false ? item.answer! : Labels.seeSolution(report.language) + "\n\n")
            }
            out += "</details>\n\n"
        }
        out += navigation(report)
        return (out, files)
    }

    /// The links to the previous and next lessons and to the other language's version.
    static func navigation(_ report: Report) -> String {
        let n = report.navigation, lang = report.language
        var links: [String] = []
        func target(_ l: Report.Navigation.Link) -> String { "../\(l.folder)/report.md" }
        if let p = n.previous { links.append("← \(Labels.previous(lang)): [\(Escape.markdown(p.title))](\(target(p)))") }
        if let x = n.next { links.append("\(Labels.next(lang)): [\(Escape.markdown(x.title))](\(target(x))) →") }
        if let o = n.otherLanguage { links.append("[\(Labels.otherLanguage(o.language))](\(target(o)))") }
        return links.isEmpty ? "" : "---\n\n" + links.joined(separator: " · ") + "\n"
    }

    /// A table as GitHub-flavoured Markdown (also for widgets' Markdown fallbacks).
    public static func markdownTable(_ table: Table) -> String {
        var out = ""
        if let caption = table.caption { out += "**\(caption)**\n\n" }
        out += "| " + table.headers.map(Escape.markdownCell).joined(separator: " | ") + " |\n"
        out += "| " + table.headers.indices.map { table.numeric.contains($0) ? "---:" : "---" }.joined(separator: " | ") + " |\n"
        for row in table.rows {
            out += "| " + row.map(Escape.markdownCell).joined(separator: " | ") + " |\n"
        }
        return out
    }

    private static func escapeAlt(_ s: String) -> String {
        s.replacingOccurrences(of: "]", with: "\\]").replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "\n", with: " ")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}

/// Interface words in the lesson's language.
public enum Labels {
    public static func cell(_ language: String) -> String { language == "ko" ? "셀" : "cell" }
    public static func line(_ language: String) -> String { language == "ko" ? "줄" : "line" }
    public static func data(_ language: String) -> String { language == "ko" ? "데이터" : "data" }
    public static func projector(_ language: String) -> String { language == "ko" ? "프로젝터 모드" : "Projector mode" }
    public static func error(_ language: String) -> String { language == "ko" ? "오류" : "Error" }
    public static func source(_ language: String) -> String { language == "ko" ? "셀 코드" : "cell source" }
    public static func lessons(_ language: String) -> String { language == "ko" ? "레슨" : "Lessons" }
    public static func previous(_ language: String) -> String { language == "ko" ? "이전 레슨" : "Previous lesson" }
    public static func next(_ language: String) -> String { language == "ko" ? "다음 레슨" : "Next lesson" }
    /// The link to the lesson's version in the other language, named in that language.
    public static func otherLanguage(_ other: String) -> String { other == "ko" ? "한국어로 보기" : "Read in English" }
    public static func timingsFile(_ language: String) -> String {
        language == "ko" ? "실행 시간은 이 보고서 옆의 timings.json에 있습니다" : "measured times are in timings.json beside this report"
    }
    public static func exercise(_ language: String, _ number: Int) -> String { language == "ko" ? "연습 문제 \(number)" : "Exercise \(number)" }
    public static func solution(_ language: String) -> String { language == "ko" ? "풀이" : "Solution" }
    public static func answer(_ language: String) -> String { language == "ko" ? "답" : "Answer" }
    public static func answerKey(_ language: String) -> String { language == "ko" ? "정답" : "Answer key" }
    public static func seeSolution(_ language: String) -> String { language == "ko" ? "풀이를 보세요." : "See the solution." }
    public static func instructorVersion(_ language: String) -> String { language == "ko" ? "교사용" : "instructor's version" }
    public static func stopped(_ language: String) -> String {
        language == "ko" ? "이 셀에서 오류가 나서 레슨 실행이 멈췄습니다." : "The lesson stopped at this cell."
    }
}

/// Names of the data files beside a report: `fig-03.csv` for a figure's, `table-02.csv` for the
/// second table's (both writers number tables in the same order).
public enum DataFiles {
    public static func tableName(_ k: Int) -> String { "table-" + (k < 10 ? "0" : "") + String(k) + ".csv" }

    /// Whether a file in a report folder is one this module writes for figures and tables.
    static func isData(_ name: String) -> Bool {
        (name.hasPrefix("fig-") && (name.hasSuffix(".svg") || name.hasSuffix(".csv") || name.hasSuffix(".json")))
            || (name.hasPrefix("table-") && name.hasSuffix(".csv"))
    }
}
