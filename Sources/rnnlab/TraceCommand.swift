import ArgumentParser
import Foundation
import RNNCore
import Reports

extension RNNLab {
    /// `rnnlab trace`: the contract of shared/spec/trace-format.md.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one sequence through a model forward and backward, and print every recorded value as JSON.",
            discussion: """
                MODEL.json gives the cell (rnn, lstm, gru), its sizes and all its weights; \
                SEQUENCE.json gives the inputs x, optional initial states h0/c0, the loss \
                (mse_last, mse_all, xent_last, xent_all) and its targets. The output \
                (format rnnlab.trace.v1) holds, for every step, the gates, states and outputs; \
                dL/dh_t (and dL/dc_t) for t = 0…T; the Jacobian norms ‖∂h_T/∂h_t‖; and dL/dθ for \
                every weight. See the README for the file formats.

                Exit status: 0 on success, 1 for a bad input file (one line on standard error \
                naming the file and field; nothing is written), 64 for a usage error.
                """
        )

        @Argument(help: "The model: cell, sizes and weights (JSON).")
        var model: String

        @Argument(help: "The sequence: inputs, loss and targets (JSON).")
        var sequence: String

        @Option(name: .shortAndLong, help: "Write the trace to this file instead of standard output (replaced atomically; left untouched on error).")
        var output: String?

        func run() throws {
            let bytes: [UInt8]
            do {
                let modelBytes = try readInput(model)
                let parsedModel = try TraceFiles.model(modelBytes, name: model)
                let sequenceBytes = try readInput(sequence)
                let (sample, truncation) = try TraceFiles.sample(sequenceBytes, name: sequence, model: parsedModel)
                bytes = RNNCore.Trace(model: parsedModel, sample: sample, truncation: truncation).json()
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode.failure
            }
            if let output {
                do {
                    try writeAtomically(bytes, to: output)
                } catch {
                    FileHandle.standardError.write(Data("\(output): cannot write the trace (\(describe(error)))\n".utf8))
                    throw ExitCode.failure
                }
            } else {
                guard writeAll(bytes, to: STDOUT_FILENO) else {
                    FileHandle.standardError.write(Data("rnnlab: cannot write the trace to standard output\n".utf8))
                    throw ExitCode.failure
                }
            }
        }
    }
}

/// Reads a whole input file, turning every failure into a one-line `InputError`.
func readInput(_ path: String) throws(InputError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw InputError(file: path, message: "cannot read: no such file")
    }
    guard !isDirectory.boolValue else { throw InputError(file: path, message: "cannot read: is a directory") }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(file: path, message: "cannot read: permission denied or unreadable")
    }
    return [UInt8](data)
}

func describe(_ error: Error) -> String {
    if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
    if let cocoa = error as? CocoaError, let path = cocoa.filePath { return "\(cocoa.code.rawValue) at \(path)" }
    if let ours = error as? ReportFilesError { return ours.description }
    return (error as NSError).localizedDescription
}
