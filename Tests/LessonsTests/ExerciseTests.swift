import Foundation
import Testing
@testable import Lessons
@testable import Reports

/// Exercises and solutions (`::: exercise`, `::: solution`, `::: answer`, `:::`), captions with
/// math, and the instructor's copy of a page.
@Suite("Exercises and captions")
struct ExerciseTests {
    static let header = "---\ntitle: T\nlanguage: en\nseed: 3\n---\n"

    func run(_ text: String) throws -> Report {
        LessonRunner(showProgress: false).run(lesson: try Lesson.parse(Self.header + text, file: "lesson.md"))
    }

    static let lesson = """
        Intro.

        ```rnnlab
        model: {cell: rnn, input_size: 1, hidden_size: 4, output_size: 1}
        ```

        ::: exercise How big is $W_{hh}$?
        Count its entries. QUESTION
        ::: solution
        SOLUTION $H \\times H$.

        ```rnnlab
        show: parameters
        ```
        ::: answer
        ANSWER {{ 4 * 4 | int }}.
        :::

        ::: exercise
        OPEN
        :::
        """

    @Test func parsesExercisesIntoMarkers() throws {
        let lesson = try Lesson.parse(Self.header + Self.lesson, file: "lesson.md")
        let kinds = lesson.blocks.map { block -> String in
            switch block {
            case .prose: "p"
            case .cell: "c"
            case .exercise(let title, let line, let column): "e(\(title),\(line),\(column))"
            case .solution(let line): "s\(line)"
            case .answer(let line): "a\(line)"
            case .endExercise(let line): "x\(line)"
            }
        }
        #expect(kinds == ["p", "c", "e(How big is $W_{hh}$?,12,14)", "p", "s14", "p", "c", "a20", "p", "x22",
                          "e(,24,13)", "p", "x26"])
    }

    @Test func pageFoldsSolutionsAndEndsWithAnAnswerKey() throws {
        let report = try run(Self.lesson)
        #expect(report.error == nil, "\(report.error ?? "")")
        let html = HTMLWriter.write(report)
        let exercise = try #require(html.range(of: "<section class=\"exercise\" id=\"exercise-1\">"))
        let solution = try #require(html.range(of: "<details class=\"solution\"><summary>Solution</summary>"))
        let key = try #require(html.range(of: "<details class=\"answer-key\" id=\"answer-key\"><summary>Answer key</summary>"))
        #expect(exercise.lowerBound < solution.lowerBound && solution.lowerBound < key.lowerBound)
        #expect(html.contains("<h3 class=\"exercise-title\">Exercise 1 · How big is <math"))
        #expect(html.contains("id=\"exercise-2\"") && html.contains("Exercise 2</h3>"))
        // The solution's cell ran (its table is inside the solution), the answer was
        // interpolated, and the key repeats it, after the last exercise.
        let inside = html[solution.upperBound..<key.lowerBound]
        #expect(inside.contains("Weights of model") && inside.contains("ANSWER 16."))
        #expect(html[key.upperBound...].contains("ANSWER 16.") && html[key.upperBound...].contains("href=\"#exercise-1\""))
        #expect(!html[key.upperBound...].contains("OPEN"), "an exercise without a solution has no entry in the key")
        // Markdown: a heading per exercise, the solution in <details>, the key at the end.
        let md = MarkdownWriter.write(report).text
        #expect(md.contains("### Exercise 1: How big is $W_{hh}$?") && md.contains("<details><summary>Solution</summary>"))
        #expect(md.hasSuffix("<details><summary>Answer key</summary>\n\n**Exercise 1: How big is $W_{hh}$?**\n\nANSWER 16.\n\n</details>\n\n"))
    }

    @Test func instructorCopyOpensEverySolution() throws {
        let report = try run(Self.lesson)
        let copy = HTMLWriter.instructorCopy(of: HTMLWriter.write(report), report: report)
        #expect(copy.contains("<details class=\"solution\" open>") && copy.contains("<details class=\"answer-key\" id=\"answer-key\" open>"))
        #expect(!copy.contains("<details class=\"solution\">"))
        #expect(copy.contains("<body class=\"instructor show-code\">"))
        #expect(copy.contains("T (instructor's version) · seed 3"))
    }

    @Test(arguments: [
        ("::: solution\nx\n:::\n", 6, "`::: solution` outside an exercise"),
        ("::: exercise A\nx\n", 6, "the exercise opened here is never closed"),
        ("::: exercise A\n::: exercise B\n:::\n", 7, "cannot start inside the exercise opened at line 6"),
        ("::: exercise A\n::: answer\n:::\n", 7, "`::: answer` goes inside the solution"),
        ("::: exercise A\n::: solution\n::: solution\n:::\n", 8, "already has a solution"),
        (":::\n", 6, "`:::` closes an exercise, but none is open"),
        ("::: note\n", 6, "unknown block `::: note`"),
        ("::: exercise A\n::: solution extra\n:::\n", 7, "takes nothing after it"),
    ])
    func malformedExercisesNameTheLine(text: String, line: Int, message: String) {
        #expect(throws: LessonError.self) { try Lesson.parse(Self.header + text, file: "lesson.md") }
        do {
            _ = try Lesson.parse(Self.header + text, file: "lesson.md")
        } catch {
            #expect(error.line == line && error.message.contains(message), "\(error)")
        }
    }

    @Test func colonsInCodeBlocksAreCode() throws {
        let lesson = try Lesson.parse(Self.header + "```text\n::: exercise\n```\n", file: "lesson.md")
        #expect(lesson.blocks.count == 1)
    }

    @Test func badMathInAnExerciseTitleIsAnErrorAtItsColumn() throws {
        let report = try run("::: exercise Why $\\foo x$?\ntext\n:::\n")
        #expect(report.error?.hasPrefix("lesson.md:6:19: ") == true, "\(report.error ?? "")")
    }

    @Test func inlineMathEscapesTextAndRendersFormulas() {
        #expect(InlineMath.html("a < b & \"c\"") == "a &lt; b &amp; &quot;c&quot;")
        let html = InlineMath.html("<i>x</i> $h_t$ costs \\$5 and $10")
        #expect(html.hasPrefix("&lt;i&gt;x&lt;/i&gt; <math") && html.hasSuffix("</math> costs $5 and $10"))
        #expect(InlineMath.problem(in: "ok $x$ then $\\nope$") == InlineMath.Problem(column: 14, message: InlineMath.problem(in: "ok $x$ then $\\nope$")!.message))
        #expect(InlineMath.problem(in: "$5 and $10") == nil)
    }

    @Test func tableHeadersAndCaptionsMayHoldMathCellsOnlyWhenAsked() {
        var table = Table(caption: "Gate $\\Gamma_u$", headers: ["$c_t$", "text"], rows: [["$x$", "$y$"]])
        var html = HTMLWriter.htmlTable(table)
        #expect(html.contains("<caption>Gate <math") && html.contains("<th><math"))
        #expect(html.contains("<td>$x$</td>"), "cells of data keep their dollars")
        table.mathCells = true
        html = HTMLWriter.htmlTable(table)
        #expect(!html.contains("<td>$x$</td>"))
    }

    @Test func showCaptionsRenderMathAndCheckIt() throws {
        let ok = try run("""
            ```rnnlab
            model: {cell: lstm, input_size: 1, hidden_size: 3, output_size: 1}
            show: {what: cell_graph, caption: "The cell: $c_t = f_t \\\\odot c_{t-1} + i_t \\\\odot \\\\tilde c_t$"}
            ```
            """)
        #expect(ok.error == nil, "\(ok.error ?? "")")
        let html = HTMLWriter.write(ok)
        #expect(html.contains("<figcaption>The cell: <math"))
        let bad = try run("""
            ```rnnlab
            model: {cell: lstm, input_size: 1, hidden_size: 3, output_size: 1}
            show: {what: summary, caption: Sizes of $\\bad$}
            ```
            """)
        #expect(bad.error?.hasPrefix("lesson.md:8:42: show.caption: ") == true, "\(bad.error ?? "")")
        let none = try run("""
            ```rnnlab
            model: {cell: rnn, input_size: 1, hidden_size: 3, output_size: 1}
            data: {task: last_value, count: 4, length: 3}
            step: {}
            show: {what: step_through, caption: x}
            ```
            """)
        #expect(none.error?.contains("draws no figure or table") == true, "\(none.error ?? "")")
    }
}
