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

    func begin(_ label: String, total: Int) {
        self.label = label
        self.total = total
        lastReported = -1
    }

    func update(_ done: Int, detail: String) {
        guard enabled, total > 0 else { return }
        if terminal {
            let width = 30, filled = done * width / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(prefix): \(label) [\(bar)] \(done)/\(total) \(detail)   ".utf8))
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
