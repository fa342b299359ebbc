import ArgumentParser
import Foundation
import RNNCore

extension RNNLab {
    /// `rnnlab bench`: times the numerics core in-process, for benchmarks/run.py to compare
    /// against numpy in the same command.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time forward + full BPTT + recording for a random network (used by benchmarks/run.py).",
            discussion: "Prints one JSON line: the fastest and median time in seconds over the repeats, and which kernels ran (avx2+fma or generic)."
        )

        @Option(help: "Cell kind: rnn, lstm or gru.")
        var cell: String = "lstm"
        @Option(help: "Input size X.")
        var input: Int = 64
        @Option(help: "Hidden size H.")
        var hidden: Int = 128
        @Option(help: "Sequence length T.")
        var steps: Int = 1000
        @Option(help: "How many timed runs (after one warm-up).")
        var repeats: Int = 10
        @Flag(help: "Also compute the Jacobian norms.")
        var jacobian = false

        func validate() throws {
            guard CellKind(rawValue: cell) != nil else { throw ValidationError("--cell must be rnn, lstm or gru") }
            guard input > 0, hidden > 0, steps > 0, repeats > 0 else {
                throw ValidationError("--input, --hidden, --steps and --repeats must be positive")
            }
        }

        func run() throws {
            let spec = NetworkSpec(cell: CellKind(rawValue: cell)!, inputSize: input, hiddenSizes: [hidden], outputSize: 1)
            let network = Network(spec)
            let parameters = network.initialParameters(seed: 1)
            var rng = SplitMix64(seed: 2)
            let x = (0..<(steps * input)).map { _ in rng.uniform(-1, 1) }
            let sample = Sample(input: .vectors(x, steps: steps), loss: .mseLast, targets: .vectors([0.5]))
            var times: [Double] = []
            var checksum = 0.0
            for k in 0...repeats {
                let start = ContinuousClock.now
                let (record, gradient) = network.lossAndGradient(parameters: parameters, sample: sample)
                if jacobian {
                    checksum += network.jacobianNorms(parameters: parameters, record: record)[0]
                }
                let elapsed = ContinuousClock.now - start
                checksum += record.loss + gradient[0]
                if k > 0 {
                    times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                }
            }
            times.sort()
            print("{\"min\":\(times[0]),\"median\":\(times[times.count / 2]),\"checksum\":\(checksum),\"kernels\":\"\(BLAS.instructionSet)\"}")
        }
    }
}
