import Foundation
import RNNCore
import Reports

/// `step`: one sequence forward and backward, everything recorded.
extension Actions {
    /// The longest sequence one `step` records (its step-through shows at most 10,000).
    static let maximumStepLength = 20_000

    static func step(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["model", "data", "index", "truncation"])
        let model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let index = try o["index"]?.int(min: 0, max: data.count - 1) ?? 0
        guard data.steps(of: index) <= maximumStepLength else {
            throw o.error("a step records every gate and gradient at every step, for at most \(NumberFormat.grouped(maximumStepLength)) steps; this sequence has \(NumberFormat.grouped(data.steps(of: index))) (use a shorter one, or a sweep over length for gradient norms of longer ones)")
        }
        try checkStep(model.network, steps: data.steps(of: index), state: state, at: o.field)
        let trace = Trace(model: Model(network: model.network, parameters: model.parameters),
                          sample: data.sample(index, for: model.network), truncation: try o["truncation"]?.int(min: 1))
        state.steps[model.name] = trace
        state.lastModel = model.name
        let r = trace.record.layers[0][0]
        recordStep(model.name + ".step", trace, in: state.values)
        recordReach(model.name + ".step", trace, network: model.network, in: state.values)
        let first = euclideanNorm(r.dhAt(1)), last = euclideanNorm(r.dhAt(r.steps))
        let ko = state.language == "ko"
        return [.note(ko
            ? "**\(Escape.markdown(model.name))**, 학습 시퀀스 \(index) (T = \(r.steps)): 손실 \(NumberFormat.short(trace.record.loss)); `‖dL/dh_T‖` = \(NumberFormat.short(last)), `‖dL/dh_1‖` = \(NumberFormat.short(first)); `\(Shows.jacobianSymbol(model.network.spec.cell, at: "₀"))` = \(NumberFormat.short(trace.jacobianNorms[0][0][0]))"
            : "**\(Escape.markdown(model.name))** on training sequence \(index) (T = \(r.steps)): loss \(NumberFormat.short(trace.record.loss)); `‖dL/dh_T‖` = \(NumberFormat.short(last)), `‖dL/dh_1‖` = \(NumberFormat.short(first)); `\(Shows.jacobianSymbol(model.network.spec.cell, at: "₀"))` = \(NumberFormat.short(trace.jacobianNorms[0][0][0]))")]
    }

    /// A recorded step's memory (the record and the Jacobian products) and work (the products:
    /// one S × S by S × H product per step per layer, S the state size).
    static func checkStep(_ network: Network, steps T: Int, state: LessonState, at field: Field) throws(LessonError) {
        let spec = network.spec
        var work = Budget.passWork(network, steps: T), memory = Budget.recordBytes(network, steps: T) * 2
        for h in spec.hiddenSizes {
            let S = Double(spec.cell == .lstm ? 2 * h : h)
            work += Double(T) * (spec.bidirectional ? 2 : 1) * (2 * S * S * Double(h) + 40 * S * S)
            memory += 4 * S * S * 8
        }
        try state.checkWork(work, "recording this step (T = \(NumberFormat.grouped(T)))", at: field)
        try state.checkMemory(memory, "recording this step (T = \(NumberFormat.grouped(T)))", at: field)
    }

    /// `prefix.reach`: how many steps back from T the gradient reaches, the steps t = T, T − 1, …
    /// before the first with dL/dh_t = 0 (T when none is; under truncated BPTT with a loss at the
    /// last step, the last chunk). `prefix.memory`: the bytes of record a backward pass must hold
    /// at once (`Budget.recordBytes`, 24 doubles per unit per step with the step's input and
    /// output): all T steps for full BPTT, one chunk of min(k, T) steps when truncated at k and
    /// run chunk by chunk. rnnlab itself keeps every step, to show them.
    static func recordReach(_ prefix: String, _ trace: Trace, network: Network, in values: ValueStore) {
        let r = trace.record.layers[0][0], T = r.steps
        var reach = 0
        while reach < T, euclideanNorm(r.dhAt(T - reach)) > 0 { reach += 1 }
        values.set(prefix + ".reach", reach)
        values.set(prefix + ".memory", Budget.recordBytes(network, steps: min(trace.truncation ?? T, T)))
    }

    /// `prefix.loss`, `.T`, `.dh_norm` (‖dL/dh_t‖ for t = 0…T, so `.dh_norm[1]` is ‖dL/dh_1‖),
    /// `.dc_norm` (LSTM), `.jacobian` (‖∂h_T/∂h_t‖ for t = 0…T) and `.mean.GATE` (each gate's
    /// mean, smallest and largest value over steps and units: `.mean.f` is the LSTM's average forget
    /// gate, `.min.f` and `.max.f` its extremes).
    static func recordStep(_ prefix: String, _ trace: Trace, in values: ValueStore) {
        let r = trace.record.layers[0][0]
        values.set(prefix + ".loss", trace.record.loss)
        values.set(prefix + ".T", r.steps)
        values.set(prefix + ".dh_norm", .list((0...r.steps).map { euclideanNorm(r.dhAt($0)) }))
        if r.spec.hasCellState { values.set(prefix + ".dc_norm", .list((0...r.steps).map { euclideanNorm(r.dcAt($0)) })) }
        values.set(prefix + ".jacobian", .list(trace.jacobianNorms[0][0]))
        for (g, gate) in r.spec.gateNames.enumerated() where r.steps > 0 {
            let all = (1...r.steps).flatMap { Array(r.gate(g, at: $0)) }
            values.set(prefix + ".mean." + gate, all.reduce(0, +) / Double(all.count))
            values.set(prefix + ".min." + gate, all.min() ?? .nan)
            values.set(prefix + ".max." + gate, all.max() ?? .nan)
        }
    }
}
