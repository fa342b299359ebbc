import Foundation
import Reports
import RNNCore

/// A model defined in a lesson, with its parameters and training history: a recurrent
/// `Network`, or a `FeedForward` model (`kind: feedforward`), which only the actions that read a
/// model's outputs take (train, evaluate, compare and show: summary, parameters, predictions,
/// loss_curve, neighbours).
struct LessonModel<M: SequenceModel> {
    var name: String
    var network: M
    var parameters: [Double]
    var history: [EpochSummary] = []
    var outcome: TrainingOutcome?
    /// The data the model was last trained or stepped on, for defaults.
    var dataName: String?
}

/// What the cells of one lesson share, as notebook cells do.
final class LessonState {
    let file: String
    let seed: UInt64
    let language: String
    var models: [String: LessonModel<Network>] = [:]
    /// Feed-forward models: kept apart from `models`, which every recurrent action reads.
    var feedForwards: [String: LessonModel<FeedForward>] = [:]
    var datasets: [String: Dataset] = [:]
    /// The last recorded step per model.
    var steps: [String: Trace] = [:]
    var sweeps: [String: SweepResult] = [:]
    /// Encoder–decoders, their digit-string data and their last recorded pair: kept apart from
    /// `models` and `datasets` because no single-network action can read them.
    var seq2seqs: [String: LessonSeq2Seq] = [:]
    var seq2seqData: [String: Seq2SeqData] = [:]
    var seq2seqSteps: [String: Seq2SeqTrace] = [:]
    var lastModel: String?
    var lastData: String?
    var lastSweep: String?
    var figureCount = 0
    /// Every named value of the run (prose, `expect` and values.json read these).
    let values = ValueStore()
    /// Wall-clock seconds per timed action (`timings.json`; kept out of the report so that the
    /// report's bytes are the same on every run).
    var timings: [(String, Double)] = []
    /// What one action may take (memory, work); larger actions are refused before they start.
    var limits = LessonLimits.standard
    /// Folders (real paths) besides the lesson's own that its files may come from (`--allow-read`).
    var allowRead: [String] = []
    /// Where `show: step_through` leaves its trace when the run is for `rnnlab step`.
    var stepThroughs: StepThroughCollector?

    init(file: String, seed: UInt64, language: String) {
        self.file = file
        self.seed = seed
        self.language = language
    }

    /// A seed for a named use, derived from the lesson's seed (FNV-1a of the name).
    func seed(for name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return seed ^ h
    }

    func timingsJSON() -> String {
        "{\n" + timings.map { "  \(Escape.json($0.0)): \(String(format: "%.3f", $0.1))" }.joined(separator: ",\n") + "\n}\n"
    }

    func nextFigureId() -> String {
        figureCount += 1
        return "fig-" + (figureCount < 10 ? "0" : "") + String(figureCount)
    }

    func model(_ field: Field?, options: Options) throws(LessonError) -> LessonModel<Network> {
        let name = try field?.string() ?? lastModel
        guard let name else { throw options.error("no model defined yet (add a cell with model: before this one)") }
        if feedForwards[name] != nil {
            throw (field ?? options.field).error("\(name) is a feed-forward model (kind: feedforward), with no recurrence to step through; this takes a recurrent network (a feed-forward model takes train, evaluate, compare and show: \(Shows.feedForwardKinds.joined(separator: ", ")))")
        }
        if seq2seqs[name] != nil {
            throw (field ?? options.field).error("\(name) is an encoder–decoder; this takes a single network (an encoder–decoder takes train, evaluate, sample, step and show: loss_curve, unrolled, gradient_norms, jacobian_norms)")
        }
        guard let m = models[name] else {
            throw (field ?? options.field).error("no model named \(name) (defined: \(models.keys.sorted().joined(separator: ", ")))")
        }
        return m
    }

    /// The feed-forward model `field` names (or the last model defined), or nil when that is
    /// not a feed-forward model.
    func feedForward(_ field: Field?) throws(LessonError) -> LessonModel<FeedForward>? {
        guard let name = try field?.string() ?? lastModel else { return nil }
        return feedForwards[name]
    }

    /// The data `field` names, or else the data `model` was last trained or stepped on.
    func dataset<M>(_ field: Field?, options: Options, for model: LessonModel<M>) throws(LessonError) -> Dataset {
        try dataset(field, options: options, defaultName: model.dataName)
    }

    func dataset(_ field: Field?, options: Options, defaultName: String? = nil) throws(LessonError) -> Dataset {
        let name = try field?.string() ?? defaultName ?? lastData
        guard let name else { throw options.error("no data defined yet (add a cell with data: before this one)") }
        if let s = seq2seqData[name] {
            throw (field ?? options.field).error("\(name) is encoder–decoder data (task \(s.task)): only a model of kind encoder_decoder reads it")
        }
        guard let d = datasets[name] else {
            throw (field ?? options.field).error("no data named \(name) (defined: \(datasets.keys.sorted().joined(separator: ", ")))")
        }
        return d
    }
}

/// One sweep's results: for every value of the swept parameter, ‖∂h_T/∂h_t‖ and ‖dL/dh_t‖.
struct SweepResult {
    var parameter: String
    var values: [Double]
    var jacobianNorms: [[Double]]
    var gradientNorms: [[Double]]
    /// With `train:`, each value's training history and how it ended.
    var histories: [[EpochSummary]] = []
    var outcomes: [TrainingOutcome] = []
    /// The swept model's cell (an LSTM's Jacobian is of (h, c), not of h alone).
    var cell: CellKind?
    /// Each value's recorded step, for `show: what_if`; kept only for a sweep of at most
    /// `WhatIf.maximumValues` values and `WhatIf.maximumSteps` recorded steps in all.
    var traces: [Trace] = []
    /// The symbols of the swept data (token models), for the step-throughs.
    var symbols: [String] = []
}

/// A duration in seconds.
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// A step-through a lesson shows: its trace, the line of its `show`, the lesson's language.
public struct ShownStepThrough: Sendable {
    public let line: Int
    public let trace: Trace
    public let language: String
    /// For a token model: the symbol of each token id (empty otherwise).
    public let symbols: [String]
    /// Which half of an encoder–decoder this is ("encoder", "decoder"), nil for a network.
    public var role: String? = nil
}

final class StepThroughCollector: @unchecked Sendable {
    var shown: [ShownStepThrough] = []
}
