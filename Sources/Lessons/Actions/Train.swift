import Foundation
import RNNCore
import Reports

/// `train`: fit a model to data; divergence is a result.
extension Actions {
    static let trainingOptions = ["optimizer", "learning_rate", "momentum", "epochs", "batch_size", "clip_norm", "clip_value",
                                  "truncation", "shuffle"]

    /// The optimizer, epochs, batches, clipping and truncation options of `train` (also used by
    /// `sweep`'s `train:`).
    static func trainingConfig(_ o: Options, seed: UInt64) throws(LessonError) -> TrainingConfig {
        let optimizerName = try o["optimizer"]?.choice(["adam", "sgd", "adagrad"]) ?? "adam"
        let lr = try o["learning_rate"]?.positiveDouble()
        let optimizer: OptimizerKind
        switch optimizerName {
        case "sgd": optimizer = .sgd(learningRate: lr ?? 0.01, momentum: try o["momentum"]?.double() ?? 0)
        case "adagrad": optimizer = .adagrad(learningRate: lr ?? 0.001)
        default: optimizer = .adam(learningRate: lr ?? 0.001)
        }
        if let m = o["momentum"], optimizerName != "sgd" { throw m.error("applies to optimizer sgd only") }
        var clipping: Clipping?
        if let c = o["clip_norm"] { clipping = .globalNorm(try c.positiveDouble()) }
        if let c = o["clip_value"] {
            if clipping != nil { throw c.error("give clip_norm or clip_value, not both") }
            clipping = .value(try c.positiveDouble())
        }
        return TrainingConfig(
            optimizer: optimizer, epochs: try o["epochs"]?.int(min: 1, max: 100_000) ?? 10,
            batchSize: try o["batch_size"]?.int(min: 1, max: 1_000_000) ?? 32,
            clipping: clipping, truncation: try o["truncation"]?.int(min: 1), seed: seed,
            shuffle: try o["shuffle"]?.bool() ?? true)
    }

    static func train(_ field: Field, state: LessonState, progress: ProgressReporter) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data"] + trainingOptions)
        if var model = try state.feedForward(o["model"]) {
            if let t = o["truncation"] { throw t.error("applies to recurrent networks: a feed-forward model has no recurrence to truncate") }
            let out = try train(&model, o, state: state, progress: progress)
            state.feedForwards[model.name] = model
            return out
        }
        var model = try state.model(o["model"], options: o)
        let out = try train(&model, o, state: state, progress: progress)
        state.models[model.name] = model
        return out
    }

    /// Trains either kind of model (`o` the `train` options); the caller stores it.
    static func train<M: SequenceModel>(_ model: inout LessonModel<M>, _ o: Options, state: LessonState,
                                        progress: ProgressReporter) throws(LessonError) -> [Output] {
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let config = try trainingConfig(o, seed: state.seed(for: "train:" + model.name))
        let steps = Budget.totalSteps(data)
        try state.checkWork(Double(config.epochs) * Budget.trainingWork(model.network, data: data),
                            "training \(NumberFormat.grouped(model.network.parameterCount)) weights for \(NumberFormat.grouped(config.epochs)) epochs over \(NumberFormat.grouped(data.count)) sequences (\(NumberFormat.grouped(steps)) steps)", at: o.field)
        try state.checkMemory(Budget.modelBytes(model.network) + 2 * Budget.recordBytes(model.network, steps: Budget.longest(data)),
                              "training \(model.name)", at: o.field)
        let epochs = config.epochs
        let samples = data.samples(for: model.network)
        progress.begin("train \(model.name)", total: epochs)
        let result = model.network.trainCached(parameters: model.parameters, samples: samples, config: config) { summary in
            progress.update(summary.epoch, detail: "loss \(NumberFormat.short(summary.loss))")
        }.result
        progress.end()
        model.parameters = result.parameters
        model.history += result.history
        model.outcome = result.outcome
        model.dataName = data.name
        state.lastModel = model.name
        recordTraining(model.name + ".train", result, in: state.values)
        return [.note(trainingNote(model.name, result, epochs: epochs, pairs: nil, language: state.language))]
    }

    /// What a training ended with: its epochs and loss, or where it diverged (a result, not a
    /// crash). `pairs`: an encoder–decoder's count of training pairs, said in the note.
    static func trainingNote(_ name: String, _ result: TrainingResult, epochs: Int, pairs: Int?, language: String) -> String {
        let ko = language == "ko", shown = Escape.markdown(name)
        switch result.outcome {
        case .completed:
            let first = NumberFormat.short(result.history.first!.loss), last = NumberFormat.short(result.history.last!.loss)
            if let pairs {
                return ko ? "**\(shown)** 학습 완료: 쌍 \(NumberFormat.grouped(pairs))개로 \(epochs) 에포크, 손실 \(first) → \(last)"
                          : "Trained **\(shown)** for \(epochs) epochs on \(NumberFormat.grouped(pairs)) pairs: loss \(first) → \(last)"
            }
            return ko ? "**\(shown)** 학습 완료: \(epochs) 에포크, 손실 \(first) → \(last)"
                      : "Trained **\(shown)** for \(epochs) epochs: loss \(first) → \(last)"
        case .diverged(let e, let s):
            return ko
                ? "⚠️ **\(shown)** 학습이 발산했습니다: \(e)번째 에포크, \(s)번째 스텝에서 손실 또는 기울기가 NaN/무한대가 되었습니다. 마지막 유한한 파라미터를 유지합니다."
                : "⚠️ Training **\(shown)** diverged at epoch \(e), step \(s): the loss or gradient became NaN or infinite. The last finite parameters are kept."
        }
    }

    /// `prefix.first_loss`, `.final_loss`, `.losses` (one per epoch), `.epochs`, `.diverged` (1 or 0)
    /// and, when it diverged, `.diverged_epoch`.
    static func recordTraining(_ prefix: String, _ result: TrainingResult, in values: ValueStore) {
        if let first = result.history.first { values.set(prefix + ".first_loss", first.loss) }
        if let last = result.history.last { values.set(prefix + ".final_loss", last.loss) }
        values.set(prefix + ".losses", .list(result.history.map(\.loss)))
        values.set(prefix + ".epochs", result.history.count)
        if case .diverged(let e, _) = result.outcome {
            values.set(prefix + ".diverged", 1)
            values.set(prefix + ".diverged_epoch", e)
        } else {
            values.set(prefix + ".diverged", 0)
        }
    }
}
