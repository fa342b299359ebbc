import Foundation
import RNNCore
import Reports

/// `show: {what: what_if, sweep: NAME}` — TensorFlow Playground's "change a value and watch",
/// without a server: every value of a sweep was run by the sweep itself, and the page embeds one
/// panel per value (its numbers, ‖∂h_T/∂h_t‖ and ‖dL/dh_t‖ on axes shared by all values, the loss
/// curve when the sweep trains, and the step-through of that value's recorded sequence); a slider
/// chooses the panel. report.md gets the numbers of every value as a table.
enum WhatIf {
    static let maximumValues = 25
    static let maximumSteps = 5_000

    static func output(_ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        let name = try o["sweep"]?.string() ?? state.lastSweep
        guard let name, let sweep = state.sweeps[name] else {
            throw o.error("what_if needs a sweep: none has run yet (add a sweep: cell before this one)")
        }
        guard sweep.traces.count == sweep.values.count else {
            throw o.error("what_if: the sweep \(name) has \(sweep.values.count) values over \(sweep.jacobianNorms.reduce(0) { $0 + $1.count - 1 }) recorded steps; a page embeds at most \(maximumValues) values and \(NumberFormat.grouped(maximumSteps)) steps in all (sweep fewer values or shorter sequences)")
        }
        let symbol = sweep.cell.map { Shows.jacobianSymbol($0) } ?? "‖∂h_T/∂h_t‖"
        let e = Escape.html
        let id = "wi-" + state.nextFigureId().dropFirst(4)
        let trained = !sweep.histories.isEmpty
        // Axes shared by every panel, so that moving the slider moves the curves, not the axes.
        let jacobianExtent = sweep.jacobianNorms.flatMap { n in n.enumerated().map { (Double($0.offset), $0.element) } }
        let gradientExtent = sweep.gradientNorms.flatMap { n in n.enumerated().map { (Double($0.offset), $0.element) } }
        let lossExtent = sweep.histories.flatMap { h in h.map { (Double($0.epoch), $0.loss) } }
        var panels = ""
        var firstStepThrough: String? = nil
        // Eight units a panel unless the show picks them (`unit:`): every value's step-through is in
        // the page, and its equations' numbers for every unit are most of its size.
        let unitsShown = o["unit"] == nil ? 8 : nil
        var rows: [[String]] = []
        for (k, v) in sweep.values.enumerated() {
            let label = "\(sweep.parameter) = \(NumberFormat.short(v))"
            let n = sweep.jacobianNorms[k], dh = sweep.gradientNorms[k]
            var facts = ["T = \(n.count - 1)", "\(Shows.jacobianSymbol(sweep.cell ?? .rnn, at: "₀")) = \(NumberFormat.short(n[0]))"]
            if dh.count > 1 { facts.append("‖dL/dh_1‖ / ‖dL/dh_T‖ = \(NumberFormat.short(dh[1] / dh[dh.count - 1]))") }
            var row = [NumberFormat.short(v), String(n.count - 1), NumberFormat.short(n[0]), dh.count > 1 ? NumberFormat.short(dh[1] / dh[dh.count - 1]) : "—"]
            if trained {
                let last = sweep.histories[k].last.map { NumberFormat.short($0.loss) } ?? "—"
                let outcome: String
                switch sweep.outcomes[k] {
                case .completed: outcome = ko ? "완료" : "completed"
                case .diverged(let ep, let s): outcome = ko ? "\(ep)번째 에포크 \(s)번째 스텝에서 발산" : "diverged at epoch \(ep), step \(s)"
                }
                facts.append((ko ? "마지막 손실 " : "final loss ") + last + " (\(outcome))")
                row += [last, outcome]
            }
            rows.append(row)
            var jac = LineChart(language: state.language, title: "\(symbol) · \(label)", xLabel: "t", yLabel: symbol, logY: true,
                                series: [.init(name: label, points: n.enumerated().map { (Double($0.offset), $0.element) })])
            jac.extent = jacobianExtent
            var grad = LineChart(language: state.language, title: "‖dL/dh_t‖ · \(label)", xLabel: "t", yLabel: "‖dL/dh_t‖", logY: true,
                                 series: [.init(name: label, points: dh.enumerated().map { (Double($0.offset), $0.element) })])
            grad.extent = gradientExtent
            panels += "<div class=\"wi-panel\" data-index=\"\(k)\"\(k == 0 ? "" : " hidden")>"
            panels += "<p class=\"wi-facts\"><strong>\(e(label))</strong>: \(e(facts.joined(separator: " · ")))</p>"
            panels += "<figure>\(Legibility.svg(jac.svg(id: "\(id)-\(k)-j")))</figure>"
            panels += "<figure>\(Legibility.svg(grad.svg(id: "\(id)-\(k)-g")))</figure>"
            if trained {
                var loss = LineChart(language: state.language, title: (ko ? "학습 손실 · " : "Training loss · ") + label,
                                     xLabel: ko ? "에포크" : "epoch", yLabel: ko ? "손실" : "loss", logY: true,
                                     series: [.init(name: label, points: sweep.histories[k].map { (Double($0.epoch), $0.loss) })])
                loss.extent = lossExtent
                panels += "<figure>\(Legibility.svg(loss.svg(id: "\(id)-\(k)-l")))</figure>"
            }
            // Every panel's equations are the same cell's: the first panel's templates serve all.
            if case .widget(let html, _) = try StepThrough.output(sweep.traces[k], state: state, o: o, symbols: sweep.symbols,
                                                                  defaultUnits: unitsShown, sharedTemplates: firstStepThrough) {
                if firstStepThrough == nil, let r = html.range(of: #"class="stepthrough" id="[^"]*""#, options: .regularExpression) {
                    firstStepThrough = String(html[r].dropFirst("class=\"stepthrough\" id=\"".count).dropLast())
                }
                panels += html
            }
            panels += "</div>"
        }
        let values = sweep.values.map { NumberFormat.short($0) }
        var html = "<div class=\"what-if\" id=\"\(e(id))\" data-values=\"\(e("[" + values.map { Escape.json($0) }.joined(separator: ",") + "]"))\">"
        html += "<p class=\"wi-control\"><label for=\"\(e(id))-range\">\(e(ko ? "무엇을 바꾸면?" : "What if")) \(e(sweep.parameter)) = <output>\(e(values[0]))</output></label> "
        html += "<input type=\"range\" id=\"\(e(id))-range\" min=\"0\" max=\"\(values.count - 1)\" step=\"1\" value=\"0\" aria-valuetext=\"\(e(sweep.parameter)) = \(e(values[0]))\"> "
        html += "<span class=\"wi-values\">\(e(values.joined(separator: " · ")))</span></p>"
        html += "<p class=\"wi-hint\">" + e(ko
            ? "슬라이더로 값을 고르면 그 값으로 미리 계산해 둔 그래프와 단계별 보기가 나타납니다(모든 값이 이 페이지에 들어 있어 서버가 필요 없습니다). 그래프의 축은 모든 값이 함께 씁니다."
            : "Choose a value with the slider: the charts and the step-through computed for that value appear (every value is in this page; no server). The charts' axes are shared by all values, so the curves move and the axes stay.") + "</p>"
        html += panels + "</div>"
        var headers = [sweep.parameter, "T", Shows.jacobianSymbol(sweep.cell ?? .rnn, at: "₀"), "‖dL/dh_1‖ / ‖dL/dh_T‖"]
        if trained { headers += [ko ? "마지막 손실" : "final loss", ko ? "결과" : "outcome"] }
        let markdown = "| " + headers.map(Escape.markdownCell).joined(separator: " | ") + " |\n|" + headers.map { _ in " --- |" }.joined()
            + "\n" + rows.map { "| " + $0.map(Escape.markdownCell).joined(separator: " | ") + " |" }.joined(separator: "\n")
        return [.widget(html: html, markdown: (ko ? "*무엇을 바꾸면? 스윕 \(Escape.markdown(name))의 모든 값:*\n\n" : "*What if: every value of the sweep \(Escape.markdown(name)):*\n\n") + markdown)]
    }
}
