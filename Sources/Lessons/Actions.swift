import Foundation
import RNNCore
import Reports
import Yams

/// The actions a cell can hold, executed in the order written: define a model or data, train,
/// step, sweep, sample, show.
enum Actions {
    static let names = ["model", "data", "train", "step", "sweep", "sample", "show"]

    static func run(_ name: String, _ field: Field, state: LessonState, lessonDirectory: URL,
                    progress: ProgressReporter) throws(LessonError) -> [Output] {
        switch name {
        case "model": return try defineModel(field, state: state, lessonDirectory: lessonDirectory)
        case "data": return try defineData(field, state: state, lessonDirectory: lessonDirectory)
        case "train": return try train(field, state: state, progress: progress)
        case "step": return try step(field, state: state)
        case "sweep": return try sweep(field, state: state)
        case "sample": return try sample(field, state: state)
        default: return try Shows.show(field, state: state)
        }
    }

    /// The `seed:` option, if given.
    static func seedOption(_ o: Options) throws(LessonError) -> UInt64? {
        guard let f = o["seed"] else { return nil }
        return UInt64(try f.int(min: 0))
    }

    // MARK: model

    static func defineModel(_ field: Field, state: LessonState, lessonDirectory: URL) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "cell", "input_size", "hidden_size", "layers", "output_size", "activation",
                                            "gru_variant", "peephole", "bidirectional", "embedding", "vocab_from",
                                            "recurrent_scale", "weights", "seed"])
        let name = try o["name"]?.string() ?? "model"
        let network: Network
        var parameters: [Double]
        if let weightsField = o["weights"] {
            // Explicit weights: a MODEL.json file as rnnlab trace reads it, beside the lesson.
            let path = try weightsField.string()
            let url = URL(fileURLWithPath: path, relativeTo: lessonDirectory)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw weightsField.error("cannot read \(path) (paths are relative to the lesson)")
            }
            do {
                let model = try TraceFiles.model([UInt8](data), name: path)
                network = model.network
                parameters = model.parameters
            } catch {
                throw weightsField.error(error.description)
            }
        } else {
            let cell = CellKind(rawValue: try o.required("cell").choice(CellKind.allCases.map(\.rawValue)))!
            var inputSize = try o["input_size"]?.int(min: 1, max: 100_000)
            var vocabulary: Int?
            if let e = o["embedding"] {
                let eo = try e.mapping(allowed: ["vocab", "size"])
                vocabulary = try eo["vocab"]?.int(min: 1, max: 1_000_000)
                inputSize = try eo.required("size").int(min: 1, max: 100_000)
            }
            if let from = o["vocab_from"] {
                let d = try state.dataset(from, options: o)
                guard !d.vocabulary.isEmpty else { throw from.error("data \(d.name) has no vocabulary (use task text or copy)") }
                if vocabulary != nil || o["embedding"] != nil { vocabulary = d.inputSize } else { inputSize = d.inputSize }
            }
            guard let inputSize else { throw o.error("needs input_size (or vocab_from: DATA for one-hot text)") }
            var hidden: [Int]
            let hf = try o.required("hidden_size")
            if case .sequence = hf.node {
                hidden = []
                for h in try hf.list() { hidden.append(try h.int(min: 1, max: 4096)) }
                guard !hidden.isEmpty else { throw hf.error("needs at least one layer") }
            } else {
                let h = try hf.int(min: 1, max: 4096)
                hidden = Array(repeating: h, count: try o["layers"]?.int(min: 1, max: 16) ?? 1)
            }
            var outputSize = try o["output_size"]?.int(min: 1, max: 1_000_000)
            if outputSize == nil, let from = o["vocab_from"] { outputSize = try state.dataset(from, options: o).outputSize }
            guard let outputSize else { throw o.error("needs output_size") }
            func only(_ key: String, for kind: CellKind) throws(LessonError) {
                if let f = o[key], cell != kind { throw f.error("applies to cell \(kind.rawValue) only") }
            }
            try only("activation", for: .rnn)
            try only("gru_variant", for: .gru)
            try only("peephole", for: .lstm)
            let spec = NetworkSpec(
                cell: cell, inputSize: inputSize, hiddenSizes: hidden, outputSize: outputSize,
                activation: Activation(rawValue: try o["activation"]?.choice(Activation.allCases.map(\.rawValue)) ?? "tanh")!,
                gruVariant: GRUVariant(rawValue: try o["gru_variant"]?.choice(GRUVariant.allCases.map(\.rawValue)) ?? "lecture")!,
                peephole: try o["peephole"]?.bool() ?? false, bidirectional: try o["bidirectional"]?.bool() ?? false,
                vocabularySize: vocabulary)
            network = Network(spec)
            let seed = try seedOption(o) ?? state.seed(for: "model:" + name)
            parameters = network.initialParameters(seed: seed)
        }
        if let scaleField = o["recurrent_scale"] {
            let s = try scaleField.positiveDouble()
            scaleRecurrent(network, &parameters, to: s)
        }
        state.models[name] = LessonModel(name: name, network: network, parameters: parameters)
        state.lastModel = name
        let summary = Summary.describe(network)
        return [.note("**\(Escape.markdown(name))**: \(Escape.markdown(summary)) — \(NumberFormat.grouped(network.parameterCount)) \(state.language == "ko" ? "개 파라미터" : "parameters")")]
    }

    /// Rescales every recurrent matrix W_h* so that its largest singular value is `s`.
    static func scaleRecurrent(_ network: Network, _ p: inout [Double], to s: Double) {
        for slot in network.layout.slots {
            let base = slot.name.split(separator: ".").last.map(String.init) ?? slot.name
            guard base.hasPrefix("W_h"), base != "W_hy", !slot.isVector else { continue }
            let values = Array(p[slot.range])
            let sigma = spectralNorm(values, rows: slot.rows, cols: slot.cols)
            guard sigma > 0 && sigma.isFinite else { continue }
            for k in slot.range { p[k] *= s / sigma }
        }
    }

    // MARK: data

    static func defineData(_ field: Field, state: LessonState, lessonDirectory: URL) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "task", "count", "length", "input_size", "symbols", "distractors", "mean",
                                            "corpus", "file", "level", "stride", "sequences", "loss", "seed"])
        let name = try o["name"]?.string() ?? "data"
        let task = try o.required("task").choice(["last_value", "copy", "sum", "text", "inline"])
        let seed = try seedOption(o) ?? state.seed(for: "data:" + name)
        var rng = SplitMix64(seed: seed)
        let count = try o["count"]?.int(min: 1, max: 100_000) ?? 256
        var d: Dataset
        switch task {
        case "last_value":
            let inputSize = try o["input_size"]?.int(min: 1, max: 10_000) ?? 1
            d = Dataset.lastValue(name: name, count: count, length: try o["length"]?.int(min: 1, max: 100_000) ?? 7,
                                  inputSize: inputSize, rng: &rng)
            d.withLength = { T in var r = SplitMix64(seed: seed); return Dataset.lastValue(name: name, count: count, length: T, inputSize: inputSize, rng: &r) }
        case "copy":
            let symbols = try o["symbols"]?.int(min: 2, max: 1000) ?? 4
            d = Dataset.copy(name: name, count: count, symbols: symbols,
                             distractors: try o["distractors"]?.int(min: 0, max: 100_000) ?? 10, rng: &rng)
            // The length of a copy sequence is the first symbol plus the distractors.
            d.withLength = { T in var r = SplitMix64(seed: seed); return Dataset.copy(name: name, count: count, symbols: symbols, distractors: max(0, T - 1), rng: &r) }
        case "sum":
            let mean = try o["mean"]?.bool() ?? false
            d = Dataset.sum(name: name, count: count, length: try o["length"]?.int(min: 1, max: 100_000) ?? 10, mean: mean, rng: &rng)
            d.withLength = { T in var r = SplitMix64(seed: seed); return Dataset.sum(name: name, count: count, length: T, mean: mean, rng: &r) }
        case "text":
            var corpus: String
            if let f = o["file"] {
                let path = try f.string()
                guard let text = try? String(contentsOf: URL(fileURLWithPath: path, relativeTo: lessonDirectory), encoding: .utf8) else {
                    throw f.error("cannot read \(path) as UTF-8 text (paths are relative to the lesson)")
                }
                corpus = text
            } else {
                corpus = try o.required("corpus").string()
            }
            corpus = corpus.precomposedStringWithCanonicalMapping  // Korean: one syllable, one symbol
            let level = try o["level"]?.choice(["char", "word"]) ?? "char"
            guard let t = Dataset.text(name: name, corpus: corpus, level: level, length: try o["length"]?.int(min: 1),
                                       stride: try o["stride"]?.int(min: 1)) else {
                throw o.error("the text needs at least two symbols")
            }
            d = t
        default:
            d = try inlineData(name: name, o)
        }
        state.datasets[name] = d
        state.lastData = name
        var note = state.language == "ko"
            ? "**\(Escape.markdown(name))**: 길이 \(d.steps)인 시퀀스 \(NumberFormat.grouped(d.count))개 (`\(task)`), `x_t`의 크기 \(d.inputSize), 손실 `\(d.loss.rawValue)`"
            : "**\(Escape.markdown(name))**: \(NumberFormat.grouped(d.count)) \(d.count == 1 ? "sequence" : "sequences") of \(d.steps) steps (`\(task)`), `x_t` of size \(d.inputSize), loss `\(d.loss.rawValue)`"
        if !d.vocabulary.isEmpty && d.vocabulary.count <= 40 {
            note += (state.language == "ko" ? "; 어휘: " : "; vocabulary: ") + d.vocabulary.map { Escape.markdown($0 == " " ? "␣" : $0) }.joined(separator: " ")
        }
        return [.note(note)]
    }

    static func inlineData(name: String, _ o: Options) throws(LessonError) -> Dataset {
        let loss = LossKind(rawValue: try o.required("loss").choice(LossKind.allCases.map(\.rawValue)))!
        var d: Dataset?
        for item in try o.required("sequences").list() {
            let s = try item.mapping(allowed: ["x", "targets"])
            let rows = try s.required("x").rows()
            guard let width = rows.first?.count, width > 0 else { throw try s.required("x").error("needs at least one step") }
            guard rows.allSatisfy({ $0.count == width }) else { throw try s.required("x").error("every step needs \(width) numbers") }
            let tf = try s.required("targets")
            let targets: Targets
            switch loss {
            case .mseLast: targets = .vectors(tf.isScalar ? [try tf.double()] : try tf.doubles())
            case .mseAll: targets = .vectors(try tf.rows().flatMap { $0 })
            case .xentLast: targets = .classes([try tf.int(min: 0)])
            case .xentAll:
                var c: [Int] = []
                for v in try tf.list() { c.append(try v.int(min: 0)) }
                targets = .classes(c)
            }
            let outputs: Int
            switch targets {
            case .vectors(let v): outputs = loss == .mseAll ? v.count / rows.count : v.count
            case .classes(let c): outputs = (c.max() ?? 0) + 1
            }
            if loss.coversAllSteps {
                let n: Int
                switch targets { case .vectors(let v): n = v.count / max(outputs, 1); case .classes(let c): n = c.count }
                guard n == rows.count else { throw tf.error("needs one target per step (\(rows.count))") }
            }
            if d == nil { d = Dataset(name: name, task: "inline", loss: loss, inputSize: width, outputSize: outputs) }
            guard d!.inputSize == width else { throw try s.required("x").error("every sequence needs \(d!.inputSize) numbers per step") }
            d!.outputSize = max(d!.outputSize, outputs)
            d!.vectors.append(rows.flatMap { $0 })
            d!.targets.append(targets)
        }
        guard let d else { throw o.error("sequences needs at least one sequence") }
        return d
    }

    // MARK: train

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
        var model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let config = try trainingConfig(o, seed: state.seed(for: "train:" + model.name))
        let epochs = config.epochs
        let samples = data.samples(for: model.network)
        progress.begin("train \(model.name)", total: epochs)
        let result = model.network.train(parameters: model.parameters, samples: samples, config: config) { summary in
            progress.update(summary.epoch, detail: "loss \(NumberFormat.short(summary.loss))")
        }
        progress.end()
        model.parameters = result.parameters
        model.history += result.history
        model.outcome = result.outcome
        model.dataName = data.name
        state.models[model.name] = model
        state.lastModel = model.name
        let ko = state.language == "ko"
        switch result.outcome {
        case .completed:
            let first = result.history.first!.loss, last = result.history.last!.loss
            return [.note(ko
                ? "**\(Escape.markdown(model.name))** 학습 완료: \(epochs) 에포크, 손실 \(NumberFormat.short(first)) → \(NumberFormat.short(last))"
                : "Trained **\(Escape.markdown(model.name))** for \(epochs) epochs: loss \(NumberFormat.short(first)) → \(NumberFormat.short(last))")]
        case .diverged(let e, let s):
            return [.note(ko
                ? "⚠️ **\(Escape.markdown(model.name))** 학습이 발산했습니다: \(e)번째 에포크, \(s)번째 스텝에서 손실 또는 그래디언트가 NaN/무한대가 되었습니다. 마지막 유한한 파라미터를 유지합니다."
                : "⚠️ Training **\(Escape.markdown(model.name))** diverged at epoch \(e), step \(s): the loss or gradient became NaN or infinite. The last finite parameters are kept.")]
        }
    }

    // MARK: step

    static func step(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "index", "truncation"])
        let model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let index = try o["index"]?.int(min: 0, max: data.count - 1) ?? 0
        let trace = Trace(model: Model(network: model.network, parameters: model.parameters),
                          sample: data.sample(index, for: model.network), truncation: try o["truncation"]?.int(min: 1))
        state.steps[model.name] = trace
        state.lastModel = model.name
        let r = trace.record.layers[0][0]
        let first = euclideanNorm(r.dhAt(1)), last = euclideanNorm(r.dhAt(r.steps))
        let ko = state.language == "ko"
        return [.note(ko
            ? "**\(Escape.markdown(model.name))**, 시퀀스 \(index) (T = \(r.steps)): 손실 \(NumberFormat.short(trace.record.loss)); `‖dL/dh_T‖` = \(NumberFormat.short(last)), `‖dL/dh_1‖` = \(NumberFormat.short(first)); `‖∂h_T/∂h_0‖` = \(NumberFormat.short(trace.jacobianNorms[0][0][0]))"
            : "**\(Escape.markdown(model.name))** on sequence \(index) (T = \(r.steps)): loss \(NumberFormat.short(trace.record.loss)); `‖dL/dh_T‖` = \(NumberFormat.short(last)), `‖dL/dh_1‖` = \(NumberFormat.short(first)); `‖∂h_T/∂h_0‖` = \(NumberFormat.short(trace.jacobianNorms[0][0][0]))")]
    }

    // MARK: sweep

    static func sweep(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "model", "data", "parameter", "values", "index", "train"])
        let model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let parameter = try o.required("parameter").choice(["spectral_radius", "length"])
        let values = try o.required("values").doubles()
        guard !values.isEmpty else { throw o.error("values needs at least one value") }
        let index = try o["index"]?.int(min: 0, max: data.count - 1) ?? 0
        var result = SweepResult(parameter: parameter, values: values, jacobianNorms: [], gradientNorms: [])
        // With `train:`, every value trains a fresh copy of the model from the same start.
        let config = try o["train"].map { (f: Field) throws(LessonError) -> TrainingConfig in
            try trainingConfig(try f.mapping(allowed: trainingOptions), seed: state.seed(for: "sweep:" + model.name))
        }
        for v in values {
            var p = model.parameters
            var sample = data.sample(index, for: model.network)
            var samples: [Sample] = config == nil ? [] : data.samples(for: model.network)
            if parameter == "spectral_radius" {
                guard v > 0 else { throw try o.required("values").error("spectral radii must be positive") }
                scaleRecurrent(model.network, &p, to: v)
            } else {
                let T = Int(v)
                guard Double(T) == v, T >= 1 else { throw try o.required("values").error("lengths must be whole numbers ≥ 1") }
                if let regenerate = data.withLength {
                    // Generated tasks are generated again at this length.
                    let longer = regenerate(T)
                    sample = longer.sample(index, for: model.network)
                    if config != nil { samples = longer.samples(for: model.network) }
                } else {
                    sample = resized(sample, to: T, inputSize: data.inputSize, network: model.network)
                    samples = samples.map { resized($0, to: T, inputSize: data.inputSize, network: model.network) }
                }
            }
            if let config {
                let trained = model.network.train(parameters: p, samples: samples, config: config)
                p = trained.parameters
                result.histories.append(trained.history)
                result.outcomes.append(trained.outcome)
            }
            let trace = Trace(model: Model(network: model.network, parameters: p), sample: sample)
            result.jacobianNorms.append(trace.jacobianNorms[0][0])
            let r = trace.record.layers[0][0]
            result.gradientNorms.append((0...r.steps).map { euclideanNorm(r.dhAt($0)) })
        }
        let name = try o["name"]?.string() ?? "sweep"
        state.sweeps[name] = result
        state.lastSweep = name
        let ko = state.language == "ko"
        var headers = [parameter, "T", "‖∂h_T/∂h₀‖"]
        var rows = zip(values, result.jacobianNorms).map { v, n in
            [NumberFormat.short(v), String(n.count - 1), NumberFormat.short(n[0])]
        }
        if config != nil {
            headers += [ko ? "마지막 손실" : "final loss", ko ? "결과" : "outcome"]
            for k in rows.indices {
                rows[k].append(result.histories[k].last.map { NumberFormat.short($0.loss) } ?? "—")
                rows[k].append(result.outcomes[k].message)
            }
        }
        return [.table(Table(caption: ko ? "스윕: \(parameter)" : "Sweep over \(parameter)",
                             headers: headers, rows: rows, numeric: [0, 1, 2, 3]))]
    }

    /// The sample repeated or cut to T steps (targets kept for last-step losses).
    static func resized(_ sample: Sample, to T: Int, inputSize X: Int, network: Network) -> Sample {
        var s = sample
        switch sample.input {
        case .vectors(let x, let steps):
            s.input = .vectors((0..<(T * X)).map { x[$0 % (steps * X)] }, steps: T)
        case .tokens(let ids):
            s.input = .tokens((0..<T).map { ids[$0 % ids.count] })
        }
        switch (sample.loss, sample.targets) {
        case (.mseAll, .vectors(let v)):
            let Y = network.spec.outputSize, steps = v.count / Y
            s.targets = .vectors((0..<(T * Y)).map { v[$0 % (steps * Y)] })
        case (.xentAll, .classes(let c)):
            s.targets = .classes((0..<T).map { c[$0 % c.count] })
        default: break
        }
        return s
    }

    // MARK: sample

    static func sample(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "start", "length", "temperature", "seed"])
        let model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        guard !data.vocabulary.isEmpty, data.task == "text" else { throw o.error("sampling needs a model trained on text data") }
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let start = (try o["start"]?.string() ?? data.vocabulary[0]).precomposedStringWithCanonicalMapping
        let index = Dictionary(uniqueKeysWithValues: data.vocabulary.enumerated().map { ($1, $0) })
        let words = data.vocabulary.contains(where: { $0.count > 1 })
        let startSymbols = words ? start.split(separator: " ").map(String.init) : start.map { String($0) }
        var ids: [Int] = []
        for s in startSymbols {
            guard let id = index[s] else { throw try o.required("start").error("\"\(s)\" is not in the vocabulary of \(data.name)") }
            ids.append(id)
        }
        guard !ids.isEmpty else { throw try o.required("start").error("needs at least one symbol") }
        let length = try o["length"]?.int(min: 1, max: 10_000) ?? 20
        let temperature = try o["temperature"]?.positiveDouble() ?? 1
        var rng = SplitMix64(seed: try seedOption(o) ?? state.seed(for: "sample:" + model.name))
        let V = data.vocabulary.count
        // A one-direction model carries every layer's state forward, so each new symbol costs
        // one step; a bidirectional one reads the whole prefix backwards too, so it runs again.
        let spec = model.network.spec
        let incremental = !spec.bidirectional
        let Y = spec.outputSize
        var state: [(h: [Double], c: [Double]?)]? = nil  // per layer
        var pending = ids  // symbols not yet fed to the network
        for _ in 0..<length {
            var one = Dataset(name: "", task: "text", loss: .xentLast, inputSize: V, outputSize: V)
            one.tokens = [incremental ? pending : ids]
            one.targets = [.classes([0])]
            var sample = one.sample(0, for: model.network)
            if incremental, let state {
                sample.h0 = state[0].h
                sample.c0 = state[0].c
                sample.upperH0 = state.dropFirst().map(\.h)
                sample.upperC0 = spec.cell == .lstm ? state.dropFirst().map { $0.c ?? [] } : nil
            }
            let record = model.network.forward(parameters: model.parameters, sample: sample)
            let steps = record.steps
            if incremental {
                state = record.layers.map { layer in
                    let r = layer[0]
                    return (Array(r.hidden(at: steps)), r.spec.hasCellState ? Array(r.cell(at: steps)) : nil)
                }
            }
            let logits = record.y[((steps - 1) * Y)..<(steps * Y)].map { $0 / temperature }
            let top = logits.max() ?? 0
            let weights = logits.map { exp($0 - top) }
            var u = rng.uniform() * weights.reduce(0, +)
            var next = weights.count - 1
            for (k, w) in weights.enumerated() {
                u -= w
                if u < 0 { next = k; break }
            }
            ids.append(next)
            pending = [next]
        }
        let text = ids.map { data.vocabulary[$0] }.joined(separator: words ? " " : "")
        return [.text(text)]
    }
}
