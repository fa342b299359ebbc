import Foundation

/// Progress of long cells on standard error: a bar on a terminal, plain lines otherwise.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let terminal: Bool
    private let prefix: String
    private var label = ""
    private var total = 0
    private var lastReported = -1

    init(file: String, enabled: Bool) {
        self.enabled = enabled
        terminal = isatty(STDERR_FILENO) == 1
        prefix = file
    }

    private var started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now

    func begin(_ label: String, total: Int) {
        self.label = label
        self.total = total
        lastReported = -1
        started = .now
        lastDrawn = started - .seconds(1)
    }

    /// "12.3/s, 40 s left" from the time since `begin` (only on a terminal: plain progress lines
    /// stay the same from run to run).
    private func rate(_ done: Int) -> String {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        guard done > 0, seconds > 0.05 else { return "" }
        let perSecond = Double(done) / seconds
        let left = Double(total - done) / perSecond
        let rateText = perSecond >= 100 ? String(format: "%.0f/s", perSecond) : String(format: "%.3g/s", perSecond)
        return " \(rateText), " + (done >= total ? "done in \(Self.duration(seconds))" : "\(Self.duration(left)) left")
    }

    static func duration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.0f s", max(s, 1)) }
        if s < 3600 { return String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60) }
        return String(format: "%d h %02d min", Int(s) / 3600, Int(s) % 3600 / 60)
    }

    func update(_ done: Int, detail: String) {
        guard enabled, total > 0 else { return }
        if terminal {
            // One line, redrawn at most ten times a second (and at the end).
            let now = ContinuousClock.now
            guard done >= total || now - lastDrawn >= .milliseconds(100) else { return }
            lastDrawn = now
            let width = 30, filled = min(done, total) * width / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(prefix): \(label) [\(bar)] \(done)/\(total)\(rate(done)) \(detail)".utf8))
        } else {
            // Plain lines, about ten per cell.
            let decile = done * 10 / total
            if decile != lastReported && (done == total || decile > lastReported) {
                lastReported = decile
                FileHandle.standardError.write(Data("\(prefix): \(label) \(done)/\(total) \(detail)\n".utf8))
            }
        }
    }

    func end() {
        if enabled && terminal && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
