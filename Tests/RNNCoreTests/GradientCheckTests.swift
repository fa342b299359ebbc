import Testing
@testable import RNNCore

/// Finite differences against backprop through time, H = 4 and T = 20, for every tensor:
/// every weight and the recorded dL/dh_t and dL/dc_t at every step.
@Suite("Finite-difference gradient checks")
struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var spec: NetworkSpec
        var loss: LossKind
        var testDescription: String { "\(label), \(loss.rawValue)" }
    }

    static let cellCases: [Case] = allCellVariants.flatMap { (label, spec) in
        LossKind.allCases.map { Case(label: label, spec: spec, loss: $0) }
    }

    static let compositionCases: [Case] = CellKind.allCases.flatMap { cell -> [Case] in
        let variant: GRUVariant = .resetAfter
        return [
            Case(label: "\(cell.rawValue) stacked ×2",
                 spec: NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [4, 5], outputSize: 2, gruVariant: variant),
                 loss: .mseAll),
            Case(label: "\(cell.rawValue) bidirectional",
                 spec: NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [4], outputSize: 3, bidirectional: true),
                 loss: .xentAll),
            Case(label: "\(cell.rawValue) embedding, stacked bidirectional",
                 spec: NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [4, 4], outputSize: 3,
                                   peephole: cell == .lstm, bidirectional: true, vocabularySize: 6),
                 loss: .xentLast),
        ]
    } + [
        Case(label: "gru simplified embedding, stacked bidirectional",
             spec: NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4, 5], outputSize: 3, gruVariant: .simplified,
                               bidirectional: true, vocabularySize: 6),
             loss: .mseAll),
    ]

    /// relu has a kink at 0 that central differences straddle if a pre-activation is within
    /// ε of it; for relu, take the first seed whose pre-activations all keep clear of 0.
    static func problem(_ c: Case, seed: UInt64) -> (Network, [Double], Sample) {
        var seed = seed
        while true {
            let problem = randomProblem(c.spec, steps: 20, loss: c.loss, seed: seed)
            guard c.spec.cell == .rnn && c.spec.activation == .relu else { return problem }
            let record = problem.0.forward(parameters: problem.1, sample: problem.2)
            let nearest = record.layers.flatMap { $0 }.flatMap(\.preActivations).map(abs).min() ?? 1
            if nearest > 0.02 { return problem }
            seed += 1000
        }
    }

    static func check(_ c: Case, seed: UInt64) {
        let (network, parameters, sample) = problem(c, seed: seed)
        let checker = GradientCheck()
        let entries = checker.checkParameters(network: network, parameters: parameters, sample: sample)
            + checker.checkStates(network: network, parameters: parameters, sample: sample)
        #expect(entries.count == network.layout.slots.count
            + network.spec.hiddenSizes.count * (c.spec.bidirectional ? 2 : 1) * (c.spec.cell == .lstm ? 2 : 1))
        for entry in entries {
            let w = entry.worst
            #expect(w.error < 1e-6, "\(c.testDescription): \(entry.name)[\(w.index)] analytic \(w.analytic), numeric \(w.numeric), scale \(maxMagnitude(entry.analytic))")
        }
        // Guard against a vacuous check: the gradient must actually be non-trivial.
        let total = entries.reduce(0.0) { $0 + maxMagnitude($1.analytic) }
        #expect(total > 1e-3)
    }

    @Test(arguments: cellCases)
    func everyCellVariantAndLoss(_ c: Case) {
        Self.check(c, seed: 11)
    }

    @Test(arguments: compositionCases)
    func stackedBidirectionalAndEmbedding(_ c: Case) {
        Self.check(c, seed: 12)
    }

    @Test func checkerCatchesAWrongGradient() {
        // A gradient check that cannot fail proves nothing: corrupt one analytic value.
        let (network, parameters, sample) = randomProblem(allCellVariants[3].1, steps: 20, loss: .mseAll, seed: 3)
        var entries = GradientCheck().checkParameters(network: network, parameters: parameters, sample: sample)
        entries[1].analytic[2] *= 1.00001
        #expect(entries[1].worstRelativeError > 1e-6)
    }
}
