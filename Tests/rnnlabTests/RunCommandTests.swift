import Foundation
import Testing

/// `rnnlab run`, `list` and `new` as a user runs them.
@Suite("rnnlab run")
struct RunCommandTests {
    static let good = """
        ---
        title: Small
        language: en
        seed: 5
        summary: A small lesson.
        ---
        Some prose with **bold** and a table:

        | a | b |
        | - | - |
        | 1 | 2 |

        ```rnnlab
        data: {name: d, task: last_value, count: 32, length: 6, input_size: 3}
        model: {name: m, cell: gru, input_size: 3, hidden_size: 6, output_size: 1}
        train: {epochs: 4, batch_size: 8, learning_rate: 0.01}
        step: {index: 2}
        show: [summary, loss_curve, gradient_norms, unrolled, heatmap, step_through]
        ```
        """

    func files(_ lessons: [String: String]) throws -> URL {
        let dir = try CLI.scratch()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lessons"), withIntermediateDirectories: true)
        for (name, text) in lessons { try Data(text.utf8).write(to: dir.appendingPathComponent("lessons/\(name)")) }
        return dir
    }

    /// Every file under a folder, path → bytes.
    func tree(_ url: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: url.path)!
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let full = url.appendingPathComponent(p)
            if FileManager.default.fileExists(atPath: full.path, isDirectory: &isDir), !isDir.boolValue {
                out[p] = try Data(contentsOf: full)
            }
        }
        return out
    }

    @Test func runsLessonsIntoReportsAndAnIndex() throws {
        let dir = try files(["01-small.md": Self.good, "01-small.ko.md": Self.good.replacingOccurrences(of: "language: en", with: "language: ko")])
        let r = try CLI.run(["run", "lessons", "-o", "out", "-q"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try tree(dir.appendingPathComponent("out"))
        for f in ["index.html", "01-small/index.html", "01-small/report.md", "01-small/fig-01.svg", "01-small.ko/index.html",
                  "01-small/table-01.csv", "01-small/fig-01.csv", "01-small/fig-02.csv", "01-small/fig-03.json", "01-small/fig-04.csv"] {
            #expect(out[f] != nil, "missing \(f)")
        }
        // The data behind the figures: the loss curve's CSV has one row per epoch, the unrolled
        // graph's JSON is the step's trace, the heatmap's CSV one row per step and a column per unit.
        let loss = String(decoding: out["01-small/fig-01.csv"] ?? Data(), as: UTF8.self).split(separator: "\r\n")
        #expect(loss.count == 1 + 4 && loss[0] == "series,epoch,loss")
        let trace = try JSONSerialization.jsonObject(with: out["01-small/fig-03.json"] ?? Data()) as? [String: Any]
        #expect(trace?["format"] as? String == "rnnlab.trace.v1" && trace?["steps"] as? Int == 6)
        let heat = String(decoding: out["01-small/fig-04.csv"] ?? Data(), as: UTF8.self).split(separator: "\r\n")
        #expect(heat.count == 1 + 6 && heat[0].split(separator: ",").count == 1 + 6)
        let index = String(decoding: out["index.html"] ?? Data(), as: UTF8.self)
        #expect(index.contains("01-small/index.html") && index.contains("01-small.ko/index.html") && index.contains("A small lesson."))
        let html = String(decoding: out["01-small/index.html"] ?? Data(), as: UTF8.self)
        #expect(html.contains("<table>") && html.contains("<strong>bold</strong>") && html.contains("<svg"))
        #expect(!html.contains("/tmp/") && !html.contains(dir.path), "no absolute paths in reports")
        let md = String(decoding: out["01-small/report.md"] ?? Data(), as: UTF8.self)
        #expect(md.contains("| gru (GRU) |") && md.contains("![") && md.contains("fig-01.svg"))
    }

    @Test func twoRunsGiveIdenticalBytes() throws {
        let dir = try files(["a.md": Self.good])
        _ = try CLI.run(["run", "lessons", "-o", "one", "-q"], in: dir)
        _ = try CLI.run(["run", "lessons", "-o", "two", "-q"], in: dir)
        var one = try tree(dir.appendingPathComponent("one")), two = try tree(dir.appendingPathComponent("two"))
        // Wall-clock times live in timings.json (and timings.js, which shows them on the page):
        // the one thing allowed to differ. Every other byte, values.json included, is the same.
        for timing in ["a/timings.json", "a/timings.js"] {
            #expect(one.removeValue(forKey: timing) != nil && two.removeValue(forKey: timing) != nil, "\(timing) is written")
        }
        #expect(one["a/values.json"] != nil)
        #expect(!one.isEmpty && one == two)
    }

    @Test func anErrorInCellThreeKeepsCellsOneAndTwo() throws {
        let lesson = """
            ---
            title: Broken
            ---
            ```rnnlab
            data: {name: d, task: sum, count: 8, length: 4}
            ```

            ```rnnlab
            model: {name: m, cell: lstm, input_size: 1, hidden_size: 3, output_size: 1}
            show: summary
            ```

            ```rnnlab
            train: {epochs: 2, optimiser: adam}
            ```

            ```rnnlab
            show: shapes
            ```
            """
        let dir = try files(["broken.md": lesson, "fine.md": Self.good])
        let r = try CLI.run(["run", "lessons", "-o", "out", "-q"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.trimmingCharacters(in: .newlines) == "lessons/broken.md:14: train.optimiser: is not a known option here (known: model, data, optimizer, learning_rate, momentum, epochs, batch_size, clip_norm, clip_value, truncation, shuffle)")
        let md = try String(contentsOf: dir.appendingPathComponent("out/broken/report.md"), encoding: .utf8)
        #expect(md.contains("task: sum") && md.contains("| lstm (LSTM) |"))
        #expect(md.contains("> **Error** `lessons/broken.md:14:"))
        #expect(!md.contains("show: shapes"), "cells after the error do not run")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/fine/index.html").path), "other lessons still run")
        let index = try String(contentsOf: dir.appendingPathComponent("out/index.html"), encoding: .utf8)
        #expect(index.contains("stopped with an error"))
    }

    @Test func aFailingClaimFailsTheRunAtItsLineWithTheReportKept() throws {
        let lesson = """
            ---
            title: Claims
            ---
            The model has {{ m.parameters | int }} parameters.

            ```rnnlab
            data: {name: d, task: sum, count: 16, length: 4, test: 8}
            model: {name: m, cell: rnn, input_size: 1, hidden_size: 2, output_size: 1}
            evaluate: {model: m}
            ```

            ```rnnlab
            expect:
              - m.parameters == 11
              - m.test.loss < 0
            ```

            ```rnnlab
            show: shapes
            ```
            """
        let dir = try files(["claims.md": lesson])
        let r = try CLI.run(["run", "lessons/claims.md", "-o", "out", "-q"], in: dir)
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("lessons/claims.md:15: expected m.test.loss < 0, measured m.test.loss = "), "\(r.stderr)")
        let md = try String(contentsOf: dir.appendingPathComponent("out/claims/report.md"), encoding: .utf8)
        #expect(md.contains("The model has 11 parameters."))
        #expect(md.contains("| m.parameters == 11 | m.parameters = 11 | ✓ |") && md.contains("| ✗ |"))
        #expect(md.contains("> **Error** `lessons/claims.md:15: expected m.test.loss < 0"))
        #expect(!md.contains("show: shapes"), "the report ends with the failing cell")
        let values = try String(contentsOf: dir.appendingPathComponent("out/claims/values.json"), encoding: .utf8)
        #expect(values.contains("\"m.test.loss\": "))
    }

    @Test func largeRecordingStaysUnderTwoMegabytes() throws {
        let lesson = """
            ---
            title: Big
            ---
            ```rnnlab
            data: {name: d, task: sum, count: 1, length: 1000, mean: true}
            model: {name: m, cell: lstm, input_size: 1, hidden_size: 128, output_size: 1}
            step: {}
            show: [gradient_norms, jacobian_norms, heatmap, {what: heatmap, of: c}, unrolled, gradient_graph, step_through]
            ```
            """
        let dir = try files(["big.md": lesson])
        let r = try CLI.run(["run", "lessons/big.md", "-o", "out", "-q"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("out/big/index.html").path)[.size] as? Int ?? 0
        #expect(size > 10_000 && size < 2_000_000, "index.html is \(size) bytes")
    }

    @Test func listAndNew() throws {
        let dir = try files(["01-small.md": Self.good])
        let new = try CLI.run(["new", "02-mine", "--lang", "ko"], in: dir)
        #expect(new.status == 0)
        let again = try CLI.run(["new", "02-mine"], in: dir)
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        let list = try CLI.run(["list"], in: dir)
        let text = String(decoding: list.stdout, as: UTF8.self)
        #expect(text.contains("lessons/01-small.md\ten\tSmall") && text.contains("lessons/02-mine.md\tko\t새 레슨"))
        let run = try CLI.run(["run", "lessons/02-mine.md", "-o", "out", "-q"], in: dir)
        #expect(run.status == 0, "the template runs as it is: \(run.stderr)")
    }
}
