import Foundation
import RNNCore
import Reports
import Yams

/// The actions a cell can hold, executed in the order written: define a model or data, train,
/// step, sweep, sample, show.
enum Actions {
    static let names = ["model", "data", "train", "step", "sweep", "sample", "show"]

    static func run(_ name: String, _ field: Field, state: LessonState, lessonDirectory: URL,
                    progress: ProgressReporter) throws(LessonError) -> [Output] {
        switch name {
        case "model": return try defineModel(field, state: state, lessonDirectory: lessonDirectory)
        case "data": return try defineData(field, state: state, lessonDirectory: lessonDirectory)
        case "train": return try train(field, state: state, progress: progress)
        case "step": return try step(field, state: state)
        case "sweep": return try sweep(field, state: state)
        case "sample": return try sample(field, state: state)
        default: return try Shows.show(field, state: state)
        }
    }

    /// The `seed:` option, if given.
    static func seedOption(_ o: Options) throws(LessonError) -> UInt64? {
        guard let f = o["seed"] else { return nil }
        return UInt64(try f.int(min: 0))
    }
}
