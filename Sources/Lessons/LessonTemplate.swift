/// The lesson `rnnlab new` writes: short, complete, runnable as it is, and honest in the way
/// every lesson should be: held-out data, a baseline, numbers interpolated from the run and
/// claims checked by `expect`. The cells are the same in both languages; only the front
/// matter and the prose differ.
public enum LessonTemplate {
    static let cells = [
        """
        ```rnnlab
        data: {name: seq, task: last_value, count: 128, length: 7, input_size: 5, test: 128}
        model: {name: net, cell: lstm, input_size: 5, hidden_size: 15, output_size: 1}
        show: summary
        ```
        """,
        """
        ```rnnlab
        train: {model: net, data: seq, optimizer: adam, learning_rate: 0.01, epochs: 20, batch_size: 32}
        evaluate: {model: net, data: seq, tolerance: 0.1}
        show: [loss_curve, {what: predictions, model: net, count: 5, tolerance: 0.1}]
        expect:
          - net.train.final_loss < net.train.first_loss
          - net.test.loss < net.test.baseline.mean_loss
        ```
        """,
        """
        ```rnnlab
        step: {model: net, data: seq}
        show: [gradient_norms, unrolled]
        ```
        """,
    ]

    static let prose: [String: [String]] = [
        "en": [
            "Write the prose in Markdown. The `rnnlab` cells below run in order; the model has {{ net.parameters | int }} parameters.",
            "Training took the loss from {{ net.train.first_loss | sci:2 }} to {{ net.train.final_loss | sci:2 }}. On {{ net.test.count | int }} held-out sequences the model is within 0.1 of the target {{ net.test.accuracy | percent }} of the time, against {{ net.test.baseline.mean | percent }} for always answering the training mean: every number here comes from the run, and the `expect` lines fail the run if a claim stops being true.",
            "One sequence forward and backward: ‖dL/dh_1‖ = {{ net.step.dh_norm[1] | sci:2 }}.",
        ],
        "ko": [
            "설명을 마크다운으로 씁니다. 아래의 `rnnlab` 셀들은 순서대로 실행됩니다. 이 모델의 파라미터는 {{ net.parameters | int }}개입니다.",
            "학습으로 손실이 {{ net.train.first_loss | sci:2 }}에서 {{ net.train.final_loss | sci:2 }}까지 줄었습니다. 학습에 쓰지 않은 시퀀스 {{ net.test.count | int }}개 가운데 {{ net.test.accuracy | percent }}에서 오차가 0.1 안쪽이고, 항상 학습 데이터의 평균을 답하는 예측기는 {{ net.test.baseline.mean | percent }}입니다. 이 글의 숫자는 모두 실행 결과에서 오고, `expect` 줄은 주장이 틀려지면 실행을 실패시킵니다.",
            "시퀀스 하나의 순전파와 역전파: ‖dL/dh_1‖ = {{ net.step.dh_norm[1] | sci:2 }}.",
        ],
    ]

    public static func text(language: String) -> String {
        let ko = language == "ko"
        let body = zip(prose[ko ? "ko" : "en"]!, cells).map { "\($0)\n\n\($1)\n" }.joined(separator: "\n")
        return """
            ---
            title: \(ko ? "새 레슨" : "A new lesson")
            language: \(ko ? "ko" : "en")
            seed: 1
            summary: \(ko ? "한 줄 요약을 여기에 씁니다." : "One line for the lesson index.")
            show_code: true
            ---

            \(body)
            """
    }
}
