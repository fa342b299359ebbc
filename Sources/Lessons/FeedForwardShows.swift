import Foundation
import RNNCore
import Reports

/// The shows a feed-forward model takes: the ones that read its weights or its outputs. Every
/// other kind needs a recorded pass through a recurrence (gates, states, dL/dh_t, Jacobians) and
/// is refused at the show's line, naming the kinds it does take.
extension Shows {
    static let feedForwardKinds = ["summary", "parameters", "predictions", "loss_curve", "neighbours"]

    static func feedForward(_ kind: String, _ model: LessonModel<FeedForward>, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        switch kind {
        case "summary":
            let data = model.dataName.flatMap { state.datasets[$0] } ?? state.lastData.flatMap { state.datasets[$0] }
            let (table, note) = FeedForwardSummary.table(model.network, name: model.name, steps: data?.steps, language: state.language)
            return [.table(table), .note(note)]
        case "parameters": return parameters(model, state: state)
        case "predictions": return try predictions(model, o, state: state)
        case "loss_curve": return try lossCurve(model, o, state: state)
        case "neighbours": return try neighbours(model, o, state: state)
        default:
            throw (o["model"] ?? o.field).error("\(kind) needs a recurrent network: \(model.name) is a feed-forward model (kind: feedforward), with no steps of a recurrence to record; it takes show: \(feedForwardKinds.joined(separator: ", "))")
        }
    }

    /// `show: parameters`: every weight's shape, count and norm, with a bar chart.
    static func parameters<M: SequenceModel>(_ model: LessonModel<M>, state: LessonState) -> [Output] {
        let ko = state.language == "ko"
        let slots = model.network.layout.slots
        let rows = slots.map { [$0.name, $0.shape.map(String.init).joined(separator: " × "), NumberFormat.grouped($0.count),
                                NumberFormat.short(euclideanNorm(model.parameters[$0.range]))] }
        let table = Table(caption: ko ? "\(model.name)의 가중치" : "Weights of \(model.name)",
                          headers: [ko ? "이름" : "name", ko ? "모양" : "shape", ko ? "개수" : "count", "‖θ‖"], rows: rows, numeric: [2, 3])
        let chart = BarChart(language: state.language, title: ko ? "가중치별 파라미터 수" : "Parameters per weight",
                             bars: slots.map { ($0.name, Double($0.count)) }, valueLabel: ko ? "파라미터 수" : "parameters")
        return [.table(table), figure(state, { chart.svg(id: $0) }, alt: chart.title, csv: chart.csv)]
    }

    /// `show: loss_curve`: the training loss per epoch.
    static func lossCurve<M: SequenceModel>(_ model: LessonModel<M>, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        guard !model.history.isEmpty else {
            throw o.error("loss_curve needs a trained model: \(model.name) has not been trained yet (add a train: cell before this one)")
        }
        let chart = LineChart(language: state.language, title: ko ? "학습 손실" : "Training loss", xLabel: ko ? "에포크" : "epoch", yLabel: ko ? "손실" : "loss",
                              logY: try o["log"]?.bool() ?? true,
                              series: [.init(name: ko ? "손실" : "loss", points: model.history.map { (Double($0.epoch), $0.loss) })])
        var out: [Output] = [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
        if case .diverged(let e, let s) = model.outcome {
            out.append(.note(ko ? "발산: \(e)번째 에포크, \(s)번째 스텝" : "Diverged at epoch \(e), step \(s)."))
        }
        return out
    }
}

/// A feed-forward model's summary in Keras's layout, and its equations.
enum FeedForwardSummary {
    /// One line: `Window(10) → Dense(32, tanh) → Dense(1)`.
    static func describe(_ model: FeedForward) -> String {
        let spec = model.spec
        var parts: [String] = []
        if let v = spec.vocabularySize { parts.append("Embedding(\(v), \(spec.inputSize))") }
        switch spec.reader {
        case .window(let w): parts.append("Window(\(w)) → Flatten")
        case .averagePooling: parts.append("GlobalAveragePooling1D")
        }
        for h in spec.hiddenSizes { parts.append("Dense(\(h), \(spec.activation.rawValue))") }
        parts.append("Dense(\(spec.outputSize))")
        return parts.joined(separator: " → ")
    }

    /// The summary table (Keras's layer names, output shapes and counts, which Keras reports for
    /// the same layers: `Tests/Reference/keras_feedforward_counts.py`) and the note under it.
    static func table(_ model: FeedForward, name: String, steps: Int?, language: String) -> (Table, String) {
        let spec = model.spec, ko = language == "ko"
        var rows: [[String]] = []
        var denseIndex = 0
        func dense(_ units: Int, _ count: Int) {
            rows.append([(denseIndex == 0 ? "dense" : "dense_\(denseIndex)") + " (Dense)", "(None, \(units))", NumberFormat.grouped(count)])
            denseIndex += 1
        }
        let width: String
        switch spec.reader {
        case .window(let w): width = String(w)
        case .averagePooling: width = steps.map(String.init) ?? "None"
        }
        if let v = spec.vocabularySize {
            rows.append(["embedding (Embedding)", "(None, \(width), \(spec.inputSize))", NumberFormat.grouped(v * spec.inputSize)])
        }
        switch spec.reader {
        case .window: rows.append(["flatten (Flatten)", "(None, \(spec.readWidth))", "0"])
        case .averagePooling: rows.append(["global_average_pooling1d (GlobalAveragePooling1D)", "(None, \(spec.inputSize))", "0"])
        }
        var below = spec.readWidth
        for h in spec.hiddenSizes {
            dense(h, h * below + h)
            below = h
        }
        dense(spec.outputSize, spec.outputSize * below + spec.outputSize)
        let total = model.parameterCount
        var note = ko
            ? "전체 파라미터: \(NumberFormat.grouped(total)) (학습 가능: \(NumberFormat.grouped(total)), 학습 불가: 0)"
            : "Total params: \(NumberFormat.grouped(total)) (trainable: \(NumberFormat.grouped(total)), non-trainable: 0)"
        if case .window(let w) = spec.reader {
            note += ko
                ? ". 창은 마지막 \(w) 시점만 읽습니다: 더 짧은 시퀀스는 앞을 0으로 채우고, 더 긴 시퀀스의 앞부분은 읽지 않습니다. 파라미터 수는 창의 크기에 비례해 늘어납니다 (첫 Dense 층이 \(w) × \(spec.inputSize)개 입력을 모두 따로 봅니다). 모든 시점의 손실이면 창이 시퀀스를 따라 미끄러지며, Keras로는 `Conv1D(H, \(w), padding=\"causal\")` 다음 `Dense`로 같은 수입니다."
                : ". The window reads only the last \(w) steps: a shorter sequence is zero-padded in front, a longer one's earlier steps are never read. The count grows with the window (the first Dense layer weighs each of the \(w) × \(spec.inputSize) inputs separately). With a loss at every step the window slides along the sequence; in Keras that is `Conv1D(H, \(w), padding=\"causal\")` then `Dense`, with the same count."
        }
        note += "\n\n" + equations(spec, language: language)
        return (Summary.frame(name: name, rows: rows, language: language), note)
    }

    /// The equations as rnnlab computes them (`Sources/RNNCore/FeedForward.swift`).
    static func equations(_ spec: FeedForwardSpec, language: String) -> String {
        let ko = language == "ko"
        func phi(_ a: String) -> String {
            switch spec.activation {
            case .tanh: return "\\tanh(\(a))"
            case .relu: return "\\operatorname{relu}(\(a))"
            case .linear: return a
            }
        }
        var rows: [String] = []
        let t = spec.reader == .averagePooling ? "" : "_t"
        if spec.vocabularySize != nil { rows.append("x_t &= E[w_t]") }
        switch spec.reader {
        case .window(let w):
            let window = w == 1 ? "x_t" : w == 2 ? "[x_{t-1}; x_t]" : w == 3 ? "[x_{t-2}; x_{t-1}; x_t]" : "[x_{t-\(w - 1)}; \\dots; x_{t-1}; x_t]"
            rows.append("u_t &= \(window) && \\qquad x_s = 0" + (ko ? " \\ (s < 1)" : " \\text{ for } s < 1"))
        case .averagePooling:
            rows.append("u &= \\frac{1}{T} \\sum_{t=1}^{T} x_t")
        }
        var below = "u\(t)"
        for l in spec.hiddenSizes.indices {
            rows.append("h^{[\(l + 1)]}\(t) &= " + phi("W_{\(l + 1)} \(below) + b_{\(l + 1)}"))
            below = "h^{[\(l + 1)]}\(t)"
        }
        rows.append("y\(t) &= W_y \(below) + b_y")
        let lead = ko
            ? "rnnlab이 계산하는 그대로의 식입니다 (순환 없음: 출력은 창 안의 입력만으로 정해집니다)"
            : "The equations exactly as rnnlab computes them (no recurrence: an output depends only on the inputs it reads)"
        return lead + ":\n\n$$\n\\begin{aligned}\n" + rows.joined(separator: " \\\\\n") + "\n\\end{aligned}\n$$"
    }
}
