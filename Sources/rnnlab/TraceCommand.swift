import ArgumentParser
import Foundation
import Lessons
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
                every weight. An encoder–decoder MODEL.json (with "encoder" and "decoder") takes \
                a SEQUENCE.json of "source" and "target" token ids (BOS and EOS implicit) and \
                records both halves. See the README for the file formats.

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

        @Option(name: .customLong("max-memory"), help: "Memory the trace may take, such as 8G (default: half of this machine's memory, or 80% of a ulimit -v or container limit); a larger trace is refused before it starts.")
        var maxMemory: String?

        func validate() throws {
            if let maxMemory, LessonLimits.bytes(maxMemory) == nil {
                throw ValidationError("--max-memory is a size such as 8G, 512M or 2e9 (bytes), not \(maxMemory)")
            }
        }

        /// Measured (a vanilla RNN of 4 units over 1,000,000 steps: 11 MB in, 434 MB at the peak,
        /// 206 MB of it reading): reading a sequence takes about 20 bytes of memory per byte of
        /// JSON, and a trace about 23 bytes per recorded value (the record, then its JSON); 30 is
        /// used, to stay on the safe side.
        static let readFactor = 20.0, bytesPerValue = 30.0

        /// Recorded values per step of a network: gates and states of every cell, x_t and y_t.
        static func valuesPerStep(_ spec: NetworkSpec) -> Double {
            let units = Double(spec.hiddenSizes.reduce(0, +) * (spec.bidirectional ? 2 : 1))
            let gates = Double(spec.cell == .rnn ? 0 : CellSpec(kind: spec.cell, inputSize: 1, hiddenSize: 1, gruVariant: spec.gruVariant).gateCount)
            return units * (gates + 4) + Double(spec.inputSize + 2 * spec.outputSize)
        }

        func run() throws {
            let bytes: [UInt8]
            let limit = maxMemory.flatMap(LessonLimits.bytes) ?? LessonLimits.defaultMemory
            func refuse(_ file: String, _ what: String, _ estimate: Double) throws(InputError) {
                guard estimate > limit else { return }
                throw InputError(file: file, message: "\(what) needs about \(Budget.describe(bytes: estimate)) of memory, over the limit of \(Budget.describe(bytes: limit)): trace a shorter sequence, or raise the limit with --max-memory \(Int((estimate * 1.25 / 1_073_741_824).rounded(.up)))G")
            }
            do {
                let modelBytes = try readInput(model)
                let parsedModel = try TraceFiles.anyModel(modelBytes, name: model)
                let size = (try? FileManager.default.attributesOfItem(atPath: sequence)[.size] as? NSNumber)?.doubleValue ?? 0
                try refuse(sequence, "reading this \(Budget.describe(bytes: size)) sequence", size * Self.readFactor)
                let sequenceBytes = try readInput(sequence)
                switch parsedModel {
                case .network(let parsedModel):
                    let (sample, truncation) = try TraceFiles.sample(sequenceBytes, name: sequence, model: parsedModel)
                    let spec = parsedModel.network.spec
                    let perStep = Self.valuesPerStep(spec)
                    try refuse(sequence, "a trace of \(NumberFormat.grouped(sample.steps)) steps", Double(sample.steps) * perStep * Self.bytesPerValue + size * 2)
                    bytes = RNNCore.Trace(model: parsedModel, sample: sample, truncation: truncation).json()
                case .encoderDecoder(let parsedModel):
                    let pair = try TraceFiles.pair(sequenceBytes, name: sequence, model: parsedModel)
                    let s2s = parsedModel.seq2seq
                    let values = Double(pair.source.count) * Self.valuesPerStep(s2s.encoder.spec)
                        + Double(pair.target.count + 1) * Self.valuesPerStep(s2s.decoder.spec)
                    try refuse(sequence, "a trace of \(NumberFormat.grouped(pair.source.count)) + \(NumberFormat.grouped(pair.target.count + 1)) steps", values * Self.bytesPerValue + size * 2)
                    bytes = Seq2SeqTrace(model: parsedModel, pair: pair).json()
                }
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
