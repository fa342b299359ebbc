import Testing
@testable import Lessons

/// The claim and interpolation language: the tree first, then evaluation, then prose.
@Suite("Expressions")
struct ExpressionTests {
    static func store() -> ValueStore {
        let s = ValueStore()
        s.set("lstm.test.accuracy", 0.9531)
        s.set("rnn.test.accuracy", 0.25)
        s.set("lstm.train.loss", .list([2.0, 1.0, 0.5, 0.25]))
        s.set("flat", .list([1.0, 1.0, 2.0]))
        s.set("empty", .list([]))
        s.set("diverged", .nan)
        s.set("nanlist", .list([1.0, .nan, 0.5]))
        s.set("model.name", .text("LSTM *big*"))
        s.set("params", 12_345.6)
        s.set(ValueStore.key("sweep.jacobian", 0.5), 0.125)
        s.set(ValueStore.key("cmp.rnn.test.accuracy", 40), 0.5)
        s.set("m.step.dh_norm", .list([1e-1, 1e-2, 1e-3, 1e-4]))
        s.set("정확도", 0.953)
        s.set("ratio", 31.24)
        s.set("tiny", 0.000123456)
        return s
    }

    func tree(_ text: String) throws -> String { try Expression.parse(text).root.description }

    func eval(_ text: String, _ store: ValueStore = store()) throws -> ExpressionValue {
        try Expression.parse(text).evaluate(store)
    }

    func number(_ text: String) throws -> Double {
        guard case .number(let v) = try eval(text) else {
            Issue.record("\(text) is not a number")
            return .nan
        }
        return v
    }

    func holds(_ text: String) throws -> Bool { try Claim.parse(text).check(Self.store()).holds }

    /// The error a parse or evaluation throws, or nil.
    func failure(_ text: String, claim: Bool = false) -> ExpressionError? {
        do throws(ExpressionError) {
            if claim { _ = try Claim.parse(text).check(Self.store()) } else { _ = try Expression.parse(text).evaluate(Self.store()) }
            return nil
        } catch {
            return error
        }
    }

    // MARK: Parsing

    @Test func numbersInEveryWritingAreLiterals() throws {
        #expect(try tree("0.9") == "0.9")
        #expect(try tree("1e-3") == "0.001")
        #expect(try tree("2.5E+2") == "250")
        #expect(try tree("5%") == "0.05")
        #expect(try tree("1_000") == "1000")
        #expect(try tree(".5") == "0.5")
        #expect(try tree("-2") == "(-2)")
        #expect(try tree("3 − 1") == "(3 - 1)", "a typographic minus is a minus")
    }

    @Test func precedenceAndAssociativity() throws {
        #expect(try tree("1 + 2 * 3") == "(1 + (2 * 3))")
        #expect(try tree("(1 + 2) * 3") == "((1 + 2) * 3)")
        #expect(try tree("1 - 2 - 3") == "((1 - 2) - 3)")
        #expect(try tree("8 / 4 / 2") == "((8 / 4) / 2)")
        #expect(try tree("2 ^ 3 ^ 2") == "(2 ^ (3 ^ 2))")
        #expect(try tree("-2 ^ 2") == "(-(2 ^ 2))")
        #expect(try tree("2 ^ -1") == "(2 ^ (-1))")
        #expect(try tree("a + 1 < b * 2") == "((a + 1) < (b * 2))")
        #expect(try tree("not a < 1 and b > 2 or c == 3") == "(((not (a < 1)) and (b > 2)) or (c == 3))")
        #expect(try tree("0.1 < x <= 0.9") == "(0.1 < x <= 0.9)")
        #expect(try tree("x ≤ 1 ≥ y ≠ z") == "(x <= 1 >= y != z)")
        #expect(try tree("a == b within 5%") == "(a == b within 5%)")
        #expect(try tree("a ≈ b within 0.01") == "(a == b within 0.01)")
        #expect(try tree("max(a, b, 3)") == "max(a, b, 3)")
    }

    @Test func namesKeepTheirKeysWithoutSpaces() throws {
        #expect(try tree("sweep.jacobian[ 0.5 ]") == "sweep.jacobian[0.5]")
        #expect(try tree("cmp.rnn.test.accuracy [40]") == "cmp.rnn.test.accuracy[40]")
        #expect(try tree("m.step.dh_norm[3]") == "m.step.dh_norm[3]")
        #expect(try tree("정확도 > 0.9") == "(정확도 > 0.9)")
        let e = try Expression.parse("lstm.test.accuracy > rnn.test.accuracy and lstm.test.accuracy > sweep.jacobian[0.5]")
        #expect(e.names == ["lstm.test.accuracy", "rnn.test.accuracy", "sweep.jacobian[0.5]"])
    }

    @Test func syntaxErrorsSayWhatWasExpectedAndWhere() {
        #expect(failure("1 +") == ExpressionError(message: "expected a number, a name or '(', but the expression ended", column: 4))
        #expect(failure("(1 + 2") == ExpressionError(message: "expected ')' to close the '(' at column 1, but the expression ended", column: 7))
        #expect(failure("a = 1") == ExpressionError(message: "unexpected character '='; use == to compare", column: 3))
        #expect(failure("1 2") == ExpressionError(message: "expected an operator or the end, found '2'", column: 3))
        #expect(failure("lstm.") == ExpressionError(message: "expected a letter or digit after 'lstm.'", column: 6))
        #expect(failure("a[0") == ExpressionError(message: "expected ']' to close the '[' after a", column: 2))
        #expect(failure("  ") == ExpressionError(message: "the expression is empty", column: 3))
        #expect(failure("a ≈ b")?.message == "'≈' needs a tolerance, as in a ≈ b within 5%")
        #expect(failure("a < b within 5%")?.message == "'within' applies to one == comparison, as in a == b within 5%")
        #expect(failure("a == b within x")?.message == "expected a tolerance after 'within' (5% relative, 0.01 absolute), but found 'x'")
        #expect(failure("foo(1)")?.message.hasPrefix("unknown function 'foo'; known functions: abs, min, max,") == true)
        #expect(failure("abs(1, 2)")?.message == "abs() takes one argument, not 2")
        #expect(failure("max()")?.message == "max() takes one list or several numbers, not 0")
        #expect(failure("\"open")?.column == 1)
    }

    @Test func lengthAndDepthAreBounded() throws {
        let deep = String(repeating: "(", count: 65) + "1" + String(repeating: ")", count: 65)
        #expect(failure(deep)?.message == "the expression is nested more than 64 deep")
        let shallow = String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60)
        #expect(try number(shallow) == 1)
        #expect(failure(String(repeating: "-", count: 100) + "1")?.message == "the expression is nested more than 64 deep")
        #expect(failure(String(repeating: "not ", count: 100) + "1 < 2")?.message == "the expression is nested more than 64 deep")
        let long = Array(repeating: "1", count: 1001).joined(separator: "+")
        #expect(failure(long) == ExpressionError(message: "an expression may be at most 2,000 characters long; this one has 2,001", column: 2001))
        let justFits = Array(repeating: "1", count: 1000).joined(separator: "+")
        #expect(try number(justFits) == 1000, "a long flat sum is not deep")
    }

    // MARK: Evaluation

    @Test func arithmetic() throws {
        #expect(try number("1 + 2 * 3") == 7)
        #expect(try number("(1 + 2) * 3") == 9)
        #expect(try number("10 - 4 - 3") == 3)
        #expect(try number("8 / 4 / 2") == 1)
        #expect(try number("2 ^ 3 ^ 2") == 512)
        #expect(try number("-2 ^ 2") == -4)
        #expect(try number("--3") == 3)
        #expect(try number("50% * 4") == 2)
        #expect(try number("lstm.test.accuracy - rnn.test.accuracy") == 0.9531 - 0.25)
        #expect(try number("1 / 0") == .infinity, "division by zero is a value, not an error")
        #expect(try number("0 / 0").isNaN)
    }

    @Test func functionsOfNumbers() throws {
        #expect(try number("abs(-3)") == 3)
        #expect(try number("min(3, 1, 2)") == 1)
        #expect(try number("max(3, 1, 2)") == 3)
        #expect(try number("min(4)") == 4)
        #expect(try number("log10(1000)") == 3)
        #expect(try number("ln(1)") == 0 && number("exp(0)") == 1)
        #expect(try abs(number("ln(exp(2))") - 2) < 1e-12)
        #expect(try number("sqrt(16)") == 4)
        #expect(try number("sqrt(-1)").isNaN)
        #expect(try number("max(1, diverged)").isNaN, "NaN spreads through min and max")
    }

    @Test func functionsOfLists() throws {
        #expect(try number("first(lstm.train.loss)") == 2)
        #expect(try number("last(lstm.train.loss)") == 0.25)
        #expect(try number("len(lstm.train.loss)") == 4)
        #expect(try number("sum(lstm.train.loss)") == 3.75)
        #expect(try number("mean(lstm.train.loss)") == 0.9375)
        #expect(try number("median(lstm.train.loss)") == 0.75)
        #expect(try number("median(flat)") == 1)
        #expect(try number("min(lstm.train.loss)") == 0.25)
        #expect(try number("max(lstm.train.loss)") == 2)
        #expect(try number("mean(empty)").isNaN && number("first(empty)").isNaN && number("len(empty)") == 0)
        #expect(try eval("decreasing(lstm.train.loss)") == .boolean(true))
        #expect(try eval("increasing(lstm.train.loss)") == .boolean(false))
        #expect(try eval("decreasing(flat)") == .boolean(false))
        #expect(try eval("nondecreasing(flat)") == .boolean(true))
        #expect(try eval("nonincreasing(lstm.train.loss)") == .boolean(true))
        #expect(try eval("increasing(flat)") == .boolean(false))
        #expect(try eval("nonincreasing(nanlist)") == .boolean(false), "a diverged series is not monotonic")
    }

    @Test func listElementsAndKeyedValuesComeFromTheStore() throws {
        #expect(try number("lstm.train.loss[2]") == 0.5)
        #expect(try number("m.step.dh_norm[3]") == 1e-4)
        #expect(try number("sweep.jacobian[0.5]") == 0.125)
        #expect(try number("sweep.jacobian[0.50]") == 0.125, "the same key written another way")
        #expect(try number("cmp.rnn.test.accuracy[40]") == 0.5)
        #expect(try number("정확도") == 0.953)
        #expect(failure("lstm.train.loss[4]")?.message == "lstm.train.loss[4]: lstm.train.loss is a list of 4 values (indices 0…3)")
    }

    @Test func comparisonsChainsAndTolerances() throws {
        #expect(try holds("lstm.test.accuracy > 0.9"))
        #expect(try !holds("lstm.test.accuracy < 0.9"))
        #expect(try holds("rnn.test.accuracy <= 0.25") && holds("rnn.test.accuracy >= 0.25"))
        #expect(try holds("rnn.test.accuracy == 25%") && !holds("rnn.test.accuracy != 0.25"))
        #expect(try holds("0.1 < rnn.test.accuracy < 0.9"))
        #expect(try !holds("0.1 < rnn.test.accuracy < 0.2"), "every link of a chain must hold")
        #expect(try !holds("0.3 < rnn.test.accuracy < 0.9"))
        #expect(try holds("100 == 104 within 5%") && !holds("100 == 106 within 5%"))
        #expect(try holds("-100 == -96 within 4%"), "relative to the larger magnitude")
        #expect(try holds("1 ≈ 1.005 within 0.01") && !holds("1 == 1.02 within 0.01"))
        #expect(try holds("not rnn.test.accuracy > 0.5"))
        #expect(try holds("rnn.test.accuracy > 0.5 or lstm.test.accuracy > 0.9"))
        #expect(try !holds("rnn.test.accuracy > 0.5 and lstm.test.accuracy > 0.9"))
        #expect(try holds("model.name == \"LSTM *big*\"") && holds("model.name != \"GRU\""))
        #expect(try holds("decreasing(lstm.train.loss) == (1 < 2)"))
    }

    @Test func comparisonsWithNaNAreFalse() throws {
        for claim in ["diverged < 1", "diverged > 1", "diverged == diverged", "diverged != 1",
                      "diverged == 1 within 100%", "0 < diverged < 1", "0 / 0 >= 0"] {
            #expect(try !holds(claim), "\(claim)")
        }
        #expect(try holds("not diverged < 1"), "not of a false comparison is true")
    }

    @Test func unknownNamesSuggestTheirNeighbours() {
        #expect(failure("lstm.tset.accuracy > 0.9") == ExpressionError(
            message: "unknown name 'lstm.tset.accuracy'; known names starting with 'lstm': lstm.test.accuracy, lstm.train.loss", column: 1))
        let s = ValueStore()
        for k in 0..<10 { s.set("a.v\(k)", Double(k)) }
        s.set("ab", 1)  // shares the prefix "a" but not the first component
        do throws(ExpressionError) {
            _ = try Expression.parse("1 + a.x").evaluate(s)
            Issue.record("a.x should be unknown")
        } catch {
            #expect(error.column == 5)
            #expect(error.message == "unknown name 'a.x'; known names starting with 'a': a.v0, a.v1, a.v2, a.v3, a.v4, a.v5, a.v6, a.v7, … (2 more)")
        }
        s.set("a.x1", 1)
        do throws(ExpressionError) {
            _ = try Expression.parse("a.x").evaluate(s)
            Issue.record("a.x should be unknown")
        } catch {
            #expect(error.message.hasPrefix("unknown name 'a.x'; known names starting with 'a': a.x1, a.v0,"), "the closest name comes first")
        }
        #expect(ExpressionEvaluator.editDistance("m.test.acuracy", "m.test.accuracy") == 1)
        #expect(ExpressionEvaluator.editDistance("", "abc") == 3 && ExpressionEvaluator.editDistance("kitten", "sitting") == 3)
        #expect(failure("gru.acc > 1")?.message == "unknown name 'gru.acc'; no value's name starts with 'gru'; names start with: lstm, rnn, flat, empty, diverged, nanlist, model, params, … (6 more)")
    }

    @Test func typeErrorsSayWhichSideIsWrong() {
        #expect(failure("lstm.train.loss > 1") == ExpressionError(
            message: "'>' needs a number, but lstm.train.loss is a list of 4 values; use first(), last(), an index [k] or a function of the list", column: 1))
        #expect(failure("1 + lstm.train.loss")?.column == 5)
        #expect(failure("mean(lstm.test.accuracy)")?.message == "mean() needs a list, but lstm.test.accuracy is a number")
        #expect(failure("min(lstm.train.loss, 1)")?.message.hasPrefix("min() needs one list or several numbers, but lstm.train.loss is a list") == true)
        #expect(failure("(1 < 2) + 1")?.message == "'+' needs a number, but this is true/false")
        #expect(failure("1 and 1 < 2")?.message == "'and' needs a comparison (true or false), but this is a number")
        #expect(failure("model.name > \"a\"")?.message == "text can only be compared with == or != to a quoted \"…\"")
        #expect(failure("model.name == 1")?.message == "'==' compares text only with text (a quoted \"…\")")
        #expect(failure("lstm.test.accuracy", claim: true) == ExpressionError(message: "a claim must compare (use < <= > >= == !=)", column: 1))
        #expect(failure("a > 1 and 2", claim: true) == ExpressionError(message: "a claim must compare (use < <= > >= == !=)", column: 11))
    }

    @Test func claimResultsListWhatTheyMeasured() throws {
        let s = Self.store()
        let ok = try Claim.parse(" lstm.test.accuracy > rnn.test.accuracy and rnn.test.accuracy < 0.5 ").check(s)
        #expect(ok.holds)
        #expect(ok.measured.map(\.name) == ["lstm.test.accuracy", "rnn.test.accuracy"])
        #expect(ok.measuredText == "lstm.test.accuracy = 0.9531, rnn.test.accuracy = 0.25")
        s.set("lstm.test.accuracy", 0.42)
        let bad = try Claim.parse("lstm.test.accuracy > 0.9").check(s)
        #expect(!bad.holds)
        #expect(bad.description == "expected lstm.test.accuracy > 0.9, measured lstm.test.accuracy = 0.42")
        s.set("long", .list((0..<10).map { 1 / Double($0 + 1) }))
        let series = try Claim.parse("decreasing(long) and model.name != \"x\"").check(s)
        #expect(series.measuredText == "long = [1, 0.5, 0.3333, …, 0.1111, 0.1] (10 values), model.name = \"LSTM *big*\"")
        #expect(series.measuredText(language: "ko") == "long = [1, 0.5, 0.3333, …, 0.1111, 0.1] (값 10개), model.name = \"LSTM *big*\"")
        #expect(try Claim.parse("1 < 2").check(s).description == "1 < 2 holds")
    }

    // MARK: Interpolation

    func prose(_ text: String) -> Interpolation.Result { Interpolation.apply(text, store: Self.store()) }

    func format(_ expression: String) -> String {
        let r = prose("{{ \(expression) }}")
        #expect(r.problems.isEmpty, "\(r.problems)")
        return r.text
    }

    @Test func everyFormat() {
        #expect(format("lstm.test.accuracy") == "0.9531")
        #expect(format("params | short") == "1.235e+04")
        #expect(format("lstm.test.accuracy | fixed:2") == "0.95")
        #expect(format("lstm.test.accuracy | fixed:0") == "1")
        #expect(format("lstm.test.accuracy | sig:2") == "0.95")
        #expect(format("rnn.test.accuracy | sig:3") == "0.250", "trailing zeros are significant")
        #expect(format("9.996 | sig:3") == "10.0")
        #expect(format("params | sig:3") == "12300")
        #expect(format("tiny | sig:2") == "0.00012")
        #expect(format("tiny | sci:2") == "1.23 × 10⁻⁴")
        #expect(format("1e-4 | sci:1") == "1.0 × 10⁻⁴", "the mantissa stays even when it is 1")
        #expect(format("params | sci") == "1.23 × 10⁴")
        #expect(format("9.999 | sci:2") == "1.00 × 10¹")
        #expect(format("1.814 | sci:2") == "1.81", "no × 10⁰")
        #expect(format("0.953 | percent") == "95.3%")
        #expect(format("lstm.test.accuracy | percent:2") == "95.31%")
        #expect(format("rnn.test.accuracy | percent:0") == "25%")
        #expect(format("params | int") == "12,346")
        #expect(format("-1234567.4 | grouped") == "-1,234,567")
        #expect(format("ratio | times") == "31.2×")
        #expect(format("ratio | times:0") == "31×")
        #expect(format("lstm.test.accuracy > 0.9 | yesno") == "yes")
        #expect(format("lstm.test.accuracy < 0.9 | yesno") == "no")
        #expect(format("lstm.test.accuracy < 0.9") == "false")
        #expect(format("decreasing(lstm.train.loss)") == "true")
        #expect(format("lstm.train.loss | list") == "2, 1, 0.5, 0.25")
        #expect(format("model.name") == "LSTM \\*big\\*", "text is escaped for Markdown")
        #expect(format("last(lstm.train.loss) | fixed:3") == "0.250")
    }

    @Test func nonFiniteNumbersPrintTheSameInEveryFormat() {
        for f in ["", " | percent", " | fixed:2", " | int", " | times", " | sci:2", " | sig:3"] {
            #expect(format("diverged" + f) == "NaN")
            #expect(format("1 / 0" + f) == "∞")
            #expect(format("-1 / 0" + f) == "−∞")
        }
    }

    @Test func problemsLeaveThePlaceholderAndNameTheLine() {
        let text = """
            Line one {{ lstm.test.accuracy | percent }}.
            ```
            {{ not.evaluated }} \\{{ stays }}
            ```
            Line five {{ lstm.tset.accuracy }} and {{ lstm.train.loss }}.
            ~~~~
            {{ also.code }}
            ~~~~
            {{ rnn.test.accuracy | bogus }} {{ model.name | percent }}
            open {{ here
            """
        let r = prose(text)
        // Only the first placeholder can be filled; everything else stays exactly as written.
        #expect(r.text == "Line one 95.3%." + text.drop { $0 != "\n" })
        #expect(r.problems.map(\.line) == [5, 5, 9, 9, 10])
        #expect(r.problems.map(\.column) == [14, 43, 24, 49, 6])
        #expect(r.problems[0].message.hasPrefix("{{ lstm.tset.accuracy }}: unknown name 'lstm.tset.accuracy'; known names starting with 'lstm': "))
        #expect(r.problems[1].message == "{{ lstm.train.loss }}: lstm.train.loss is a list of 4 values; use first(), last(), an index [k] or | list")
        #expect(r.problems[2].message == "{{ rnn.test.accuracy | bogus }}: unknown format 'bogus'; known formats: \(Interpolation.Format.known)")
        #expect(r.problems[3].message == "{{ model.name | percent }}: model.name is text; formats apply to numbers")
        #expect(r.problems[4].message == "'{{' is not closed on this line (write \\{{ for a literal {{)")
    }

    @Test func escapesAndKorean() {
        #expect(prose("write \\{{ name }} for a value").text == "write {{ name }} for a value")
        #expect(prose("정확도는{{ lstm.test.accuracy | percent }}입니다").text == "정확도는95.3%입니다")
        #expect(prose("값: {{정확도|percent}}, 끝").text == "값: 95.3%, 끝")
        #expect(prose("`{{ rnn.test.accuracy }}` in code spans is filled").text == "`0.25` in code spans is filled")
        let r = prose("한국어 줄\r\n둘째 줄 {{ 없음 }}")
        #expect(r.text == "한국어 줄\r\n둘째 줄 {{ 없음 }}")
        #expect(r.problems.map(\.line) == [2] && r.problems.map(\.column) == [9])
        #expect(prose("{{ rnn.test.accuracy | fixed }}").problems.first?.message == "{{ rnn.test.accuracy | fixed }}: format 'fixed' needs a number of decimals, as in fixed:2")
        #expect(prose("{{ rnn.test.accuracy | int:2 }}").problems.first?.message == "{{ rnn.test.accuracy | int:2 }}: format 'int' takes no ':N'")
        #expect(prose("{{ 1 | yesno }}").problems.first?.message == "{{ 1 | yesno }}: 1 is a number; yesno is for comparisons (true/false)")
    }
}
