import Foundation
import RNNCore
import Reports

/// `show: connectivity` — for a model's recorded step, the matrix ‖∂y_t/∂x_s‖ (`of: output`, the
/// default) or ‖∂h_t/∂x_s‖ (`of: hidden`), computed exactly by the core (`Network.connectivity`),
/// and for a token model the strip on which pointing at an output colours the inputs.
///
/// Sets `NAME.connectivity.last` (the last output's row, s = 1 … T), `NAME.connectivity.reach`
/// (how many steps back from T that row stays at 1% of its largest or more) and
/// `NAME.connectivity.first_to_last` (‖∂y_T/∂x_1‖ / ‖∂y_T/∂x_T‖); `of: hidden` sets the same under
/// `NAME.connectivity_h`.
extension Shows {
    /// The most multiply-adds a lesson may spend on one connectivity (about 2 s of one core).
    static let connectivityBudget = 20_000_000_000.0

    static func connectivity(_ o: Options, state: LessonState) throws(LessonError) -> [Output] {
        let ko = state.language == "ko"
        let model = try state.model(o["model"], options: o)
        guard let trace = state.steps[model.name] else {
            throw o.error("connectivity needs a recorded step: model \(model.name) has none yet (add a step: cell before this one)")
        }
        let network = trace.model.network
        guard network.supportsConnectivity else {
            throw o.error("connectivity: in a bidirectional model every h_t depends on later inputs too; show it for a model that runs forward in time")
        }
        let of = try o["of"]?.choice(["output", "hidden"]) ?? (network.hasReadout ? "output" : "hidden")
        if of == "output" && !network.hasReadout {
            throw o["of"]!.error("connectivity of the output needs a readout; this model has none (use of: hidden)")
        }
        let T = trace.record.steps
        let spec = network.spec
        let widest = spec.hiddenSizes.max() ?? 1, state2 = spec.cell == .lstm ? 2.0 : 1.0
        let cost = state2 * Double(widest) * Double(widest) * Double(max(spec.inputSize, widest)) * Double(T) * Double(T) / 2
            * Double(spec.hiddenSizes.count)
        guard cost <= connectivityBudget else {
            throw o.error("connectivity: \(T) steps of \(widest) units is too large to compute here (about \(NumberFormat.short(cost)) multiply-adds); record a shorter step")
        }
        let c = network.connectivity(parameters: trace.model.parameters, record: trace.record)
        let rows = of == "output" ? c.output : c.hidden
        let prefix = model.name + (of == "output" ? ".connectivity" : ".connectivity_h")
        if let last = rows.last {
            state.values.set(prefix + ".last", .list(last))
            let top = last.filter(\.isFinite).max() ?? 0
            var reach = 0
            while reach < T, last[T - 1 - reach] >= 0.01 * top, top > 0 { reach += 1 }
            state.values.set(prefix + ".reach", reach)
            state.values.set(prefix + ".first_to_last", last[T - 1] > 0 ? last[0] / last[T - 1] : .nan)
        }
        let symbol = of == "output" ? "‖∂y_t/∂x_s‖" : "‖∂h_t/∂x_s‖"
        var chart = ConnectivityChart(title: (ko ? "연결성 " : "Connectivity ") + symbol, rows: rows, language: state.language)
        chart.maxCells = 100
        var out = [figure(state, { chart.svg(id: $0) }, caption: chart.caption, alt: chart.title, csv: chart.csv)]
        // Token models: the strip of input and output symbols.
        let symbols = (model.dataName ?? state.lastData).flatMap { state.datasets[$0]?.vocabulary } ?? []
        if of == "output", !symbols.isEmpty, spec.outputSize == symbols.count, let ids = inputIds(trace.sample, count: symbols.count) {
            let Y = spec.outputSize
            let outputs = (0..<T).map { t -> String in
                let y = trace.record.y[(t * Y)..<((t + 1) * Y)]
                let best = y.indices.max { y[$0] < y[$1] || (y[$0] == y[$1] && $0 > $1) } ?? y.startIndex
                return symbols[best - t * Y]
            }
            let strip = ConnectivityStrip(inputs: ids.map { symbols[$0] }, outputs: outputs, rows: rows, language: state.language)
            out.append(.widget(html: strip.html, markdown: strip.markdown))
        }
        return out
    }

    /// The token ids a sample feeds: its ids, or the position of the 1 in each one-hot vector.
    private static func inputIds(_ sample: Sample, count: Int) -> [Int]? {
        switch sample.input {
        case .tokens(let ids): return ids.allSatisfy { $0 >= 0 && $0 < count } ? ids : nil
        case .vectors(let x, let steps):
            guard x.count == steps * count else { return nil }
            return (0..<steps).map { t in
                let row = x[(t * count)..<((t + 1) * count)]
                return (row.indices.max { row[$0] < row[$1] } ?? row.startIndex) - t * count
            }
        }
    }
}
