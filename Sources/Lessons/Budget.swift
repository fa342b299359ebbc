import Foundation
import RNNCore
import Reports

/// How much memory and work one lesson action may take; a cell that would exceed either is
/// refused before it starts, with the estimate, the limit and the option that raises it
/// (`rnnlab run --max-memory`, `--max-work`).
public struct LessonLimits: Sendable, Equatable {
    /// Bytes one action may allocate.
    public var memory: Double
    /// Operations one action may do (training, a comparison, a sweep): floating-point operations,
    /// with each step's and sequence's fixed costs counted as the operations that take as long.
    public var work: Double

    public init(memory: Double, work: Double) {
        self.memory = memory
        self.work = work
    }

    /// Half of this machine's memory, and 2·10¹³ operations (a few minutes to an hour on a laptop
    /// core: the course's lessons need at most about 10¹¹).
    public static var standard: LessonLimits {
        LessonLimits(memory: defaultMemory, work: 2e13)
    }

    /// Half of this machine's memory, or less when the process may use less: 80% of an address
    /// space limit (`ulimit -v`) or of the cgroup's `memory.max` (a container's limit).
    public static var defaultMemory: Double {
        var limit = Double(ProcessInfo.processInfo.physicalMemory) / 2
        var r = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &r) == 0, r.rlim_cur != rlim_t.max {
            limit = min(limit, Double(r.rlim_cur) * 0.8)
        }
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            limit = min(limit, bytes * 0.8)
        }
        return limit
    }

    /// `12G`, `512M`, `2e9` (bytes) as bytes; nil when not a size.
    public static func bytes(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3),
                                         ("T", 1_099_511_627_776), ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1024), ("B", 1)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count)), v.isFinite, v > 0 else { return nil }
            return v * scale
        }
        guard let v = Double(t), v.isFinite, v > 0 else { return nil }
        return v
    }
}

/// Estimates of what an action needs, from sizes alone (nothing is allocated to find out).
public enum Budget {
    /// Doubles recorded per unit per step for backpropagation (states, gates, gradients).
    static let recordPerUnit = 24.0

    /// Parameters, gradients, optimizer moments and a copy: six doubles per weight.
    static func modelBytes(_ model: some SequenceModel) -> Double { Double(model.parameterCount) * 8 * 6 }

    /// A recorded pass over `steps` steps.
    static func recordBytes(_ model: some SequenceModel, steps: Int) -> Double {
        if let ff = model as? FeedForward { return feedForwardRecordBytes(ff.spec, steps: steps) }
        guard let network = model as? Network else { return 0 }
        let spec = network.spec
        let units = spec.hiddenSizes.reduce(0, +) * (spec.bidirectional ? 2 : 1)
        let perStep = Double(units) * recordPerUnit + Double(spec.inputSize + 2 * spec.outputSize)
        return Double(steps) * perStep * 8
    }

    /// Forward and backward through `steps` steps of `sequences` sequences: about six operations
    /// per weight per step, plus what each step and each sequence costs whatever the model's size,
    /// as operations that take as long. Measured on the release build (2 GHz-class core): a
    /// 2-unit RNN trains at about 1.1 µs per sequence of 2 steps and 0.075 µs per further step,
    /// where arithmetic runs at about 2·10¹⁰ operations a second; so small models' runs are
    /// estimated by their count of steps and sequences, not by their few weights.
    static func passWork(_ network: Network, steps: Int, sequences: Int = 1) -> Double {
        (6 * Double(network.parameterCount) + stepOverhead) * Double(steps) + sequenceOverhead * Double(sequences)
    }

    /// One epoch of training on the data's training part: forward and backward through every
    /// sequence. A feed-forward model computes one output per scored step (each step for a loss
    /// over all steps, else one per sequence), each about six operations per dense weight, plus
    /// reading its window or averaging the sequence.
    static func trainingWork(_ model: some SequenceModel, data: Dataset) -> Double {
        let steps = totalSteps(data)
        if let network = model as? Network { return passWork(network, steps: steps, sequences: data.count) }
        guard let ff = model as? FeedForward else { return 0 }
        let spec = ff.spec, outputs = Double(data.loss.coversAllSteps ? steps : data.count)
        let dense = feedForwardWeights(spec) - Double(spec.vocabularySize ?? 0) * Double(spec.inputSize)
        let reading = spec.reader == .averagePooling ? 4 * Double(spec.inputSize) * Double(steps) : 4 * Double(spec.readWidth) * outputs
        return (6 * dense + stepOverhead) * outputs + reading + sequenceOverhead * Double(data.count)
    }

    /// A feed-forward model's weights, counted in doubles (no overflow for absurd sizes).
    static func feedForwardWeights(_ spec: FeedForwardSpec) -> Double {
        var total = Double(spec.vocabularySize ?? 0) * Double(spec.inputSize)
        var below = Double(spec.readWidth)
        for h in spec.hiddenSizes.map(Double.init) + [Double(spec.outputSize)] {
            total += h * below + h
            below = h
        }
        return total
    }

    /// A feed-forward pass over `steps` steps, scoring every step (the most it records): x_t and
    /// dL/dx_t, and per output its window, each layer's pre-activation and activation, y and dL/dy.
    static func feedForwardRecordBytes(_ spec: FeedForwardSpec, steps: Int) -> Double {
        let perOutput = Double(spec.readWidth) * 2 + Double(spec.hiddenSizes.reduce(0, +)) * 3 + Double(spec.outputSize) * 2
        return Double(steps) * (perOutput + 2 * Double(spec.inputSize)) * 8
    }

    /// Operations that take as long as one step's and one sequence's fixed costs.
    static let stepOverhead = 1_500.0
    static let sequenceOverhead = 20_000.0

    /// Every step of every sequence of the dataset's training part.
    static func totalSteps(_ data: Dataset) -> Int {
        (0..<data.count).reduce(0) { $0 + data.steps(of: $1) }
    }

    /// The longest sequence of the training part.
    static func longest(_ data: Dataset) -> Int {
        (0..<data.count).reduce(0) { max($0, data.steps(of: $1)) }
    }

    public static func describe(bytes: Double) -> String {
        if bytes >= 1e9 { return NumberFormat.short(bytes / 1_073_741_824) + " GiB" }
        if bytes >= 1e6 { return NumberFormat.short(bytes / 1_048_576) + " MiB" }
        return NumberFormat.short(bytes / 1024) + " KiB"
    }
}

extension LessonState {
    /// Refuses an action that needs more memory than the limit.
    func checkMemory(_ bytes: Double, _ what: String, at field: Field) throws(LessonError) {
        guard bytes > limits.memory else { return }
        throw field.error("\(what) needs about \(Budget.describe(bytes: bytes)) of memory, over the limit of \(Budget.describe(bytes: limits.memory)) (half of this machine's memory unless --max-memory says otherwise): make it smaller, or raise the limit with rnnlab run --max-memory \(Int((bytes * 1.25 / 1_073_741_824).rounded(.up)))G")
    }

    /// Refuses an action that would take more work than the limit.
    func checkWork(_ operations: Double, _ what: String, at field: Field) throws(LessonError) {
        guard operations > limits.work else { return }
        throw field.error("\(what) is about \(NumberFormat.short(operations)) operations, over the limit of \(NumberFormat.short(limits.work)): use fewer epochs, sequences, steps or units, or raise the limit with rnnlab run --max-work \(NumberFormat.short(operations * 1.5))")
    }
}
