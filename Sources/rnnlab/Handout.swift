import Foundation
import Reports

/// Prints a report to `handout.pdf` with headless Chromium, from the page's print stylesheet
/// (no controls, step-throughs as tables of chosen steps, a footer with the lesson's title, the
/// rnnlab version, the seed and page numbers on every page).
enum Handout {
    static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The paper sizes `--paper` accepts: Chromium prints at the page's CSS `@page { size }`.
    enum Paper: String, CaseIterable, Sendable {
        case a4, letter

        /// The CSS page size.
        var css: String { self == .a4 ? "A4" : "letter" }
    }

    /// The first Chromium on PATH.
    static func browser() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in candidates {
            for dir in path.split(separator: ":") {
                let full = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: full) { return full }
            }
        }
        return nil
    }

    static let installHint = "handouts are printed by headless Chromium, which was not found: install it (Debian: sudo apt-get install chromium) and run again"

    /// The students' handout (no solutions) or the instructor's (solutions and answer key).
    enum Version: Sendable {
        case students, instructor

        var file: String { self == .students ? "handout.pdf" : "handout-instructor.pdf" }
    }

    /// Prints `folder/index.html` to `folder/handout.pdf` (or `handout-instructor.pdf`), written
    /// to a temporary name, then renamed. The page's stylesheet asks for A4 and leaves out the
    /// solutions; for other paper or the instructor's version a copy of the page that asks for
    /// it is printed instead (beside the page, so `timings.js` still loads) and removed.
    static func print(folder: URL, browser: String, paper: Paper = .a4, version: Version = .students,
                      report: Report? = nil) throws {
        let index = folder.appendingPathComponent("index.html")
        let target = folder.appendingPathComponent(version.file)
        let temporary = folder.appendingPathComponent(".handout.\(getpid()).pdf")
        var page = index
        if paper != .a4 || version == .instructor {
            page = folder.appendingPathComponent(".handout.\(getpid()).html")
            guard var html = try? String(contentsOf: index, encoding: .utf8), let head = html.range(of: "</head>") else {
                throw HandoutError("cannot read \(index.path)")
            }
            if paper != .a4 {
                html.insert(contentsOf: "<style>@media print { @page { size: \(paper.css); } }</style>\n", at: head.lowerBound)
            }
            if version == .instructor, let report { html = HTMLWriter.instructorCopy(of: html, report: report) }
            do { try Data(html.utf8).write(to: page) } catch { throw HandoutError("cannot write \(page.path)") }
        }
        defer { if page != index { try? FileManager.default.removeItem(at: page) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        // --no-pdf-header-footer drops Chromium's own header and footer (the date and the file
        // URL); the page's footer comes from its stylesheet.
        var args = ["--headless=new", "--disable-gpu", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
                    "--virtual-time-budget=3000", "--print-to-pdf=\(temporary.path)", page.standardizedFileURL.absoluteString]
        if getuid() == 0 { args.insert("--no-sandbox", at: 0) }  // Chromium refuses to run as root otherwise
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: temporary)
            throw HandoutError("Chromium did not finish printing within 2 minutes")
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: temporary.path) else {
            try? FileManager.default.removeItem(at: temporary)
            throw HandoutError("Chromium could not print the page (exit \(process.terminationStatus))")
        }
        normalize(at: temporary)
        guard rename(temporary.path, target.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw HandoutError("cannot write \(target.path)")
        }
    }

    /// Makes the PDF the same bytes each time the same report is printed: blanks the creation
    /// and modification dates Chromium writes into the information dictionary, and renumbers
    /// the tagged-PDF structure ids (`(node00000638)`, Chromium's DOM node numbers, which shift
    /// from run to run) 1, 2, 3… in their original order, so the id tree stays sorted. Every
    /// change keeps its length (a date entry becomes spaces, which a dictionary allows between
    /// entries), so every byte offset in the file stays right.
    static func normalize(at url: URL) {
        guard var bytes = try? [UInt8](Data(contentsOf: url)) else { return }
        let space = UInt8(ascii: " ")
        for key in ["/CreationDate", "/ModDate"] {
            let pattern = Array((key + " (D:").utf8)
            var k = 0
            while let start = find(pattern, in: bytes, from: k) {
                guard let close = bytes[(start + pattern.count)...].prefix(40).firstIndex(of: UInt8(ascii: ")")) else { break }
                for j in start...close { bytes[j] = space }
                k = close + 1
            }
        }
        // "(node" + 8 digits + ")"
        let open = Array("(node".utf8), digits = 8
        var positions: [Int] = [], values = Set<Int>()
        var k = 0
        while let start = find(open, in: bytes, from: k) {
            k = start + open.count
            let first = start + open.count, end = first + digits
            guard end < bytes.count, bytes[end] == UInt8(ascii: ")"),
                  bytes[first..<end].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { continue }
            positions.append(first)
            values.insert(bytes[first..<end].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) })
        }
        let renumbered = Dictionary(uniqueKeysWithValues: values.sorted().enumerated().map { ($1, $0 + 1) })
        for first in positions {
            let old = bytes[first..<(first + digits)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            let new = Array(String(format: "%08d", renumbered[old]!).utf8)
            bytes.replaceSubrange(first..<(first + digits), with: new)
        }
        try? Data(bytes).write(to: url)
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard pattern.count <= bytes.count else { return nil }
        var k = from
        while k + pattern.count <= bytes.count {
            if bytes[k] == pattern[0] && bytes[k..<(k + pattern.count)].elementsEqual(pattern) { return k }
            k += 1
        }
        return nil
    }
}

struct HandoutError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
