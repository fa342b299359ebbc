import Foundation

/// Prints a report to `handout.pdf` with headless Chromium (A4, from the page's print
/// stylesheet: no controls, step-throughs as small multiples).
enum Handout {
    static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

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

    /// Prints `folder/index.html` to `folder/handout.pdf` (written to a temporary name, then renamed).
    static func print(folder: URL, browser: String) throws {
        let page = folder.appendingPathComponent("index.html").standardizedFileURL
        let target = folder.appendingPathComponent("handout.pdf")
        let temporary = folder.appendingPathComponent(".handout.\(getpid()).pdf")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        var args = ["--headless=new", "--disable-gpu", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
                    "--virtual-time-budget=3000", "--print-to-pdf=\(temporary.path)", page.absoluteString]
        if getuid() == 0 { args.insert("--no-sandbox", at: 0) }  // Chromium refuses to run as root otherwise
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            throw HandoutError("Chromium did not finish printing within 2 minutes")
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: temporary.path) else {
            try? FileManager.default.removeItem(at: temporary)
            throw HandoutError("Chromium could not print the page (exit \(process.terminationStatus))")
        }
        guard rename(temporary.path, target.path) == 0 else { throw HandoutError("cannot write \(target.path)") }
    }
}

struct HandoutError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
