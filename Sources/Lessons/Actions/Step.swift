import Foundation
import RNNCore
import Reports

/// `step`: one sequence forward and backward, everything recorded.
extension Actions {
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
}
