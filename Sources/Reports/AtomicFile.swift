import Foundation

/// Writes a file so that readers see either the old contents or the complete new ones, never a
/// half-written file: the bytes go to a temporary file beside the target, then a rename.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    do {
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let ok = writeAll(bytes, to: fd)
        let code = errno
        close(fd)
        guard ok else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO) }
        if rename(temporary.path, url.path) != 0 {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
}

/// Writes every byte to a file descriptor straight from the buffer (a trace can be tens of
/// megabytes, so no intermediate copy); false on a write error.
public func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
    bytes.withUnsafeBytes { raw -> Bool in
        var written = 0
        while written < raw.count {
            let n = write(fd, raw.baseAddress! + written, raw.count - written)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            written += n
        }
        return true
    }
}
