/// Finite-difference gradient checking, for tests and for lessons that want to show that
/// backprop through time is just the chain rule.
///
/// Each derivative is estimated by central differences with one Richardson extrapolation,
/// ```
/// D(ε) = (L(θ + ε) − L(θ − ε)) / 2ε,    D* = (4 D(ε/2) − D(ε)) / 3
/// ```
/// whose truncation error is O(ε⁴). Rounding in the loss itself (a few ulps of |L|) enters as
/// about 1.5 · ulp(L) / ε, the same absolute size for every weight, so ε trades one against the
/// other: with ε = 4e−3 the truncation error is near 3e−10 of the fifth derivative and the
/// rounding error near 1e−13 · |L|. Measured over the test suite's checks (every cell, variant,
/// loss and composition; H = 4, T = 20), the worst relative error is 3e−7 at ε = 4e−3 and
/// 1.5e−6 at ε = 1e−3, where one tiny entry (2e−7 in a tensor of scale 7e−4) sits below the
/// rounding floor.
public struct GradientCheck: Sendable {
    /// One checked tensor: a weight's gradient, or dh/dc of one cell across all steps.
    public struct Entry: Sendable {
        public var name: String
        public var analytic: [Double]
        public var numeric: [Double]

        /// Worst relative error over the tensor, each entry measured against the tensor's own
        /// scale floor: |a − n| / max(|a|, |n|, 1e−5 · m), m the largest magnitude in the tensor.
        /// (Finite differences are accurate to about 1e−12 · m in absolute terms, so entries
        /// far below the tensor's scale are held to an absolute error of 1e−11 · m, in the
        /// same spirit as the trace contract's agreement rule.)
        public var worstRelativeError: Double { worst.error }

        /// The worst entry: its index, relative error and the two values.
        public var worst: (index: Int, error: Double, analytic: Double, numeric: Double) {
            let m = max(maxMagnitude(analytic), maxMagnitude(numeric))
            var worst = (index: 0, error: 0.0, analytic: 0.0, numeric: 0.0)
            for (k, (a, n)) in zip(analytic, numeric).enumerated() {
                let scale = max(abs(a), abs(n), 1e-5 * m)
                if scale > 0 && abs(a - n) / scale > worst.error {
                    worst = (k, abs(a - n) / scale, a, n)
                }
            }
            return worst
        }
    }

    public var epsilon: Double

    public init(epsilon: Double = 4e-3) { self.epsilon = epsilon }

    private func derivative(_ f: (Double) -> Double) -> Double {
        let e = epsilon
        let d1 = (f(e) - f(-e)) / (2 * e)
        let d2 = (f(e / 2) - f(-e / 2)) / e
        return (4 * d2 - d1) / 3
    }

    /// Checks dL/dθ for every weight of the network.
    public func checkParameters(
        network: Network, parameters: [Double], sample: Sample
    ) -> [Entry] {
        let (_, gradient) = network.lossAndGradient(parameters: parameters, sample: sample)
        return checkParameters(layout: network.layout, parameters: parameters, analytic: gradient) {
            network.forward(parameters: $0, sample: sample).loss
        }
    }

    /// Checks the recorded total derivatives dL/dh_t (and dL/dc_t) of every cell, t = 0 … T,
    /// by nudging each state entry right after it is computed.
    public func checkStates(network: Network, parameters: [Double], sample: Sample) -> [Entry] {
        var record = network.forward(parameters: parameters, sample: sample)
        _ = network.backward(parameters: parameters, record: &record, sample: sample)
        return checkStates(record.layers, prefix: "") {
            network.forward(parameters: parameters, sample: sample, perturbation: $0).loss
        }
    }

    /// One entry per weight of `layout`: the `analytic` gradient beside central differences of
    /// `loss`, the loss at a given parameter vector.
    func checkParameters(
        layout: ParameterLayout, parameters: [Double], analytic: [Double],
        loss: ([Double]) -> Double
    ) -> [Entry] {
        layout.slots.map { slot in
            var numeric = [Double](repeating: 0, count: slot.count)
            for k in 0..<slot.count {
                numeric[k] = derivative { delta in
                    var p = parameters
                    p[slot.offset + k] += delta
                    return loss(p)
                }
            }
            return Entry(name: slot.name, analytic: Array(analytic[slot.range]), numeric: numeric)
        }
    }

    /// One entry per cell of `records` (layer by layer, direction by direction) and state (h,
    /// then c for lstm): the recorded dL/dh_t beside central differences of `loss`, the loss
    /// with one state entry nudged. Entries are named `<prefix>layer1.dh`, `layer1.backward.dc`.
    func checkStates(
        _ records: [[CellRecord]], prefix: String, loss: (StatePerturbation) -> Double
    ) -> [Entry] {
        var entries: [Entry] = []
        for (l, directions) in records.enumerated() {
            for (d, cell) in directions.enumerated() {
                let H = cell.hiddenSize, T = cell.steps
                var kinds: [(StatePerturbation.State, [Double], String)] = [(.hidden, cell.dh, "dh")]
                if cell.spec.hasCellState { kinds.append((.cell, cell.dc, "dc")) }
                for (kind, analytic, label) in kinds {
                    var numeric = [Double](repeating: 0, count: (T + 1) * H)
                    for t in 0...T {
                        for j in 0..<H {
                            numeric[t * H + j] = derivative { delta in
                                loss(StatePerturbation(
                                    state: kind, t: t, unit: j, delta: delta, layer: l, reversed: d == 1))
                            }
                        }
                    }
                    let name = "\(prefix)layer\(l + 1)\(d == 1 ? ".backward" : "").\(label)"
                    entries.append(Entry(name: name, analytic: analytic, numeric: numeric))
                }
            }
        }
        return entries
    }
}
