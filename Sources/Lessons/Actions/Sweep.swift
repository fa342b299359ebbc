import Foundation
import RNNCore
import Reports

/// `sweep`: repeat a step over a parameter, optionally training at each value.
extension Actions {
    /// The longest sequence a length sweep makes (as the longest a `data` cell makes).
    static let maximumSweepLength = 100_000
    static let maximumSweepValues = 1_000

    static func sweep(_ field: Field, state: LessonState, progress: ProgressReporter) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "model", "data", "parameter", "values", "index", "train"])
        let model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let parameter = try o.required("parameter").choice(["spectral_radius", "length"])
        let values = try o.required("values").doubles()
        guard !values.isEmpty else { throw o.error("values needs at least one value") }
        guard values.count <= maximumSweepValues else {
            throw try o.required("values").error("a sweep takes at most \(NumberFormat.grouped(maximumSweepValues)) values (its chart draws one point or curve each), not \(NumberFormat.grouped(values.count))")
        }
        let index = try o["index"]?.int(min: 0, max: data.count - 1) ?? 0
        var result = SweepResult(parameter: parameter, values: values, jacobianNorms: [], gradientNorms: [])
        result.cell = model.network.spec.cell
        // With `train:`, every value trains a fresh copy of the model from the same start.
        let config = try o["train"].map { (f: Field) throws(LessonError) -> TrainingConfig in
            try trainingConfig(try f.mapping(allowed: trainingOptions), seed: state.seed(for: "sweep:" + model.name))
        }
        for v in values {
            // Every value checked before any runs.
            if parameter == "length", !(v >= 1 && v <= Double(maximumSweepLength) && v == v.rounded()) {
                throw try o.required("values").error("lengths must be whole numbers from 1 to \(NumberFormat.grouped(maximumSweepLength)), not \(NumberFormat.short(v))")
            }
            if parameter == "spectral_radius", !(v > 0 && v <= 1e6) {
                throw try o.required("values").error("spectral radii must be positive and at most 1e6, not \(NumberFormat.short(v))")
            }
        }
        var work = 0.0, memory = 0.0
        for v in values {
            let T = parameter == "length" ? Int(v) : Budget.longest(data)
            let count = config == nil ? 1 : data.count
            work += Double(config?.epochs ?? 1) * Budget.passWork(model.network, steps: T * count, sequences: count) + Budget.passWork(model.network, steps: T)
            memory = max(memory, Budget.recordBytes(model.network, steps: T) * 2 + Double(count * T * (data.inputSize + data.outputSize)) * 8)
        }
        try state.checkWork(work, "this sweep", at: o.field)
        try state.checkMemory(memory + Budget.modelBytes(model.network), "this sweep", at: o.field)
        for v in values { try checkStep(model.network, steps: parameter == "length" ? Int(v) : Budget.longest(data), state: state, at: o.field) }
        let sweepName = try o["name"]?.string() ?? "sweep"
        // Progress for a sweep that trains or steps through long sequences (it can take minutes);
        // a short one is quick and says nothing (an error after it stays one line).
        let long = work > 1e9
        if config != nil || long { progress.begin("sweep \(sweepName)", total: values.count) } else { progress.begin("", total: 0) }
        let recordedSteps = values.reduce(0) { $0 + (parameter == "length" ? Int($1) : Budget.longest(data)) }
        let keepTraces = values.count <= WhatIf.maximumValues && recordedSteps <= WhatIf.maximumSteps
        result.symbols = data.vocabulary
        for (k, v) in values.enumerated() {
            defer { progress.update(k + 1, detail: "\(parameter) \(NumberFormat.short(v))") }
            var p = model.parameters
            var sample = data.sample(index, for: model.network)
            var samples: [Sample] = config == nil ? [] : data.samples(for: model.network)
            if parameter == "spectral_radius" {
                scaleRecurrent(model.network, &p, to: v)
            } else {
                let T = Int(v)  // checked above: a whole number in 1…maximumSweepLength
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
                let trained = model.network.trainCached(parameters: p, samples: samples, config: config).result
                p = trained.parameters
                result.histories.append(trained.history)
                result.outcomes.append(trained.outcome)
            }
            let trace = Trace(model: Model(network: model.network, parameters: p), sample: sample)
            if keepTraces { result.traces.append(trace) }
            result.jacobianNorms.append(trace.jacobianNorms[0][0])
            let r = trace.record.layers[0][0]
            result.gradientNorms.append((0...r.steps).map { euclideanNorm(r.dhAt($0)) })
        }
        progress.end()
        let name = sweepName
        state.sweeps[name] = result
        recordSweep(name, result, in: state.values)
        state.lastSweep = name
        let ko = state.language == "ko"
        var headers = [parameter, "T", Shows.jacobianSymbol(model.network.spec.cell, at: "₀")]
        var rows = zip(values, result.jacobianNorms).map { v, n in
            [NumberFormat.short(v), String(n.count - 1), NumberFormat.short(n[0])]
        }
        if config != nil {
            headers += [ko ? "마지막 손실" : "final loss", ko ? "결과" : "outcome"]
            for k in rows.indices {
                rows[k].append(result.histories[k].last.map { NumberFormat.short($0.loss) } ?? "—")
                switch result.outcomes[k] {
                case .completed: rows[k].append(ko ? "완료" : "completed")
                case .diverged(let e, let s): rows[k].append(ko ? "\(e)번째 에포크 \(s)번째 스텝에서 발산" : "diverged at epoch \(e), step \(s)")
                }
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

    /// `name.values`; per swept value v: `name.jacobian[v]` (‖∂h_T/∂h_0‖), `name.dh_ratio[v]`
    /// (‖dL/dh_1‖ / ‖dL/dh_T‖) and, with `train:`, `name.final_loss[v]` and `name.diverged[v]`;
    /// each also as one list in the order of the values (`name.jacobian`).
    static func recordSweep(_ name: String, _ result: SweepResult, in values: ValueStore) {
        values.set(name + ".values", .list(result.values))
        var series: [String: [Double]] = [:]
        func put(_ key: String, _ k: Int, _ x: Double) {
            values.set(ValueStore.key("\(name).\(key)", result.values[k]), x)
            series[key, default: []].append(x)
        }
        for k in result.values.indices {
            put("jacobian", k, result.jacobianNorms[k][0])
            let dh = result.gradientNorms[k]
            if dh.count > 1 { put("dh_ratio", k, dh[1] / dh[dh.count - 1]) }
            if k < result.histories.count {
                put("final_loss", k, result.histories[k].last?.loss ?? .nan)
                put("diverged", k, result.outcomes[k] == .completed ? 0 : 1)
            }
        }
        for key in ["jacobian", "dh_ratio", "final_loss", "diverged"] {
            if let xs = series[key] { values.set("\(name).\(key)", .list(xs)) }
        }
    }
}
