import Testing
@testable import RNNCore

/// A run that starts from where an earlier run stopped (every layer's final states passed on as
/// the next run's initial states) continues exactly: the way sampling feeds one symbol at a time.
@Suite("Carrying states between runs")
struct StateCarryTests {
    @Test(arguments: [CellKind.rnn, .lstm, .gru])
    func twoRunsEqualOne(cell: CellKind) {
        let spec = NetworkSpec(cell: cell, inputSize: 3, hiddenSizes: [5, 4, 6], outputSize: 2)
        let (network, parameters, whole) = randomProblem(spec, steps: 30, loss: .mseAll, seed: 21)
        guard case .vectors(let x, _) = whole.input else { Issue.record("vector input expected"); return }
        let split = 17, X = spec.inputSize
        func part(_ range: Range<Int>) -> Sample {
            Sample(input: .vectors(Array(x[(range.lowerBound * X)..<(range.upperBound * X)]), steps: range.count),
                   loss: .mseAll, targets: .vectors([Double](repeating: 0, count: range.count * 2)),
                   h0: whole.h0, c0: whole.c0)
        }
        let one = network.forward(parameters: parameters, sample: part(0..<30))
        let first = network.forward(parameters: parameters, sample: part(0..<split))
        var second = part(split..<30)
        let ends = first.layers.map { $0[0] }
        second.h0 = Array(ends[0].hidden(at: split))
        second.c0 = cell == .lstm ? Array(ends[0].cell(at: split)) : nil
        second.upperH0 = ends.dropFirst().map { Array($0.hidden(at: split)) }
        second.upperC0 = cell == .lstm ? ends.dropFirst().map { Array($0.cell(at: split)) } : nil
        let rest = network.forward(parameters: parameters, sample: second)
        // Every layer's states and every output of the continued run are the one run's, bit for bit.
        for l in 0..<spec.hiddenSizes.count {
            let H = spec.hiddenSizes[l]
            #expect(Array(rest.layers[l][0].h[H...]) == Array(one.layers[l][0].h[((split + 1) * H)...]), "layer \(l + 1)")
        }
        #expect(rest.y == Array(one.y[(split * 2)...]))
        // Without the upper layers' states the continuation differs: the test can fail.
        second.upperH0 = nil
        second.upperC0 = nil
        #expect(network.forward(parameters: parameters, sample: second).y != rest.y)
    }
}
