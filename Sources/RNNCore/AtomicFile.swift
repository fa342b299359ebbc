import Foundation

/// Writes a file so that readers see either the old contents or the complete new ones, never a
/// half-written file: the bytes go to a temporary file beside the target, then a rename.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    do {
        try Data(bytes).write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            throw CocoaError(.fileWriteUnknown)
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
}
