import Reports

/// `expect`: claims about the run's measured values, checked where they are written.
///
/// ```yaml
/// expect:
///   - lstm.test.accuracy > 0.9
///   - rnn.test.accuracy < lstm.test.accuracy
///   - cmp.lstm.solved >= 4
///   - decreasing(sweep.jacobian)
/// ```
///
/// Every claim appears in the report with the values it read and a check mark. A claim that
/// does not hold stops the lesson with `lesson.md:LINE: expected CLAIM, measured …` (exit 1);
/// the report keeps this cell, its table marking the failed claim.
extension Actions {
    static func expect(_ field: Field, state: LessonState, outputs: inout [Output]) throws(LessonError) {
        let ko = state.language == "ko"
        var rows: [[String]] = []
        var failure: LessonError?
        let claims = try field.listOrSingle()
        guard !claims.isEmpty else { throw field.error("needs at least one claim, such as \"lstm.test.accuracy > 0.9\"") }
        for item in claims {
            guard item.isScalar else {
                throw item.error("each claim is one line of text, such as \"lstm.test.accuracy > 0.9\"; give a list of claims, not a mapping or nested list (a claim with ': ' in it needs quotes)")
            }
            let text = try item.string()
            let result: ClaimResult
            do {
                result = try Claim.parse(text).check(state.values)
            } catch {
                throw item.error("\(text): \(error.description)")
            }
            rows.append([text, result.measuredText(language: state.language), result.holds ? "✓" : "✗"])
            if !result.holds && failure == nil {
                failure = LessonError(file: item.file, line: item.line,
                                      message: "expected \(text), measured \(result.measuredText)")
            }
        }
        outputs.append(.table(Table(caption: ko ? "확인한 주장" : "Claims checked against this run",
                                    headers: [ko ? "주장" : "claim", ko ? "측정값" : "measured", ""], rows: rows)))
        if let failure { throw failure }
    }
}
