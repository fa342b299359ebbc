import ArgumentParser
import CTerminal
import Foundation
import Lessons
import RNNCore
import Reports

extension RNNLab {
    /// `rnnlab step`: the step-through in a terminal.
    struct Step: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Step through a recorded sequence in the terminal, one time step at a time, forward then backward.",
            discussion: """
                rnnlab step MODEL.json SEQUENCE.json   (the files rnnlab trace reads)
                rnnlab step LESSON.md [--cell N]       (the lesson's N-th step-through; an encoder–decoder's
                                                        shows two: its encoder, then its decoder)

                Keys: → ← one step right/left, n p next/previous step of the pass, Home End, \
                f b forward/backward pass (same step), u U next/previous unit, space play/pause, \
                q quit, ? help. When standard output is not a terminal, or with --plain, every \
                step of both passes is printed as plain text instead. NO_COLOR turns colour off.

                Exit status: 0 on success, 1 for a bad input file or lesson, 64 for a usage error.
                """
        )

        @Argument(help: "MODEL.json and SEQUENCE.json, or one LESSON.md.")
        var files: [String]

        @Option(help: "With a lesson: which of its step-throughs (1 is the first).")
        var cell: Int?

        @Option(help: "The unit to start on (1 is the first).")
        var unit: Int?

        @Flag(help: "Print every step as plain text, no escape codes (the default when standard output is not a terminal).")
        var plain = false

        @Option(help: "Columns of the plain text (default 80).")
        var width: Int?

        @Option(help: "Language of the labels for model files: en or ko (a lesson uses its own).")
        var language: String?

        func validate() throws {
            guard files.count == 1 || files.count == 2 else {
                throw ValidationError("give MODEL.json SEQUENCE.json, or one LESSON.md")
            }
            var isFolder: ObjCBool = false
            if files.count == 1, FileManager.default.fileExists(atPath: files[0], isDirectory: &isFolder), isFolder.boolValue {
                throw ValidationError("\(files[0]) is a folder: give one lesson in it (rnnlab step \(files[0])/LESSON.md)")
            }
            if files.count == 1, !files[0].hasSuffix(".md") {
                throw ValidationError("\(files[0]): one file is a lesson (LESSON.md); a model needs its sequence too (MODEL.json SEQUENCE.json)")
            }
            if files.count == 2, cell != nil { throw ValidationError("--cell is for a lesson: rnnlab step LESSON.md --cell N") }
            if let cell, cell < 1 { throw ValidationError("--cell counts from 1, not \(cell)") }
            if let unit, unit < 1 { throw ValidationError("--unit counts from 1, not \(unit)") }
            if let width, !(40...1000).contains(width) { throw ValidationError("--width is from 40 to 1000 columns, not \(width)") }
            if let language, !["en", "ko"].contains(language) { throw ValidationError("--language is en or ko, not \(language)") }
        }

        func run() throws {
            let (trace, lang, symbols, role) = try load()
            var view = TerminalStepView(trace: trace, language: lang, symbols: symbols)
            view.role = role
            if let unit, unit > view.units {
                FileHandle.standardError.write(Data("rnnlab step: --unit \(unit): the cell has \(view.units) unit\(view.units == 1 ? "" : "s")\n".utf8))
                throw ExitCode.validationFailure
            }
            let startUnit = (unit ?? 1) - 1
            // A terminal that cannot place the cursor (TERM=dumb) gets the plain text too.
            let dumb = ProcessInfo.processInfo.environment["TERM"] == "dumb"
            if plain || dumb || isatty(STDOUT_FILENO) != 1 || isatty(STDIN_FILENO) != 1 {
                var text = view.plain(width: width ?? 80, unit: startUnit)
                if !text.hasSuffix("\n") { text += "\n" }
                guard writeAll(Array(text.utf8), to: STDOUT_FILENO) else { throw ExitCode.failure }
                return
            }
            interactive(view, unit: startUnit)
        }

        /// The trace to show, and the language of its labels.
        private func load() throws -> (RNNCore.Trace, String, [String], String?) {
            if files.count == 2 {
                do throws(InputError) {
                    let model = try TraceFiles.model(try readInput(files[0]), name: files[0])
                    let (sample, truncation) = try TraceFiles.sample(try readInput(files[1]), name: files[1], model: model)
                    guard sample.steps <= Self.maximumSteps else {
                        throw InputError(file: files[1], message: "a step-through of \(sample.steps) steps is more than the \(Self.maximumSteps) rnnlab step shows: step through a shorter sequence")
                    }
                    return (RNNCore.Trace(model: model, sample: sample, truncation: truncation), language ?? "en", [], nil)
                } catch {
                    fail(error.description)
                }
            }
            let file = files[0]
            let runner = LessonRunner(showProgress: isatty(STDERR_FILENO) == 1)
            let parsed: Lesson
            do throws(LessonError) { parsed = try LessonRunner.read(file: file) } catch { fail(error.description) }
            // Known before running: which cells show a step-through (a lesson without one is
            // told so at once, not after its training).
            let shows = parsed.blocks.reduce(0) { count, block in
                if case .cell(let source, _) = block { return count + source.components(separatedBy: "step_through").count - 1 }
                return count
            }
            if shows == 0 { fail("\(file): shows no step-through (add `show: step_through` after a `step`)") }
            let (report, shown) = runner.runShowingStepThroughs(lesson: parsed)
            let n = cell ?? 1
            guard shown.count >= n else {
                if let error = report.error { fail(error) }
                if shown.isEmpty { fail("\(file): shows no step-through (add `show: step_through` after a `step`)") }
                FileHandle.standardError.write(Data("rnnlab step: \(file) shows \(shown.count) step-through\(shown.count == 1 ? "" : "s"); --cell \(n) is not one of them\n".utf8))
                throw ExitCode.validationFailure
            }
            return (shown[n - 1].trace, shown[n - 1].language, shown[n - 1].symbols, shown[n - 1].role)
        }

        /// As long a sequence as the page's step-through shows.
        static let maximumSteps = 10_000

        private func interactive(_ view: TerminalStepView, unit: Int) {
            guard rnnlab_term_enter() == 0 else { fail("rnnlab step: cannot use this terminal (try --plain)") }
            defer { rnnlab_term_leave() }
            let env = ProcessInfo.processInfo.environment
            let color = (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
            var position = view.start(.forward, unit: unit)
            var playing = false, help = false
            func draw() {
                var rows: Int32 = 24, cols: Int32 = 80
                if rnnlab_term_size(&rows, &cols) != 0 { rows = 24; cols = 80 }
                let lines = view.frame(position, width: Int(cols), height: Int(rows), color: color, playing: playing, help: help)
                var screen = "\u{1B}[H"
                for (k, line) in lines.enumerated() { screen += line + "\u{1B}[K" + (k + 1 < lines.count ? "\r\n" : "") }
                screen += "\u{1B}[J"
                let bytes = Array(screen.utf8)
                _ = bytes.withUnsafeBufferPointer { p in
                    p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { rnnlab_term_write($0, Int32(bytes.count)) }
                }
            }
            draw()
            var buffer = [UInt8](repeating: 0, count: 64)
            var pending: [UInt8] = []
            while true {
                let n = buffer.withUnsafeMutableBufferPointer { rnnlab_term_read($0.baseAddress, 64, playing ? 500 : 250) }
                if n < 0 { return }
                var changed = rnnlab_term_take_resize() == 1
                if n == 0 {
                    if playing {
                        // Forward, then on into the backward pass, to its end.
                        let next = view.stepping(position, by: 1)
                        if next == position { playing = false } else { position = next }
                        changed = true
                    }
                    if changed { draw() }
                    continue
                }
                pending += buffer[0..<Int(n)]
                while let (key, used) = Key.parse(pending) {
                    pending.removeFirst(used)
                    if help {
                        help = false
                        if key == .quit { return }
                        changed = true
                        continue
                    }
                    switch key {
                    case .quit: return
                    case .right: position = view.moving(position, by: 1)
                    case .left: position = view.moving(position, by: -1)
                    case .next: position = view.stepping(position, by: 1)
                    case .previous: position = view.stepping(position, by: -1)
                    case .home: position = view.start(position.pass, unit: position.unit)
                    case .end: position = view.end(position.pass, unit: position.unit)
                    case .forward: position = view.switching(position, to: .forward)
                    case .backward: position = view.switching(position, to: .backward)
                    case .nextUnit: position.unit = (position.unit + 1) % view.units
                    case .previousUnit: position.unit = (position.unit + view.units - 1) % view.units
                    case .play:
                        // At the very end, play starts again from the beginning.
                        if !playing && position == view.end(.backward, unit: position.unit) { position = view.start(.forward, unit: position.unit) }
                        playing.toggle()
                    case .help: help = true
                    case .other: break
                    }
                    changed = true
                }
                if changed { draw() }
            }
        }
    }
}

/// A key of `rnnlab step`, from the bytes a terminal sends.
enum Key: Equatable {
    case quit, right, left, next, previous, home, end, forward, backward, nextUnit, previousUnit, play, help, other

    /// The first key in `bytes` and how many bytes it took; nil when an escape sequence is cut off.
    static func parse(_ bytes: [UInt8]) -> (Key, Int)? {
        guard let first = bytes.first else { return nil }
        if first == 0x1B {
            guard bytes.count >= 2 else { return (.other, 1) }  // a lone Escape
            guard bytes[1] == UInt8(ascii: "[") || bytes[1] == UInt8(ascii: "O") else { return (.other, 1) }
            // CSI: parameters, then a final byte from @ to ~.
            var k = 2
            while k < bytes.count, !(0x40...0x7E).contains(bytes[k]) { k += 1 }
            guard k < bytes.count else { return bytes.count > 8 ? (.other, bytes.count) : nil }
            let body = String(decoding: bytes[2..<k], as: UTF8.self), final = Character(UnicodeScalar(bytes[k]))
            let key: Key
            switch (body, final) {
            case ("", "C"): key = .right
            case ("", "D"): key = .left
            case ("", "A"): key = .previousUnit
            case ("", "B"): key = .nextUnit
            case ("", "H"), ("1", "~"), ("7", "~"): key = .home
            case ("", "F"), ("4", "~"), ("8", "~"): key = .end
            default: key = .other
            }
            return (key, k + 1)
        }
        let key: Key
        switch first {
        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: key = .quit
        case UInt8(ascii: "n"): key = .next
        case UInt8(ascii: "p"): key = .previous
        case UInt8(ascii: "f"): key = .forward
        case UInt8(ascii: "b"): key = .backward
        case UInt8(ascii: "u"): key = .nextUnit
        case UInt8(ascii: "U"): key = .previousUnit
        case UInt8(ascii: " "): key = .play
        case UInt8(ascii: "?"): key = .help
        default: key = .other
        }
        return (key, 1)
    }
}
