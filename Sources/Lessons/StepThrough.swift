import RNNCore
import RNNGraph
import Reports

/// `show: step_through`: the recorded step, one time step at a time.
enum StepThrough {
    static func output(_ trace: Trace, state: LessonState, o: Options) throws(LessonError) -> Output {
        let r = trace.record.layers[0][0]
        let ko = state.language == "ko"
        let rows = Shows.stepsShown(r.steps).map { t -> [String] in
            guard t > 0 else { return ["…", "", "", ""] }
            return [String(t), NumberFormat.short(euclideanNorm(r.hidden(at: t))), NumberFormat.short(euclideanNorm(r.dhAt(t))),
                    NumberFormat.short(trace.jacobianNorms[0][0][t])]
        }
        let table = Table(caption: ko ? "시점별 기록" : "The record, step by step",
                          headers: ["t", "‖h_t‖", "‖dL/dh_t‖", "‖∂h_T/∂h_t‖"], rows: rows, numeric: [0, 1, 2, 3])
        return .widget(html: HTMLWidget.table(table), markdown: MarkdownWidget.table(table))
    }
}

/// Helpers to embed report pieces inside a widget.
enum HTMLWidget {
    static func table(_ t: Table) -> String { HTMLWriterBridge.table(t) }
}

enum MarkdownWidget {
    static func table(_ t: Table) -> String { MarkdownWriterBridge.table(t) }
}
