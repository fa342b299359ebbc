/// The page's exercises: each a `<section class="exercise">` whose solution is a folded
/// `<details class="solution">` (left out of the students' handout, opened in the instructor's),
/// and, when any exercise has a solution, an answer key after the last block.
struct ExercisePages {
    private var current: (number: Int, title: String)?
    private var inSolution = false, inAnswer = false
    private var answer: String?
    /// Exercises with solutions, in order, with their short answers' HTML when they have one.
    private var solved: [(number: Int, title: String, answer: String?)] = []

    /// The attribute the instructor's handout adds to open every solution (see `Handout`).
    static let solutionTag = "<details class=\"solution\">"
    static let answerKeyTag = "<details class=\"answer-key\" id=\"answer-key\">"

    mutating func open(number: Int, title: String) {
        current = (number, title)
    }

    mutating func beginSolution(_ language: String) -> String {
        guard current != nil, !inSolution else { return "" }
        inSolution = true
        return Self.solutionTag + "<summary>\(Escape.html(Labels.solution(language)))</summary>\n<div class=\"solution-body\">\n"
    }

    mutating func beginAnswer(_ language: String) -> String {
        guard inSolution, !inAnswer else { return "" }
        inAnswer = true
        answer = ""
        return "<div class=\"answer\"><p class=\"answer-label\"><strong>\(Escape.html(Labels.answer(language)))</strong></p>\n"
    }

    /// Prose of the page; inside an answer it is also kept for the key.
    mutating func prose(_ html: String) {
        if inAnswer { answer? += html }
    }

    /// Closes whatever is open (an answer, a solution, the exercise).
    mutating func close() -> String {
        guard let exercise = current else { return "" }
        var out = ""
        if inAnswer { out += "</div>\n" }
        if inSolution {
            out += "</div></details>\n"
            solved.append((exercise.number, exercise.title, answer))
        }
        out += "</section>\n"
        current = nil
        inSolution = false
        inAnswer = false
        answer = nil
        return out
    }

    /// The answer key: every solved exercise's short answer, or a link to its solution.
    func answerKey(_ language: String) -> String {
        guard !solved.isEmpty else { return "" }
        let e = Escape.html
        var out = Self.answerKeyTag + "<summary>\(e(Labels.answerKey(language)))</summary>\n<ol class=\"answer-list\">\n"
        for item in solved {
            out += "<li value=\"\(item.number)\"><p class=\"answer-of\"><a href=\"#exercise-\(item.number)\">"
                + e(Labels.exercise(language, item.number)) + "</a>"
                + (item.title.isEmpty ? "" : " · " + InlineMath.html(item.title)) + "</p>\n"
            out += item.answer.map { $0.isEmpty ? "" : "<div class=\"answer-text\">\($0)</div>\n" }
                ?? "<p class=\"answer-text\">\(e(Labels.seeSolution(language)))</p>\n"
            out += "</li>\n"
        }
        return out + "</ol></details>\n"
    }
}
