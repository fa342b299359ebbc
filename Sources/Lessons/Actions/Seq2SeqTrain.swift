import Foundation
import RNNCore
import Reports

/// `train:` of an encoder–decoder: the same options as for a network (`trainingOptions`),
/// teacher forcing on the data's training part; the time it took goes to `timings.json` under
/// `MODEL.train` and is shown on the page.
extension Actions {
    /// Whether an action's `model:` (or, without one, the last model defined) is an encoder–decoder.
    static func namesSeq2Seq(_ field: Field, state: LessonState) -> Bool {
        var name = state.lastModel
        if case .mapping(let m) = field.node {
            for (k, v) in m where k.string == "model" { name = v.string }
        }
        return name.map { state.seq2seqs[$0] != nil } ?? false
    }

    /// The encoder–decoder an action names (or the last one) and its data.
    static func seq2seqOperands(_ o: Options, state: LessonState) throws(LessonError) -> (LessonSeq2Seq, Seq2SeqData) {
        let name = try o["model"]?.string() ?? state.lastModel ?? ""
        guard let model = state.seq2seqs[name] else { throw (o["model"] ?? o.field).error("no encoder–decoder named \(name)") }
        let dataName = try o["data"]?.string() ?? model.dataName
        guard let data = state.seq2seqData[dataName] else {
            throw (o["data"] ?? o.field).error("no digit-string data named \(dataName) (defined: \(state.seq2seqData.keys.sorted().joined(separator: ", ")))")
        }
        guard data.sourceVocabulary.count == model.model.spec.sourceVocabularySize,
              data.targetVocabulary.count == model.model.spec.targetVocabularySize else {
            throw (o["data"] ?? o.field).error("\(model.name) reads \(model.model.spec.targetVocabularySize) target tokens; \(data.name) has \(data.targetVocabulary.count)")
        }
        return (model, data)
    }

    /// Forward and backward over `pairs`: about six operations per weight per step in each half,
    /// plus each step's and pair's fixed cost (`Budget.passWork`).
    static func seq2seqWork(_ s: Seq2Seq, _ pairs: [Seq2SeqPair]) -> Double {
        let sourceSteps = pairs.reduce(0) { $0 + $1.source.count }
        let targetSteps = pairs.reduce(0) { $0 + $1.target.count + 1 }
        return Budget.passWork(s.encoder, steps: sourceSteps, sequences: pairs.count)
            + Budget.passWork(s.decoder, steps: targetSteps, sequences: 0)
    }

    static func seq2seqMemory(_ s: Seq2Seq, _ pairs: [Seq2SeqPair]) -> Double {
        let longest = pairs.reduce(0) { max($0, max($1.source.count, $1.target.count + 1)) }
        return Double(s.parameterCount) * 8 * 6
            + 2 * (Budget.recordBytes(s.encoder, steps: longest) + Budget.recordBytes(s.decoder, steps: longest))
    }

    static func trainSeq2Seq(_ field: Field, state: LessonState, progress: ProgressReporter) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data"] + trainingOptions)
        var (model, data) = try seq2seqOperands(o, state: state)
        let config = try trainingConfig(o, seed: state.seed(for: "train:" + model.name))
        try state.checkWork(Double(config.epochs) * seq2seqWork(model.model, data.pairs),
                            "training \(NumberFormat.grouped(model.model.parameterCount)) weights for \(NumberFormat.grouped(config.epochs)) epochs over \(NumberFormat.grouped(data.pairs.count)) pairs", at: o.field)
        try state.checkMemory(seq2seqMemory(model.model, data.pairs), "training \(model.name)", at: o.field)
        progress.begin("train \(model.name)", total: config.epochs)
        let (result, elapsed) = model.model.trainCached(parameters: model.parameters, pairs: data.pairs, config: config) { summary in
            progress.update(summary.epoch, detail: "loss \(NumberFormat.short(summary.loss))")
        }
        progress.end()
        model.parameters = result.parameters
        model.history += result.history
        model.outcome = result.outcome
        model.dataName = data.name
        state.seq2seqs[model.name] = model
        state.lastModel = model.name
        recordTraining(model.name + ".train", result, in: state.values)
        let key = model.name + ".train"
        state.timings.removeAll { $0.0 == key }
        state.timings.append((key, elapsed))
        let ko = state.language == "ko"
        let note = trainingNote(model.name, result, epochs: config.epochs, pairs: data.pairs.count, language: state.language)
        return [.note(note), .timing(label: ko ? "학습에 걸린 시간" : "Time to train", keys: [(key, model.name)])]
    }
}
