/// The lesson `rnnlab new` writes: short, complete, and runnable as it is. Only the front
/// matter and the prose differ between languages; the cells are the same.
public enum LessonTemplate {
    static let cells = """
        ```rnnlab
        data: {name: seq, task: last_value, count: 64, length: 7, input_size: 5}
        model: {name: net, cell: lstm, input_size: 5, hidden_size: 15, output_size: 1}
        show: summary
        ```

        ```rnnlab
        train: {model: net, data: seq, optimizer: adam, learning_rate: 0.01, epochs: 20, batch_size: 32}
        show: loss_curve
        ```

        ```rnnlab
        step: {model: net, data: seq}
        show: [gradient_norms, unrolled]
        ```

        """

    public static func text(language: String) -> String {
        let ko = language == "ko"
        return """
            ---
            title: \(ko ? "새 레슨" : "A new lesson")
            language: \(ko ? "ko" : "en")
            seed: 1
            summary: \(ko ? "한 줄 요약을 여기에 씁니다." : "One line for the lesson index.")
            show_code: true
            ---

            \(ko ? "설명을 마크다운으로 씁니다. 아래의 `rnnlab` 셀들은 순서대로 실행됩니다." : "Write the prose in Markdown. The `rnnlab` cells below run in order.")

            \(cells)
            """
    }
}
