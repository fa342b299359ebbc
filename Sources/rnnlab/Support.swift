import RNNCore

/// Re-exported core file writing for the commands.
enum RNNCoreWrite {
    static func atomically(_ bytes: [UInt8], to path: String) throws { try writeAtomically(bytes, to: path) }
}
