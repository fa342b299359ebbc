import Foundation

/// Runs the built `rnnlab` executable, as a user would.
struct CLI {
    static var executable: URL {
        // The test bundle sits beside the products in .build/<configuration>/.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("rnnlab").path) {
            dir = Bundle.main.bundleURL
        }
        return dir.appendingPathComponent("rnnlab")
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `rnnlab args…` in `directory`.
    static func run(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
        }
        if let directory { process.currentDirectoryURL = directory }
        // Standard error goes to a file and standard output to a pipe read to the end before
        // waiting, so a large trace cannot fill a pipe and stall the child.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let stderr = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh scratch directory.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
