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

                With --train it times Network.train instead (mini-batches of --batch over \
                --sequences random sequences, Adam, --epochs epochs) and prints sequences per \
                second and a digest of the trained parameters and the loss history, so that a \
                change to the core can be checked to give the same bits.

                With --seq2seq reverse (or sort) it trains the encoder–decoder toy task instead \
                (benchmarks/seq2seq.py passes the lesson's sizes).
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
        @Option(help: "GRU form: lecture, reset_after or simplified.")
        var gruVariant: String = "lecture"
        @Option(help: "How many timed runs (after one warm-up).")
        var repeats: Int = 10
        @Flag(help: "Also compute the Jacobian norms.")
        var jacobian = false

        @Flag(help: "Time the initial parameters (Network.initialParameters) instead of one forward + backward pass.")
        var initialization = false

        @Flag(help: "Time the connectivity ‖∂y_t/∂x_s‖ and ‖∂h_t/∂x_s‖ of one recorded sequence (Network.connectivity) instead; --vocabulary sets the readout's width (default 1).")
        var connectivity = false

        @Flag(help: "Time training (Network.train) instead of one forward + backward pass.")
        var train = false
        @Option(help: "Training: how many sequences.")
        var sequences: Int = 512
        @Option(help: "Training: epochs.")
        var epochs: Int = 5
        @Option(help: "Training: batch size.")
        var batch: Int = 32
        @Option(help: "Training: loss (mse_last, mse_all; xent_all with --vocabulary).")
        var loss: String = "mse_last"
        @Option(help: "Training: clip the gradient's global norm at this value.")
        var clipNorm: Double?
        @Option(help: "Training: clip every gradient entry at this value.")
        var clipValue: Double?
        @Option(help: "Training: truncated BPTT with chunks of this many steps.")
        var truncation: Int?
        @Flag(help: "Bidirectional layers.")
        var bidirectional = false
        @Flag(help: "LSTM peepholes.")
        var peephole = false
        @Option(help: "Vanilla RNN activation: tanh, relu or linear.")
        var activation: String = "tanh"
        @Option(help: "Training: token inputs through an embedding of this many symbols (--input is its width).")
        var vocabulary: Int?
        @Option(help: "Train and time the encoder–decoder toy task instead: reverse or sort (digit strings of 3–5 digits; --hidden units, --input as the embedding width, --sequences training pairs, --epochs, --batch, Adam 0.01); prints the time and the held-out exact-match accuracy.")
        var seq2seq: String?

        func validate() throws {
            if let seq2seq, Seq2SeqToyTask(rawValue: seq2seq) == nil {
                throw ValidationError("--seq2seq must be reverse or sort")
            }
            guard CellKind(rawValue: cell) != nil else { throw ValidationError("--cell must be rnn, lstm or gru") }
            guard input > 0, hidden > 0, steps > 0, repeats > 0, layers > 0 else {
                throw ValidationError("--input, --hidden, --steps, --layers and --repeats must be positive")
            }
            guard GRUVariant(rawValue: gruVariant) != nil else {
                throw ValidationError("--gru-variant must be lecture, reset_after or simplified")
            }
            guard LossKind(rawValue: loss) != nil, Activation(rawValue: activation) != nil else {
                throw ValidationError("unknown --loss or --activation")
            }
            guard sequences > 0, epochs > 0, batch > 0 else {
                throw ValidationError("--sequences, --epochs and --batch must be positive")
            }
        }

        func run() throws {
            if initialization { return runInitialization() }
            if let seq2seq { return try runSeq2Seq(Seq2SeqToyTask(rawValue: seq2seq)!) }
            if train { return runTraining() }
            if connectivity { return runConnectivity() }
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

extension RNNLab.Bench {
    /// Times `Network.train` on random sequences with a learnable target (mse: the mean of the
    /// first input over the steps so far; tokens: the previous token).
    func runTraining() {
        let lossKind = LossKind(rawValue: loss)!
        let outputSize = vocabulary ?? 1
        let spec = NetworkSpec(
            cell: CellKind(rawValue: cell)!, inputSize: input,
            hiddenSizes: Array(repeating: hidden, count: layers), outputSize: outputSize,
            activation: Activation(rawValue: activation)!,
            gruVariant: GRUVariant(rawValue: gruVariant)!, peephole: peephole,
            bidirectional: bidirectional, vocabularySize: vocabulary)
        let network = Network(spec)
        let parameters = network.initialParameters(seed: 1)
        var rng = SplitMix64(seed: 2)
        let samples = (0..<sequences).map { _ -> Sample in
            if let V = vocabulary {
                let ids = (0..<steps).map { _ in Int(rng.next() % UInt64(V)) }
                let targets = [0] + ids.dropLast()
                return Sample(input: .tokens(ids), loss: lossKind.coversAllSteps ? .xentAll : .xentLast,
                              targets: .classes(lossKind.coversAllSteps ? targets : [targets.last!]))
            }
            let x = (0..<(steps * input)).map { _ in rng.uniform(-1, 1) }
            var means: [Double] = [], sum = 0.0
            for t in 0..<steps {
                sum += x[t * input]
                means.append(sum / Double(t + 1))
            }
            return Sample(input: .vectors(x, steps: steps), loss: lossKind,
                          targets: .vectors(lossKind.coversAllSteps ? means : [means.last!]))
        }
        let clipping = clipNorm.map { Clipping.globalNorm($0) } ?? clipValue.map { Clipping.value($0) }
        let config = TrainingConfig(
            optimizer: .adam(learningRate: 0.01), epochs: epochs, batchSize: batch,
            clipping: clipping, truncation: truncation, seed: 3)
        var times: [Double] = []
        var digests: Set<String> = []
        var digest = Digest()
        for k in 0...repeats {
            let start = ContinuousClock.now
            let result = network.train(parameters: parameters, samples: samples, config: config)
            let elapsed = ContinuousClock.now - start
            var d = Digest()
            d.add(result.parameters)
            d.add(result.history.flatMap { [$0.loss, $0.gradientNorm] })
            digests.insert(d.hex)
            digest = d
            if k > 0 {
                times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
        }
        times.sort()
        let perSecond = Double(sequences * epochs) / times[0]
        print("{\"sequences_per_second\":\(Int(perSecond.rounded())),\"us_per_sequence\":\((1e6 / perSecond * 100).rounded() / 100),\"min\":\(times[0]),\"median\":\(times[times.count / 2]),\"digest\":\"\(digest.hex)\",\"repeatable\":\(digests.count == 1),\"kernels\":\"\(BLAS.instructionSet)\",\"threads\":\(BLAS.threads)}")
    }
}

extension RNNLab.Bench {
    /// Times `Network.initialParameters(seed:)`: the draws and, for every cell, the orthogonal
    /// initialisation of its stacked recurrent kernel (G·H × H).
    func runInitialization() {
        let spec = NetworkSpec(
            cell: CellKind(rawValue: cell)!, inputSize: input,
            hiddenSizes: Array(repeating: hidden, count: layers), outputSize: 1,
            gruVariant: GRUVariant(rawValue: gruVariant)!)
        let network = Network(spec)
        var times: [Double] = [], cpuTimes: [Double] = []
        var digests: Set<String> = []
        for k in 0...repeats {
            let start = ContinuousClock.now, cpuStart = processCPUSeconds()
            let parameters = network.initialParameters(seed: 1)
            let elapsed = ContinuousClock.now - start, cpu = processCPUSeconds() - cpuStart
            var d = Digest()
            d.add(parameters)
            digests.insert(d.hex)
            if k > 0 {
                times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                cpuTimes.append(cpu)
            }
        }
        times.sort()
        cpuTimes.sort()
        let gates = CellSpec(kind: spec.cell, inputSize: input, hiddenSize: hidden).gateCount
        // The CPU time (both threads) says what the machine's other load hides in the wall time.
        print("{\"min\":\(times[0]),\"median\":\(times[times.count / 2]),\"cpu_min\":\(cpuTimes[0]),\"rows\":\(gates * hidden),\"cols\":\(hidden),\"digest\":\"\(digests.sorted()[0])\",\"repeatable\":\(digests.count == 1),\"kernels\":\"\(BLAS.instructionSet)\",\"threads\":\(BLAS.threads)}")
    }

    /// User and system time of every thread of this process so far.
    private func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// FNV-1a over the bit patterns of every recorded number and the gradient: equal digests mean
/// bit-identical results.
struct Digest {
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

extension RNNLab.Bench {
    /// Times `Network.connectivity` on one random sequence of --steps vectors of width --input,
    /// with a readout of --vocabulary outputs (a character model's shape), beside one forward and
    /// backward pass of the same sequence as the reference.
    func runConnectivity() {
        let spec = NetworkSpec(
            cell: CellKind(rawValue: cell)!, inputSize: input,
            hiddenSizes: Array(repeating: hidden, count: layers), outputSize: vocabulary ?? 1,
            activation: Activation(rawValue: activation)!,
            gruVariant: GRUVariant(rawValue: gruVariant)!, peephole: peephole)
        let network = Network(spec)
        let parameters = network.initialParameters(seed: 1)
        var rng = SplitMix64(seed: 2)
        let x = (0..<(steps * input)).map { _ in rng.uniform(-1, 1) }
        let sample = Sample(input: .vectors(x, steps: steps), loss: .mseAll,
                            targets: .vectors([Double](repeating: 0, count: steps * spec.outputSize)))
        var times: [Double] = [], passTimes: [Double] = []
        var digests: Set<String> = []
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        for k in 0...repeats {
            let passStart = ContinuousClock.now
            let (record, _) = network.lossAndGradient(parameters: parameters, sample: sample)
            let passElapsed = ContinuousClock.now - passStart
            let start = ContinuousClock.now
            let c = network.connectivity(parameters: parameters, record: record)
            let elapsed = ContinuousClock.now - start
            var d = Digest()
            d.add(c.hidden.flatMap { $0 } + c.output.flatMap { $0 })
            digests.insert(d.hex)
            if k > 0 {
                times.append(seconds(elapsed))
                passTimes.append(seconds(passElapsed))
            }
        }
        times.sort()
        passTimes.sort()
        print("{\"connectivity_min\":\(times[0]),\"connectivity_median\":\(times[times.count / 2]),\"forward_backward_median\":\(passTimes[passTimes.count / 2]),\"ratio\":\(((times[times.count / 2] / passTimes[passTimes.count / 2]) * 10).rounded() / 10),\"repeatable\":\(digests.count == 1),\"kernels\":\"\(BLAS.instructionSet)\",\"threads\":\(BLAS.threads)}")
    }
}
