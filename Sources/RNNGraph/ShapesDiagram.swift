/// The five shapes of sequence problems from the course (notes 01 and 02): one-to-one,
/// one-to-many, many-to-one, many-to-many with aligned steps, and encoder–decoder, each with an
/// example task as its caption.
public enum ShapesDiagram {
    struct Shape {
        var id: String
        var title: (en: String, ko: String)
        var task: (en: String, ko: String)
        var inputs: [Int]    // steps that read an input
        var outputs: [Int]   // steps that emit an output
        var steps: Int
        var encoderSteps: Int = 0
    }

    static let shapes: [Shape] = [
        Shape(id: "one_to_one", title: ("one-to-one", "일대일"), task: ("image classification", "이미지 분류"),
              inputs: [1], outputs: [1], steps: 1),
        Shape(id: "one_to_many", title: ("one-to-many", "일대다"), task: ("image captioning", "이미지 캡션 생성"),
              inputs: [1], outputs: [1, 2, 3], steps: 3),
        Shape(id: "many_to_one", title: ("many-to-one", "다대일"), task: ("sentiment of a review", "리뷰 감성 분석"),
              inputs: [1, 2, 3], outputs: [3], steps: 3),
        Shape(id: "many_to_many", title: ("many-to-many (aligned)", "다대다 (동기)"), task: ("tagging every word or frame", "단어·프레임별 태깅"),
              inputs: [1, 2, 3], outputs: [1, 2, 3], steps: 3),
        Shape(id: "encoder_decoder", title: ("encoder–decoder", "인코더–디코더"), task: ("machine translation", "기계 번역"),
              inputs: [1, 2, 3], outputs: [4, 5, 6], steps: 6, encoderSteps: 3),
    ]

    public static func dot(language: DiagramLanguage = .en) -> DOTGraph {
        var g = Style.graph("shapes", extra: [
            "label": language == .ko ? "시퀀스 문제의 다섯 가지 형태" : "The five shapes of sequence problems",
            "labelloc": "t", "ranksep": "0.3", "nodesep": "0.2"])
        for shape in shapes {
            let caption = language == .ko ? "\(shape.title.ko)\n예: \(shape.task.ko)" : "\(shape.title.en)\ne.g. \(shape.task.en)"
            var c = DOTGraph(name: "cluster_\(shape.id)", attributes: [
                "label": caption, "labelloc": "b", "style": "rounded", "color": "#bbbbbb", "id": shape.id])
            var cells: [String] = []
            for t in 1...shape.steps {
                let cell = "\(shape.id)_cell_\(t)"
                let isDecoder = shape.encoderSteps > 0 && t > shape.encoderSteps
                let (encoder, decoder) = language == .ko ? ("인코더", "디코더") : ("enc", "dec")
                c.node(cell, ["label": isDecoder ? decoder : (shape.encoderSteps > 0 ? encoder : "RNN"),
                              "fillcolor": isDecoder ? "#eef0fb" : "#ffffff", "width": "0.5"])
                cells.append(cell)
                if shape.inputs.contains(t) {
                    let x = "\(shape.id)_x_\(t)"
                    c.node(x, ["label": "x", "fillcolor": Style.input, "width": "0.4", "shape": "box"])
                    c.edge(x, cell)
                }
                if shape.outputs.contains(t) {
                    let y = "\(shape.id)_y_\(t)"
                    c.node(y, ["label": "y", "fillcolor": Style.output, "width": "0.4"])
                    c.edge(cell, y)
                }
            }
            for (a, b) in zip(cells, cells.dropFirst()) { c.edge(a, b, ["color": "#b26b00", "penwidth": "1.4"]) }
            if cells.count > 1 { c.sameRank(cells) }
            g.subgraph(c)
        }
        return g
    }
}
