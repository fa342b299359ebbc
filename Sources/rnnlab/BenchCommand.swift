import ArgumentParser
import Foundation
import RNNCore

extension RNNLab {
    /// `rnnlab bench`: times the numerics core in-process, for benchmarks/run.py to compare
    /// against numpy in the same command.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time forward + full BPTT + recording for a random network (used by benchmarks/run.py).",
            discussion: """
                Prints one JSON line: the fastest and median time in seconds over the repeats, \
                which kernels ran (avx512, avx2+fma or generic) with how many threads, and a \
                digest of every recorded number and gradient bit (to compare kernel paths and \
                thread counts: RNNLAB_KERNELS=generic|avx2, RNNLAB_THREADS=1).
                """
        )

        @Option(help: "Cell kind: rnn, lstm or gru.")
        var cell: String = "lstm"
        @Option(help: "Input size X.")
        var input: Int = 64
        @Option(help: "Hidden size H.")
        var hidden: Int = 128
        @Option(help: "Sequence length T.")
        var steps: Int = 1000
        @Option(help: "Stacked layers (each of --hidden units).")
        var layers: Int = 1
        @Option(help: "GRU form: lecture or reset_after.")
        var gruVariant: String = "lecture"
        @Option(help: "How many timed runs (after one warm-up).")
        var repeats: Int = 10
        @Flag(help: "Also compute the Jacobian norms.")
        var jacobian = false

        func validate() throws {
            guard CellKind(rawValue: cell) != nil else { throw ValidationError("--cell must be rnn, lstm or gru") }
            guard input > 0, hidden > 0, steps > 0, repeats > 0, layers > 0 else {
                throw ValidationError("--input, --hidden, --steps, --layers and --repeats must be positive")
            }
            guard GRUVariant(rawValue: gruVariant) != nil else {
                throw ValidationError("--gru-variant must be lecture or reset_after")
            }
        }

        func run() throws {
            let spec = NetworkSpec(
                cell: CellKind(rawValue: cell)!, inputSize: input,
                hiddenSizes: Array(repeating: hidden, count: layers), outputSize: 1,
                gruVariant: GRUVariant(rawValue: gruVariant)!)
            let network = Network(spec)
            let parameters = network.initialParameters(seed: 1)
            var rng = SplitMix64(seed: 2)
            let x = (0..<(steps * input)).map { _ in rng.uniform(-1, 1) }
            let sample = Sample(input: .vectors(x, steps: steps), loss: .mseLast, targets: .vectors([0.5]))
            var times: [Double] = []
            var checksum = 0.0
            var digest = Digest()
            for k in 0...repeats {
                let start = ContinuousClock.now
                let (record, gradient) = network.lossAndGradient(parameters: parameters, sample: sample)
                if jacobian {
                    checksum += network.jacobianNorms(parameters: parameters, record: record)[0]
                }
                let elapsed = ContinuousClock.now - start
                checksum += record.loss + gradient[0]
                if k == repeats { digest.add(record: record, gradient: gradient) }
                if k > 0 {
                    times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                }
            }
            times.sort()
            print("{\"min\":\(times[0]),\"median\":\(times[times.count / 2]),\"checksum\":\(checksum),\"digest\":\"\(digest.hex)\",\"kernels\":\"\(BLAS.instructionSet)\",\"threads\":\(BLAS.threads)}")
        }
    }
}

/// FNV-1a over the bit patterns of every recorded number and the gradient: equal digests mean
/// bit-identical results.
private struct Digest {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ values: [Double]) {
        for v in values {
            var bits = v.bitPattern
            for _ in 0..<8 {
                state = (state ^ (bits & 0xff)) &* 0x100_0000_01b3
                bits >>= 8
            }
        }
    }

    mutating func add(record: NetworkRecord, gradient: [Double]) {
        for cell in record.layers.joined() {
            for values in [cell.preActivations, cell.gates, cell.h, cell.c, cell.aux, cell.dh, cell.dc,
                           cell.dPreActivations, cell.dAux] {
                add(values)
            }
        }
        add(record.y)
        add([record.loss])
        add(gradient)
    }

    var hex: String { String(state, radix: 16) }
}
