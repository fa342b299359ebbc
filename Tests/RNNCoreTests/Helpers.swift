@testable import RNNCore

/// Random weights and a random sequence for a network, from the portable generator.
func randomProblem(
    _ spec: NetworkSpec, steps T: Int, loss: LossKind, seed: UInt64, scale: Double = 0.5,
    initialStates: Bool = true
) -> (Network, [Double], Sample) {
    let network = Network(spec)
    var rng = SplitMix64(seed: seed)
    let parameters = (0..<network.parameterCount).map { _ in scale * rng.normal() }
    let input: Sample.Input
    if let vocab = spec.vocabularySize {
        input = .tokens((0..<T).map { _ in Int(rng.next() % UInt64(vocab)) })
    } else {
        input = .vectors((0..<(T * spec.inputSize)).map { _ in rng.uniform(-1, 1) }, steps: T)
    }
    let Y = spec.outputSize, H = spec.hiddenSizes[0]
    let targets: Targets
    switch loss {
    case .mseLast: targets = .vectors((0..<Y).map { _ in rng.uniform(-1, 1) })
    case .mseAll: targets = .vectors((0..<(T * Y)).map { _ in rng.uniform(-1, 1) })
    case .xentLast: targets = .classes([Int(rng.next() % UInt64(Y))])
    case .xentAll: targets = .classes((0..<T).map { _ in Int(rng.next() % UInt64(Y)) })
    }
    let h0 = initialStates ? (0..<H).map { _ in rng.uniform(-0.5, 0.5) } : nil
    let c0 = initialStates && spec.cell == .lstm ? (0..<H).map { _ in rng.uniform(-0.5, 0.5) } : nil
    return (network, parameters, Sample(input: input, loss: loss, targets: targets, h0: h0, c0: c0))
}

/// The cell configurations of the contract: every cell and variant.
let allCellVariants: [(String, NetworkSpec)] = [
    ("rnn tanh", NetworkSpec(cell: .rnn, inputSize: 3, hiddenSizes: [4], outputSize: 2, activation: .tanh)),
    ("rnn relu", NetworkSpec(cell: .rnn, inputSize: 3, hiddenSizes: [4], outputSize: 2, activation: .relu)),
    ("rnn linear", NetworkSpec(cell: .rnn, inputSize: 3, hiddenSizes: [4], outputSize: 2, activation: .linear)),
    ("lstm", NetworkSpec(cell: .lstm, inputSize: 3, hiddenSizes: [4], outputSize: 2)),
    ("lstm peephole", NetworkSpec(cell: .lstm, inputSize: 3, hiddenSizes: [4], outputSize: 2, peephole: true)),
    ("gru lecture", NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2, gruVariant: .lecture)),
    ("gru reset_after", NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2, gruVariant: .resetAfter)),
    ("gru simplified", NetworkSpec(cell: .gru, inputSize: 3, hiddenSizes: [4], outputSize: 2, gruVariant: .simplified)),
]
