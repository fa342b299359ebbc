import Foundation
import RNNCore
import Reports
import Synchronization

/// `compare`: several variants of a model, each trained from several seeds on the same data and
/// evaluated on its held-out part; one table (median and range over seeds, seeds solved), the
/// loss curves overlaid, and, when lengths vary, accuracy against length.
///
/// ```yaml
/// compare:
///   name: cmp                       # values: cmp.lstm.test.accuracy, cmp.lstm.solved, …
///   data: copy                      # trains on its training part, evaluates on its test part
///   model: {input_size: 8, hidden_size: 16, output_size: 4}   # shared by every variant
///   variants:                       # each: model options and/or train: options that differ
///     rnn: {cell: rnn}
///     lstm: {cell: lstm}
///     gru: {cell: gru}
///   seeds: 5                        # or a list of seeds
///   train: {epochs: 20, learning_rate: 0.01}
///   tolerance: 0.04                 # real targets: right within this (default: the task's own)
///   solved: 0.9                     # a seed "solves" the task at this held-out accuracy
/// ```
///
/// Seed k is the same for every variant (initial weights drawn from the same stream, the same
/// order of batches), so variants differ only in what the lesson changed. Runs go two at a time
/// (one per core); each is deterministic, so the results do not depend on the scheduling.
extension Actions {
    struct CompareRun: Sendable {
        var variant: Int
        var seed: UInt64
        /// A recurrent network or, for a `kind: feedforward` variant, a feed-forward model.
        var network: any SequenceModel
        var parameters: [Double]
        var config: TrainingConfig
    }

    struct CompareResult: Sendable {
        var history: [EpochSummary]
        var outcome: TrainingOutcome
        var evaluation: Evaluation
        var seconds: Double
    }

    static func compare(_ field: Field, state: LessonState, progress: ProgressReporter) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "data", "model", "variants", "seeds", "train", "tolerance", "solved"])
        let name = try o["name"]?.string() ?? "compare"
        let data = try state.dataset(o["data"], options: o)
        guard let test = data.test else {
            throw (o["data"] ?? o.field).error("data \(data.name) has no held-out part to compare on (give it test: N or split: 0.2)")
        }
        let base = try o["model"]?.mapping(allowed: compareModelOptions)
        let trainBase = try o["train"]?.mapping(allowed: trainingOptions)
        let variantsField = try o.required("variants")
        guard case .mapping = variantsField.node else { throw variantsField.error("must map each variant's name to what differs, e.g. {rnn: {cell: rnn}, lstm: {cell: lstm}}") }
        let variants = try variantsField.mapping(allowed: [], acceptAny: true)
        guard !variants.entries.isEmpty else { throw variantsField.error("needs at least one variant") }
        var seeds: [UInt64]
        if let s = o["seeds"], case .sequence = s.node {
            seeds = []
            for f in try s.list() { seeds.append(UInt64(try f.int(min: 0))) }
            guard !seeds.isEmpty else { throw s.error("needs at least one seed") }
        } else {
            let n = try o["seeds"]?.int(min: 1, max: 100) ?? 5
            seeds = (0..<n).map { state.seed(for: "compare:\(name):\($0)") }
        }
        let tolerance = try o["tolerance"]?.positiveDouble() ?? data.tolerance
        let solvedAt = try o["solved"]?.double() ?? 0.9
        let directory = URL(fileURLWithPath: state.file).deletingLastPathComponent()

        // Every run's network, starting point and training, checked before any training starts.
        var runs: [CompareRun] = []
        var names: [String] = []
        for (v, (variantName, variantField)) in variants.entries.enumerated() {
            names.append(variantName)
            let vo = try variantField.mapping(allowed: compareModelOptions + ["train"])
            let modelOptions = merged(base, vo, without: ["train"], field: variantField)
            let trainOptions = merged(trainBase, try vo["train"]?.mapping(allowed: trainingOptions), without: [], field: variantField)
            for seed in seeds {
                let (network, parameters) = try makeModel(modelOptions, state: state, lessonDirectory: directory, seed: seed)
                if let problem = data.check(network, modelName: "\(name).\(variantName)") { throw variantField.error(problem) }
                let config = try trainingConfig(trainOptions, seed: seed)
                runs.append(CompareRun(variant: v, seed: seed, network: network, parameters: parameters, config: config))
            }
        }
        let steps = Budget.totalSteps(data)
        let work = runs.reduce(0.0) { $0 + Double($1.config.epochs) * Budget.trainingWork($1.network, data: data) }
        try state.checkWork(work, "comparing \(runs.count) runs (variants × seeds) over \(NumberFormat.grouped(steps)) steps", at: o.field)
        let memory = runs.reduce(0.0) { max($0, Budget.modelBytes($1.network) + Budget.recordBytes($1.network, steps: Budget.longest(data))) }
        try state.checkMemory(2 * memory + runs.reduce(0.0) { $0 + Double($1.network.parameterCount) * 8 },
                              "comparing \(runs.count) runs", at: o.field)

        // Train and evaluate, two runs at a time. Samples depend only on whether a network
        // embeds its tokens, so each variant's are made once.
        var trainSamples: [[Sample]] = [], testSamples: [[Sample]] = []
        for v in names.indices {
            let network = runs.first { $0.variant == v }!.network
            trainSamples.append(data.samples(for: network))
            testSamples.append(test.samples(for: network))
        }
        let results = Mutex<[CompareResult?]>(Array(repeating: nil, count: runs.count))
        let done = Mutex(0)
        progress.begin("compare \(name)", total: runs.count)
        let clock = ContinuousClock(), started = clock.now
        let environment = ProcessInfo.processInfo.environment
        let workers = environment["RNNLAB_THREADS"] == "1" || ProcessInfo.processInfo.activeProcessorCount < 2 ? 1 : 2
        let next = Mutex(0)
        let (trainParts, testParts, jobs, marked) = (trainSamples, testSamples, runs, test.ambiguous)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let k: Int = next.withLock { i in defer { i += 1 }; return i }
                guard k < jobs.count else { return }
                let run = jobs[k]
                let (trained, trainingSeconds) = run.network.trainCached(
                    parameters: run.parameters, samples: trainParts[run.variant], config: run.config)
                let evaluationStart = clock.now
                let evaluation = Evaluation.measure(run.network, trained.parameters, on: testParts[run.variant], tolerance: tolerance,
                                                    ambiguous: marked)
                let result = CompareResult(history: trained.history, outcome: trained.outcome, evaluation: evaluation,
                                           seconds: trainingSeconds + seconds(clock.now - evaluationStart))
                results.withLock { $0[k] = result }
                done.withLock { d in
                    d += 1
                    progress.update(d, detail: "")
                }
            }
        }
        progress.end()
        let wall = seconds(clock.now - started)
        let all = results.withLock { $0.compactMap { $0 } }

        // The table, the values and the charts.
        let ko = state.language == "ko"
        let values = state.values
        let hasAccuracy = all.first?.evaluation.accuracy != nil
        var rows: [[String]] = []
        var curves: [LineChart.Series] = []
        var byLength: [LineChart.Series] = []
        var timingKeys: [(key: String, label: String)] = [(name, ko ? "전체 \(runs.count)회" : "all \(runs.count) runs")]
        state.timings.append((name, wall))
        for (v, variantName) in names.enumerated() {
            let mine = zip(runs, all).filter { $0.0.variant == v }.map(\.1)
            let prefix = "\(name).\(variantName)"
            let accuracies = mine.compactMap(\.evaluation.accuracy)
            let losses = mine.map(\.evaluation.loss)
            let finalLosses = mine.compactMap { $0.history.last?.loss }
            let diverged = mine.filter { $0.outcome != .completed }.count
            let solved = accuracies.filter { $0 >= solvedAt }.count
            let parameterCount = runs.first { $0.variant == v }!.network.parameterCount
            values.set(prefix + ".parameters", parameterCount)
            values.set(prefix + ".seeds", mine.count)
            recordSpread(prefix + ".test.loss", losses, in: values)
            if hasAccuracy {
                recordSpread(prefix + ".test.accuracy", accuracies, in: values)
                values.set(prefix + ".solved", solved)
            }
            let onAmbiguous = mine.compactMap { $0.evaluation.ambiguous?.accuracy }
            recordSpread(prefix + ".test.ambiguous.accuracy", onAmbiguous, in: values)
            recordSpread(prefix + ".test.unambiguous.accuracy", mine.compactMap { $0.evaluation.ambiguous?.others }, in: values)
            if !finalLosses.isEmpty { values.set(prefix + ".train.final_loss", median(finalLosses)) }
            values.set(prefix + ".diverged", diverged)
            // By length: the median over seeds at each length.
            let lengths = mine.first?.evaluation.byLength.map(\.length) ?? []
            var points: [(Double, Double)] = []
            for (i, T) in lengths.enumerated() {
                let accs = mine.compactMap { $0.evaluation.byLength.count > i ? $0.evaluation.byLength[i].accuracy : nil }
                if !accs.isEmpty {
                    values.set(ValueStore.key(prefix + ".test.accuracy", Double(T)), median(accs))
                    points.append((Double(T), median(accs)))
                }
                let ls = mine.compactMap { $0.evaluation.byLength.count > i ? $0.evaluation.byLength[i].loss : nil }
                if !ls.isEmpty { values.set(ValueStore.key(prefix + ".test.loss", Double(T)), median(ls)) }
            }
            if !points.isEmpty { byLength.append(.init(name: variantName, points: points)) }
            let epochs = mine.map(\.history.count).max() ?? 0
            curves.append(.init(name: variantName, points: (0..<epochs).compactMap { e in
                let l = mine.compactMap { $0.history.count > e ? $0.history[e].loss : nil }
                return l.isEmpty ? nil : (Double(e + 1), median(l))
            }))
            state.timings.append((prefix, mine.reduce(0) { $0 + $1.seconds }))
            timingKeys.append((prefix, variantName))
            var row = [variantName, NumberFormat.grouped(parameterCount)]
            if hasAccuracy {
                row += [percent(median(accuracies)), "\(percent(accuracies.min())) – \(percent(accuracies.max()))", "\(solved) / \(mine.count)"]
            }
            if !onAmbiguous.isEmpty {
                row.append("\(percent(median(onAmbiguous))) (\(percent(onAmbiguous.min())) – \(percent(onAmbiguous.max())))")
            }
            row += [NumberFormat.short(median(losses)), finalLosses.isEmpty ? "—" : NumberFormat.short(median(finalLosses))]
            if diverged > 0 || all.contains(where: { $0.outcome != .completed }) { row.append("\(diverged) / \(mine.count)") }
            rows.append(row)
        }
        let baselines = Baselines(train: data, on: test, tolerance: tolerance, language: state.language)
        baselines.record(name, in: values)

        var headers = [ko ? "변형" : "variant", ko ? "파라미터" : "parameters"]
        if hasAccuracy {
            headers += [ko ? "테스트 정확도 중앙값" : "held-out accuracy (median)", ko ? "범위 (최소 – 최대)" : "range (min – max)",
                        ko ? "해결한 시드 (≥ \(percent(solvedAt)))" : "seeds solved (≥ \(percent(solvedAt)))"]
        }
        let hasAmbiguous = all.contains { $0.evaluation.ambiguous != nil }
        if hasAmbiguous { headers.append(ko ? "모호한 단어의 정확도 중앙값 (범위)" : "on the ambiguous words (median, range)") }
        headers += [ko ? "테스트 손실 중앙값" : "held-out loss (median)", ko ? "마지막 학습 손실 중앙값" : "final training loss (median)"]
        if all.contains(where: { $0.outcome != .completed }) { headers.append(ko ? "발산" : "diverged") }
        for r in baselines.rows {
            var row = [r.name, "—"]
            if hasAccuracy { row += [percent(r.accuracy), "", ""] }
            if hasAmbiguous { row.append(percent(r.key == "chance" ? r.accuracy : baselines.majorityOnAmbiguous)) }
            row += [r.loss.map(NumberFormat.short) ?? "—", ""]
            if headers.count > row.count { row += Array(repeating: "", count: headers.count - row.count) }
            rows.append(row)
        }
        let caption = ko
            ? "\(name): 시드 \(seeds.count)개씩, 학습 시퀀스 \(NumberFormat.grouped(data.count))개, 테스트 시퀀스 \(NumberFormat.grouped(test.count))개"
            : "\(name): \(seeds.count) seeds each, trained on \(NumberFormat.grouped(data.count)) sequences, evaluated on \(NumberFormat.grouped(test.count)) held-out ones"
        var out: [Output] = [.table(Table(caption: caption, headers: headers, rows: rows, numeric: Set(1..<headers.count)))]
        out.append(.timing(label: ko ? "학습과 평가에 걸린 시간" : "Time to train and evaluate", keys: timingKeys))
        let chart = LineChart(language: state.language, title: ko ? "\(name): 학습 손실 (시드 중앙값)" : "\(name): training loss (median over seeds)",
                              xLabel: ko ? "에포크" : "epoch", yLabel: ko ? "손실" : "loss", logY: true, series: curves)
        out.append(Shows.figure(state, { chart.svg(id: $0) }, alt: chart.description, csv: chart.csv))
        if !byLength.isEmpty {
            let lengthChart = LineChart(language: state.language, title: ko ? "\(name): 길이별 테스트 정확도 (시드 중앙값)" : "\(name): held-out accuracy by length (median over seeds)",
                                        xLabel: ko ? "길이 T" : "length T", yLabel: ko ? "정확도" : "accuracy", logY: false, series: byLength)
            out.append(Shows.figure(state, { lengthChart.svg(id: $0) }, alt: lengthChart.description, csv: lengthChart.csv))
        }
        return out
    }

    /// What a `compare`'s shared `model:` and each variant may set: a network's options and a
    /// feed-forward model's (`kind: feedforward` with `window` or `pooling`), so a window baseline
    /// can stand beside recurrent variants on the same data and seeds.
    static let compareModelOptions = networkOptions + feedForwardOptions.filter { !networkOptions.contains($0) }

    /// A variant's model: a feed-forward one for `kind: feedforward`, else a network.
    static func makeModel(_ o: Options, state: LessonState, lessonDirectory: URL,
                          seed: UInt64) throws(LessonError) -> (any SequenceModel, [Double]) {
        if let kind = o["kind"] {
            guard try kind.choice(["feedforward", "encoder_decoder"]) == "feedforward" else {
                throw kind.error("a compare trains networks and feed-forward models; an encoder–decoder is trained with its own train: cell")
            }
            return try makeFeedForward(o, state: state, seed: seed)
        }
        return try makeNetwork(o, state: state, lessonDirectory: lessonDirectory, seed: seed)
    }

    /// `prefix` = the median, `prefix.min`, `prefix.max`, `prefix.all` (one per seed, in seed order).
    static func recordSpread(_ prefix: String, _ xs: [Double], in values: ValueStore) {
        guard !xs.isEmpty else { return }
        values.set(prefix, median(xs))
        values.set(prefix + ".min", xs.min()!)
        values.set(prefix + ".max", xs.max()!)
        values.set(prefix + ".all", .list(xs))
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Options of `base` with those of `override` in their place (the override's lines in messages).
    static func merged(_ base: Options?, _ override: Options?, without: Set<String>, field: Field) -> Options {
        let over = (override?.entries ?? []).filter { !without.contains($0.0) }
        let keys = Set(over.map(\.0))
        return Options(field: field, entries: (base?.entries ?? []).filter { !keys.contains($0.0) } + over)
    }

}
