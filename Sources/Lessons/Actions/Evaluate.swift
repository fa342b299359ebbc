import Foundation
import RNNCore
import Reports

/// How well a model does on a set of sequences, and what the simplest predictors would get.
///
/// - Class targets: accuracy is the fraction of predictions whose argmax is the target (every
///   step for `xent_all`, the last step for `xent_last`).
/// - Real targets: accuracy is the fraction of predictions within `tolerance` of the target in
///   every output (the adding problem's |error| < 0.04); without a tolerance there is only the loss.
struct Evaluation: Sendable {
    struct Group: Sendable {
        var length: Int
        var count: Int
        var loss: Double
        var accuracy: Double?
    }

    var count: Int
    var loss: Double
    var accuracy: Double?
    /// One group per sequence length, when lengths vary.
    var byLength: [Group]
    /// For data with ambiguous steps (`name_tagging`): accuracy on exactly those steps, and on
    /// all the others, and how many ambiguous steps were scored.
    var ambiguous: (count: Int, accuracy: Double, others: Double?)?

    /// `ambiguous[k]`, when given, lists the 0-based steps of sample k to score apart as well.
    static func measure(_ model: some SequenceModel, _ parameters: [Double], on samples: [Sample], tolerance: Double?,
                        ambiguous: [[Int]] = []) -> Evaluation {
        var groups: [Int: (n: Int, loss: Double, hits: Int, trials: Int)] = [:]
        var marked = (hits: 0, trials: 0)
        let Y = model.outputSize
        for (k, sample) in samples.enumerated() {
            let markedSteps = k < ambiguous.count ? Set(ambiguous[k]) : []
            // Row i of y is the output at the i-th step the loss reads.
            let (y, loss) = model.scoredOutputs(parameters: parameters, sample: sample)
            let T = sample.steps
            var g = groups[T] ?? (0, 0, 0, 0)
            g.n += 1
            g.loss += loss
            for (i, t) in sample.loss.scoredSteps(T).enumerated() {
                let row = Array(y[(i * Y)..<((i + 1) * Y)])
                switch sample.targets {
                case .classes(let c):
                    g.trials += 1
                    let hit = argmax(row) == c[i]
                    if hit { g.hits += 1 }
                    if markedSteps.contains(t - 1) {
                        marked.trials += 1
                        if hit { marked.hits += 1 }
                    }
                case .vectors(let v):
                    guard let tolerance else { continue }
                    g.trials += 1
                    let d = v[(i * Y)..<((i + 1) * Y)]
                    if zip(row, d).allSatisfy({ abs($0 - $1) < tolerance }) { g.hits += 1 }
                }
            }
            groups[T] = g
        }
        // Summed in the order of the lengths: a dictionary's order changes from run to run, and
        // so would the last bits of the sum.
        let all = groups.keys.sorted().compactMap { groups[$0] }.reduce((n: 0, loss: 0.0, hits: 0, trials: 0)) {
            ($0.n + $1.n, $0.loss + $1.loss, $0.hits + $1.hits, $0.trials + $1.trials)
        }
        func accuracy(_ hits: Int, _ trials: Int) -> Double? { trials > 0 ? Double(hits) / Double(trials) : nil }
        let byLength: [Group] = groups.count < 2 ? [] : groups.keys.sorted().map { T in
            let g = groups[T]!
            return Group(length: T, count: g.n, loss: g.loss / Double(g.n), accuracy: accuracy(g.hits, g.trials))
        }
        var e = Evaluation(count: all.n, loss: all.loss / Double(max(all.n, 1)), accuracy: accuracy(all.hits, all.trials),
                           byLength: byLength)
        if marked.trials > 0, let a = accuracy(marked.hits, marked.trials) {
            e.ambiguous = (marked.trials, a, accuracy(all.hits - marked.hits, all.trials - marked.trials))
        }
        return e
    }

    /// Records `prefix.loss`, `prefix.accuracy`, `prefix.count`, by length `prefix.loss[T]` and
    /// `prefix.accuracy[T]`, and with ambiguous steps `prefix.ambiguous.accuracy`,
    /// `prefix.ambiguous.count` and `prefix.unambiguous.accuracy`.
    func record(_ prefix: String, in values: ValueStore) {
        values.set(prefix + ".count", count)
        values.set(prefix + ".loss", loss)
        if let accuracy { values.set(prefix + ".accuracy", accuracy) }
        if let ambiguous {
            values.set(prefix + ".ambiguous.accuracy", ambiguous.accuracy)
            values.set(prefix + ".ambiguous.count", ambiguous.count)
            if let others = ambiguous.others { values.set(prefix + ".unambiguous.accuracy", others) }
        }
        for g in byLength {
            values.set(ValueStore.key(prefix + ".loss", Double(g.length)), g.loss)
            if let a = g.accuracy { values.set(ValueStore.key(prefix + ".accuracy", Double(g.length)), a) }
        }
    }
}

/// What a model must beat: chance and the majority class for class targets, a constant
/// predictor of the training targets' mean for real targets. Fitted on the training part,
/// measured on the evaluated part.
struct Baselines {
    var rows: [(name: String, key: String, loss: Double?, accuracy: Double?)] = []
    /// The constant predictor's answer (per output), for real targets.
    var meanValue: [Double] = []
    /// With ambiguous steps: the majority class's accuracy on exactly those.
    var majorityOnAmbiguous: Double?

    init(train: Dataset, on data: Dataset, tolerance: Double?, language: String) {
        let ko = language == "ko"
        switch data.targets.first {
        case .classes?:
            let C = data.outputSize
            var counts = [Int](repeating: 0, count: C)
            for case .classes(let c) in train.targets { for k in c where k < C { counts[k] += 1 } }
            let total = max(counts.reduce(0, +), 1)
            let majority = argmax(counts.map(Double.init))
            var hits = 0, trials = 0, priorLoss = 0.0
            // The prior predictor: the training classes' frequencies (smoothed by one count each).
            let prior = counts.map { (Double($0) + 1) / Double(total + C) }
            for case .classes(let c) in data.targets {
                for k in c {
                    trials += 1
                    if k == majority { hits += 1 }
                    priorLoss -= log(k < C ? prior[k] : 1 / Double(C + total))
                }
            }
            let t = Double(max(trials, 1))
            var marked = 0, markedHits = 0
            for (k, steps) in data.ambiguous.enumerated() where k < data.targets.count {
                guard case .classes(let c) = data.targets[k] else { continue }
                for s in steps where s < c.count {
                    marked += 1
                    if c[s] == majority { markedHits += 1 }
                }
            }
            if marked > 0 { majorityOnAmbiguous = Double(markedHits) / Double(marked) }
            rows.append((ko ? "무작위 추측" : "chance", "chance", log(Double(C)), 1 / Double(C)))
            rows.append((ko ? "최빈 클래스" : "majority class", "majority", priorLoss / t, Double(hits) / t))
        case .vectors?:
            // Per output: the mean of the training targets, the same at every step.
            let Y = data.outputSize
            var mean = [Double](repeating: 0, count: Y)
            var n = 0
            for case .vectors(let v) in train.targets {
                for k in 0..<(v.count / max(Y, 1)) { for j in 0..<Y { mean[j] += v[k * Y + j] }; n += 1 }
            }
            mean = mean.map { $0 / Double(max(n, 1)) }
            var loss = 0.0, hits = 0, trials = 0, sequences = 0
            for case .vectors(let v) in data.targets {
                let steps = v.count / max(Y, 1)
                var seqLoss = 0.0
                for k in 0..<steps {
                    var err = 0.0, within = true
                    for j in 0..<Y {
                        let d = v[k * Y + j] - mean[j]
                        err += d * d
                        if let tolerance, abs(d) >= tolerance { within = false }
                    }
                    seqLoss += err / Double(Y)
                    trials += 1
                    if within { hits += 1 }
                }
                loss += seqLoss / Double(max(steps, 1))
                sequences += 1
            }
            rows.append((ko ? "평균 예측(상수)" : "constant mean", "mean", loss / Double(max(sequences, 1)),
                         tolerance == nil ? nil : Double(hits) / Double(max(trials, 1))))
            meanValue = mean
        case nil:
            break
        }
    }

    /// `prefix.baseline.chance`, `prefix.baseline.majority`, `prefix.baseline.majority_loss`,
    /// `prefix.baseline.mean_loss`, `prefix.baseline.mean` (accuracy within the tolerance),
    /// `prefix.baseline.majority_ambiguous` (the majority class on the ambiguous steps).
    func record(_ prefix: String, in values: ValueStore) {
        if let majorityOnAmbiguous { values.set("\(prefix).baseline.majority_ambiguous", majorityOnAmbiguous) }
        for row in rows {
            if let a = row.accuracy { values.set("\(prefix).baseline.\(row.key)", a) }
            if let l = row.loss { values.set("\(prefix).baseline.\(row.key)_loss", l) }
        }
        if meanValue.count == 1 { values.set("\(prefix).baseline.mean_value", meanValue[0]) }
        else if !meanValue.isEmpty { values.set("\(prefix).baseline.mean_value", .list(meanValue)) }
    }
}

func argmax(_ v: [Double]) -> Int {
    var best = 0
    for k in v.indices where v[k] > v[best] { best = k }
    return best
}

/// `evaluate`: a trained model on held-out data, beside the baselines.
///
/// | option | meaning |
/// | --- | --- |
/// | `model`, `data` | which (defaults: the last model, the data it was trained on) |
/// | `on` | `test` (default: the data's held-out part) or `train` |
/// | `tolerance` | real targets: a prediction is right within this (default: the task's own, 0.04 for `adding`) |
/// | `name` | the prefix of the values it records (default `MODEL.test` or `MODEL.train`) |
extension Actions {
    static func evaluate(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "on", "tolerance", "name"])
        if let model = try state.feedForward(o["model"]) { return try evaluate(model, o, state: state) }
        return try evaluate(try state.model(o["model"], options: o), o, state: state)
    }

    /// Evaluates either kind of model (`o` the `evaluate` options).
    static func evaluate<M: SequenceModel>(_ model: LessonModel<M>, _ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let on = try o["on"]?.choice(["test", "train"]) ?? "test"
        let part: Dataset
        if on == "test" {
            guard let test = data.test else {
                throw (o["on"] ?? o.field).error("data \(data.name) has no held-out part (give it test: N or split: 0.2)")
            }
            part = test
        } else {
            part = data
        }
        let tolerance = try o["tolerance"]?.positiveDouble() ?? data.tolerance
        let prefix = try o["name"]?.string() ?? "\(model.name).\(on)"
        let evaluation = Evaluation.measure(model.network, model.parameters, on: part.samples(for: model.network),
                                             tolerance: tolerance, ambiguous: part.ambiguous)
        evaluation.record(prefix, in: state.values)
        let baselines = Baselines(train: data, on: part, tolerance: tolerance, language: state.language)
        baselines.record(prefix, in: state.values)
        return evaluationTables(model: model.name, evaluation, baselines, part: on, count: part.count,
                                tolerance: tolerance, language: state.language)
    }

    static func evaluationTables(model: String, _ e: Evaluation, _ b: Baselines, part: String, count: Int,
                                 tolerance: Double?, language: String) -> [Output] {
        let ko = language == "ko"
        let hasAccuracy = e.accuracy != nil
        let accuracyHeader = tolerance.map { ko ? "정확도 (오차 < \(NumberFormat.short($0)))" : "accuracy (|error| < \(NumberFormat.short($0)))" }
            ?? (ko ? "정확도" : "accuracy")
        var headers = [ko ? "예측기" : "predictor", ko ? "손실" : "loss"]
        if hasAccuracy { headers.append(accuracyHeader) }
        let marked = e.ambiguous != nil
        if marked { headers.append(ko ? "모호한 단어 \(NumberFormat.grouped(e.ambiguous?.count ?? 0))개의 정확도" : "accuracy on the \(NumberFormat.grouped(e.ambiguous?.count ?? 0)) ambiguous words") }
        var rows = [[model, NumberFormat.short(e.loss)] + (hasAccuracy ? [percent(e.accuracy)] : []) + (marked ? [percent(e.ambiguous?.accuracy)] : [])]
        for r in b.rows {
            let onAmbiguous = r.key == "chance" ? r.accuracy : b.majorityOnAmbiguous
            rows.append([r.name, r.loss.map(NumberFormat.short) ?? "—"] + (hasAccuracy ? [percent(r.accuracy)] : [])
                + (marked ? [percent(onAmbiguous)] : []))
        }
        let where_ = part == "test"
            ? (ko ? "테스트 데이터(학습에 쓰지 않은 시퀀스 \(NumberFormat.grouped(count))개)" : "held-out data (\(NumberFormat.grouped(count)) sequences not used in training)")
            : (ko ? "학습 데이터(시퀀스 \(NumberFormat.grouped(count))개)" : "the training data (\(NumberFormat.grouped(count)) sequences)")
        var out: [Output] = [.table(Table(caption: ko ? "\(where_)에서 평가한 \(model)" : "\(model) on \(where_)",
                                          headers: headers, rows: rows, numeric: Set(1..<headers.count)))]
        if !e.byLength.isEmpty {
            var h = [ko ? "길이 T" : "length T", ko ? "시퀀스" : "sequences", ko ? "손실" : "loss"]
            if hasAccuracy { h.append(accuracyHeader) }
            let r = e.byLength.map { g in
                [String(g.length), NumberFormat.grouped(g.count), NumberFormat.short(g.loss)] + (hasAccuracy ? [percent(g.accuracy)] : [])
            }
            out.append(.table(Table(caption: ko ? "길이별 결과" : "By sequence length", headers: h, rows: r, numeric: Set(0..<h.count))))
        }
        return out
    }

    /// 0.953 → 95.3%, for tables.
    static func percent(_ v: Double?) -> String {
        guard let v else { return "—" }
        return v.isFinite ? String(format: "%.1f%%", v * 100) : NumberFormat.short(v)
    }
}
