import Foundation
import RNNCore
import Reports

/// `show: predictions`: what a model predicts, beside the target.
///
/// - `xent_all` (a language model): one sequence (`index`), a row per step: the input symbol,
///   the target, the `top` most probable next symbols with their softmax probabilities.
/// - `xent_last`: `count` sequences, a row each: the target and the top predictions.
/// - `mse_last`: `count` sequences: target, prediction, error (and whether it is within
///   `tolerance`); `mse_all`: one sequence, a row per step.
///
/// Options: `model`, `data`, `on` (`test` when the data has a held-out part, else `train`),
/// `index`, `count` (default 8), `top` (default 3), `tolerance`.
extension Shows {
    static func predictions(_ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        if let model = try state.feedForward(o["model"]) { return try predictions(model, o, state: state) }
        return try predictions(try state.model(o["model"], options: o), o, state: state)
    }

    /// The predictions of either kind of model (`o` the show's options).
    static func predictions<M: SequenceModel>(_ model: LessonModel<M>, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let on = try o["on"]?.choice(["test", "train"]) ?? (data.test == nil ? "train" : "test")
        guard let part = on == "test" ? data.test : data else {
            throw (o["on"] ?? o.field).error("data \(data.name) has no held-out part (give it test: N or split: 0.2)")
        }
        let top = try o["top"]?.int(min: 1, max: 10) ?? 3
        let count = try o["count"]?.int(min: 1, max: 200) ?? 8
        let tolerance = try o["tolerance"]?.positiveDouble() ?? data.tolerance
        let network = model.network, Y = network.outputSize
        func symbol(_ k: Int) -> String {
            guard k < data.vocabulary.count else { return String(k) }
            let s = data.vocabulary[k]
            return s == " " ? "␣" : s == "\n" ? "↵" : s
        }
        // A class by its name (was, were; other, name) where classes are not input symbols.
        func className(_ k: Int) -> String { data.classNames.isEmpty ? symbol(k) : k < data.classNames.count ? data.classNames[k] : String(k) }
        // A sentence's words, the middle left out past 12 (its first words are what agreement needs).
        func sentence(_ ids: [Int]) -> String {
            let words = ids.map(symbol)
            guard words.count > 12 else { return words.joined(separator: " ") }
            return (words.prefix(6) + ["…"] + words.suffix(3)).joined(separator: " ") + (ko ? " (\(words.count)단어)" : " (\(words.count) words)")
        }
        let showsInput = !data.classNames.isEmpty && !part.tokens.isEmpty
        func ranked(_ logits: ArraySlice<Double>) -> [(Int, Double)] {
            let m = logits.max() ?? 0
            let w = logits.map { exp($0 - m) }
            let z = w.reduce(0, +)
            return w.enumerated().map { ($0.offset, $0.element / z) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        }
        func topText(_ r: [(Int, Double)]) -> String {
            r.prefix(top).map { "\(className($0.0)) \(NumberFormat.fixed($0.1, 2))" }.joined(separator: " · ")
        }
        let partName = on == "test" ? (ko ? "테스트" : "held-out") : (ko ? "학습" : "training")
        let loss = data.loss
        let perStep = loss.coversAllSteps
        let indices: [Int]
        if perStep {
            indices = [try o["index"]?.int(min: 0, max: part.count - 1) ?? 0]
        } else {
            let first = try o["index"]?.int(min: 0, max: part.count - 1) ?? 0
            indices = Array(first..<min(part.count, first + count))
        }
        var rows: [[String]] = []
        var headers: [String]
        var hits = 0, predicted: [String] = []
        /// Every prediction shown: sequence k, its i-th scored step t, the outputs y_t, the targets.
        func forEachPrediction(_ body: (Int, Int, Int, ArraySlice<Double>, Targets) -> Void) {
            for k in indices {
                let sample = part.sample(k, for: network)
                // Row i of y is the output at the i-th step the loss reads.
                let y = network.scoredOutputs(parameters: model.parameters, sample: sample).y
                for (i, t) in sample.loss.scoredSteps(sample.steps).enumerated() {
                    body(k, i, t, y[(i * Y)..<((i + 1) * Y)], sample.targets)
                }
            }
        }
        switch loss {
        case .xentAll, .xentLast:
            headers = perStep ? ["t", ko ? "입력" : "input", ko ? "정답" : "target"]
                : ["#"] + (showsInput ? [ko ? "입력" : "input"] : []) + [ko ? "정답" : "target"]
            headers += [ko ? "예측 상위 \(top)개 (확률)" : "top \(top) predicted (probability)", ""]
            forEachPrediction { k, i, t, outputs, targets in
                guard case .classes(let c) = targets else { return }
                do {
                    let r = ranked(outputs)
                    let mark = r.first?.0 == c[i] ? "✓" : "✗"
                    if r.first?.0 == c[i] { hits += 1 }
                    predicted.append(className(r.first?.0 ?? 0))
                    if perStep {
                        let input = part.tokens.isEmpty ? "" : symbol(part.tokens[k][t - 1])
                        rows.append([String(t), input, className(c[i]), topText(r), mark])
                    } else {
                        rows.append([String(k)] + (showsInput ? [sentence(part.tokens[k])] : []) + [className(c[i]), topText(r), mark])
                    }
                }
            }
        case .mseLast, .mseAll:
            headers = [perStep ? "t" : "#", ko ? "정답" : "target", ko ? "예측" : "predicted", ko ? "오차" : "error"]
            if tolerance != nil { headers.append("") }
            forEachPrediction { k, i, t, outputs, targets in
                guard case .vectors(let v) = targets else { return }
                do {
                    let y = Array(outputs), d = Array(v[(i * Y)..<((i + 1) * Y)])
                    let err = zip(y, d).map { $0 - $1 }
                    // Enough decimals that an error just past the tolerance does not print as it.
                    let digits = tolerance.map { t in err.contains { abs(abs($0) - t) < 5e-4 } ? 5 : 3 } ?? 3
                    var row = [perStep ? String(t) : String(k), d.map { NumberFormat.fixed($0, 3) }.joined(separator: ", "),
                               y.map { NumberFormat.fixed($0, 3) }.joined(separator: ", "),
                               err.map { NumberFormat.fixed($0, digits) }.joined(separator: ", ")]
                    if let tolerance {
                        let within = err.allSatisfy { abs($0) < tolerance }
                        row.append(within ? "✓" : "✗")
                        if within { hits += 1 }
                    }
                    rows.append(row)
                }
            }
        }
        let caption = perStep
            ? (ko ? "\(model.name)의 예측: \(partName) 시퀀스 \(indices[0])의 각 시점" : "What \(model.name) predicts at each step of \(partName) sequence \(indices[0])")
            : (ko ? "\(model.name)의 예측: \(partName) 시퀀스 \(indices.count)개" : "What \(model.name) predicts for \(indices.count) \(partName) sequences")
            + (tolerance.map { ko ? " (✓: 오차 < \(NumberFormat.short($0)))" : " (✓: |error| < \(NumberFormat.short($0)))" } ?? "")
        // `M.predictions.accuracy` (the rows marked ✓) and, for classes, `M.predictions.text`
        // (the most probable symbol of every row, joined).
        if !rows.isEmpty && (tolerance != nil || loss == .xentAll || loss == .xentLast) {
            state.values.set(model.name + ".predictions.accuracy", Double(hits) / Double(rows.count))
        }
        if !predicted.isEmpty {
            state.values.set(model.name + ".predictions.text", .text(predicted.joined(separator: data.spacedSymbols ? " " : "")))
        }
        let numericColumns: Set<Int> = loss == .xentAll || loss == .xentLast ? [0] : [0, 1, 2, 3]
        return [.table(Table(caption: caption, headers: headers, rows: rows, numeric: numericColumns))]
    }
}
