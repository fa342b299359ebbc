import Foundation
import RNNCore
import Reports
import Yams

/// The actions a cell can hold, executed in the order written: define a model or data, train,
/// step, sweep, sample, show.
enum Actions {
    static let names = ["model", "data", "train", "evaluate", "compare", "step", "sweep", "sample", "show", "expect"]

    /// Runs one action; what it shows is appended to `outputs` (so a failing `expect` keeps the
    /// table of claims it checked).
    static func run(_ name: String, _ field: Field, state: LessonState, lessonDirectory: URL,
                    progress: ProgressReporter, outputs: inout [Output]) throws(LessonError) {
        switch name {
        // An encoder–decoder and its digit-string data have actions of their own (Seq2Seq*.swift).
        case "model" where isFeedForwardModel(field): outputs += try defineFeedForward(field, state: state, lessonDirectory: lessonDirectory)
        case "model" where isSeq2SeqModel(field): outputs += try defineSeq2SeqModel(field, state: state)
        case "model": outputs += try defineModel(field, state: state, lessonDirectory: lessonDirectory)
        case "data" where isSeq2SeqData(field): outputs += try defineSeq2SeqData(field, state: state)
        case "data": outputs += try defineData(field, state: state, lessonDirectory: lessonDirectory)
        case "train" where namesSeq2Seq(field, state: state): outputs += try trainSeq2Seq(field, state: state, progress: progress)
        case "train": outputs += try train(field, state: state, progress: progress)
        case "evaluate" where namesSeq2Seq(field, state: state): outputs += try evaluateSeq2Seq(field, state: state)
        case "evaluate": outputs += try evaluate(field, state: state)
        case "compare": outputs += try compare(field, state: state, progress: progress)
        case "step" where namesSeq2Seq(field, state: state): outputs += try stepSeq2Seq(field, state: state)
        case "step": outputs += try step(field, state: state)
        case "sweep": outputs += try sweep(field, state: state, progress: progress)
        case "sample" where namesSeq2Seq(field, state: state): outputs += try sampleSeq2Seq(field, state: state)
        case "sample": outputs += try sample(field, state: state)
        case "expect": try expect(field, state: state, outputs: &outputs)
        default: outputs += try Shows.show(field, state: state)
        }
    }

    /// The `seed:` option, if given.
    static func seedOption(_ o: Options) throws(LessonError) -> UInt64? {
        guard let f = o["seed"] else { return nil }
        return UInt64(try f.int(min: 0))
    }
}
