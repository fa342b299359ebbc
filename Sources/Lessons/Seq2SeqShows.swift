import Foundation
import RNNCore
import RNNGraph
import Reports

/// The shows that also read an encoder–decoder: its loss curve, its graph unrolled over the
/// recorded pair (`unrolled`, `gradient_graph`), and for the encoder's first layer ‖dL/dh_s‖
/// (`gradient_norms`) and the Jacobian norms from the state it hands over back to each source
/// step (`jacobian_norms`).
extension Shows {
    static let seq2seqKinds: Set<String> = ["loss_curve", "unrolled", "gradient_graph", "gradient_norms", "jacobian_norms", "step_through"]

    /// Options of the single-network shows that an encoder–decoder's shows do not take
    /// (`step_through` takes `unit`).
    static let notForSeq2Seq = ["of", "unit", "step", "steps", "gates", "sweep", "on", "index", "count", "top", "tolerance", "data"]

    static func namesSeq2Seq(_ o: Options, _ state: LessonState) -> Bool {
        let name = (try? o["model"]?.string()) ?? state.lastModel
        return name.map { state.seq2seqs[$0] != nil } ?? false
    }

    static func seq2seq(_ kind: String, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        let name = try o["model"]?.string() ?? state.lastModel ?? ""
        guard let model = state.seq2seqs[name] else { throw o.error("no encoder–decoder named \(name)") }
        if kind == "step_through" {
            // Each half as an ordinary network's record: the encoder (no readout; at its last
            // step it receives what the decoder hands back) and the decoder (started from the
            // state the encoder hands over, fed BOS and the target). Both are the whole model's
            // record and gradient, not a second run.
            guard let trace = state.seq2seqSteps[name] else {
                throw o.error("step_through needs a recorded pair: \(name) has none yet (add a step: cell before this one)")
            }
            for key in notForSeq2Seq where key != "unit" && o[key] != nil {
                throw o[key]!.error("does not apply to step_through of an encoder–decoder")
            }
            let half = try o["half"]?.choice(["both", "encoder", "decoder"]) ?? "both"
            guard let data = state.seq2seqData[model.dataName] else { throw o.error("the data of \(name) is gone") }
            let source = trace.pair.source.map { data.sourceVocabulary[$0] }
            let sourceText = source.joined(separator: " ")
            var out: [Output] = []
            if half != "decoder" {
                let encoder = trace.encoderTrace
                let spec = model.model.spec
                let layers = spec.encoder.layers > 1 || spec.encoder.bidirectional
                let which = layers ? (ko ? " (첫 층의 정방향 셀)" : " (its first layer's forward cell)") : ""
                let carriesC = encoder.handedBack?.dc != nil
                out.append(.note(ko
                    ? "**\(Escape.markdown(name))**의 인코더\(which)를 한 시점씩 봅니다 (입력 \(Escape.markdown(sourceText))): 출력층이 없고, 마지막 상태 h_S\(carriesC ? "와 c_S" : "")가 디코더의 초기 상태가 됩니다. 역전파는 t = S에서 디코더가 돌려준 dL/dh₀\(carriesC ? "와 dL/dc₀" : "")로 시작해 첫 입력 쪽으로 흐릅니다."
                    : "**\(Escape.markdown(name))**'s encoder\(which), step by step, reading the source \(Escape.markdown(sourceText)): it has no readout; its last state h_S\(carriesC ? " and c_S" : "") starts the decoder. The backward pass starts at t = S from the dL/dh₀\(carriesC ? " and dL/dc₀" : "") the decoder hands back, and flows towards the first source token."))
                state.stepThroughs?.shown.append(ShownStepThrough(line: o.field.line, trace: encoder, language: state.language, symbols: data.sourceVocabulary, role: "encoder"))
                out.append(try StepThrough.output(encoder, state: state, o: o, inputLabels: source))
            }
            if half != "encoder" {
                let decoder = trace.decoderTrace
                let hasC = decoder.record.layers[0][0].spec.hasCellState
                out.append(.note(ko
                    ? "**\(Escape.markdown(name))**의 디코더를 한 시점씩 봅니다 (입력 \(Escape.markdown(sourceText))): h₀\(hasC ? ", c₀" : "")는 인코더가 넘겨준 상태이고, 입력은 BOS 다음 정답 토큰입니다 (교사 강요). 역전파의 dL/dh₀가 인코더로 넘어가는 기울기입니다."
                    : "**\(Escape.markdown(name))**'s decoder, step by step, on the source \(Escape.markdown(sourceText)): its h₀\(hasC ? " and c₀ are" : " is") the state the encoder hands over, and it is fed BOS and then the target (teacher forcing). In the backward pass, dL/dh₀ is the gradient handed back to the encoder."))
                state.stepThroughs?.shown.append(ShownStepThrough(line: o.field.line, trace: decoder, language: state.language, symbols: data.targetVocabulary, role: "decoder"))
                let inputs = model.model.decoderInput(trace.pair.target).map { data.targetVocabulary[$0] }
                out.append(try StepThrough.output(decoder, state: state, o: o, inputLabels: inputs, symbols: data.targetVocabulary))
            }
            return out
        }
        for key in notForSeq2Seq where o[key] != nil {
            throw o[key]!.error("does not apply to \(kind) of an encoder–decoder")
        }
        if kind == "loss_curve" {
            guard !model.history.isEmpty else {
                throw o.error("loss_curve needs a trained model: \(name) has not been trained yet (add a train: cell before this one)")
            }
            let chart = LineChart(language: state.language, title: ko ? "학습 손실" : "Training loss", xLabel: ko ? "에포크" : "epoch",
                                  yLabel: ko ? "손실" : "loss", logY: try o["log"]?.bool() ?? true,
                                  series: [.init(name: ko ? "손실" : "loss", points: model.history.map { (Double($0.epoch), $0.loss) })])
            return [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
        }
        guard let trace = state.seq2seqSteps[name] else {
            throw o.error("\(kind) needs a recorded pair: \(name) has none yet (add a step: cell before this one)")
        }
        let r = trace.record.encoder.layers[0][0]
        let S = r.steps
        let dh = (0...S).map { euclideanNorm(r.dhAt($0)) }
        switch kind {
        case "gradient_norms":
            var series = [LineChart.Series(name: "‖dL/dh_s‖", points: dh.enumerated().map { (Double($0.offset), $0.element) })]
            if r.spec.hasCellState {
                series.append(.init(name: "‖dL/dc_s‖", points: (0...S).map { (Double($0), euclideanNorm(r.dcAt($0))) }))
            }
            let chart = LineChart(language: state.language, title: ko ? "인코더의 입력 위치별 기울기 크기" : "The encoder's gradient at every source position",
                                  xLabel: ko ? "입력 위치 s" : "source position s", yLabel: "‖dL/dh_s‖", logY: try o["log"]?.bool() ?? true, series: series)
            return [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
        case "jacobian_norms":
            let symbol = r.spec.kind == .lstm ? "‖∂(h,c)_S/∂(h,c)_s‖" : "‖∂h_S/∂h_s‖"
            let norms = trace.encoderJacobianNorms[0][0]
            let chart = LineChart(language: state.language, title: ko ? "인코더의 야코비안 노름 \(symbol)" : "The encoder's Jacobian norm \(symbol)",
                                  xLabel: ko ? "입력 위치 s" : "source position s", yLabel: symbol, logY: try o["log"]?.bool() ?? true,
                                  series: [.init(name: symbol, points: norms.enumerated().map { (Double($0.offset), $0.element) })])
            return [figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv)]
        default:  // unrolled, gradient_graph
            guard let data = state.seq2seqData[model.dataName] else { throw o.error("the data of \(name) is gone") }
            let s2s = model.model, V = s2s.spec.targetVocabularySize
            let pair = trace.pair
            let y = trace.record.decoder.y
            let predictions = (0...pair.target.count).map { t in
                data.targetVocabulary[argmax(Array(y[(t * V)..<((t + 1) * V)]))]
            }
            var d = Seq2SeqDiagram(
                source: pair.source.map { data.sourceVocabulary[$0] },
                decoderInputs: s2s.decoderInput(pair.target).map { data.targetVocabulary[$0] },
                targets: s2s.decoderTargets(pair.target).map { data.targetVocabulary[$0] },
                predictions: predictions, encoderCell: s2s.spec.encoder.cell, decoderCell: s2s.spec.decoder.cell)
            d.bidirectional = s2s.spec.encoder.bidirectional
            d.encoderGradient = dh
            d.gradientView = kind == "gradient_graph"
            d.lossValue = trace.record.loss
            d.language = ko ? .ko : .en
            return [try graphviz(state, d.dot, caption: "", o: o, traceJSON: trace.json(), fitting: d)]
        }
    }
}
