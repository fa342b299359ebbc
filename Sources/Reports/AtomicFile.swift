import CFileSystem
import Foundation

/// Writes a file so that readers see either the old contents or the complete new ones, never a
/// half-written file: the bytes go to a temporary file beside the target, created exclusively
/// (`O_CREAT | O_EXCL | O_NOFOLLOW`, so a file or link planted under that name is never
/// written through), then renamed over the target (which replaces a link, never follows it).
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    var temporary = ""
    var fd: Int32 = -1
    for attempt in 0..<64 {
        temporary = directory.appendingPathComponent(TemporaryName.make(for: url.lastPathComponent, attempt: attempt)).path
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let ok = writeAll(bytes, to: fd)
    let code = errno
    close(fd)
    guard ok else {
        unlink(temporary)
        throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
    }
    if rename(temporary, url.path) != 0 {
        let code = errno
        unlink(temporary)
        throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
    }
}

/// Names of temporary files and folders: `.NAME.PID.K.tmp`, hidden, beside their target; a
/// run that was killed leaves them behind, and the next run in that folder removes those of
/// processes that no longer exist (`TemporaryName.removeStale`).
public enum TemporaryName {
    public static func make(for name: String, attempt: Int = 0) -> String {
        ".\(name).\(getpid()).\(attempt).tmp"
    }

    /// The process id in a temporary name, if it is one.
    static func pid(of name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, Int(parts[parts.count - 1]) != nil, let pid = pid_t(parts[parts.count - 2]) else { return nil }
        return pid
    }

    /// Removes the temporary files and folders in `directory` (not below it) whose process is
    /// gone; never follows a link (a link is removed itself).
    public static func removeStale(in directory: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
            guard let pid = pid(of: name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            removeTree(directory.appendingPathComponent(name).path)
        }
    }
}

/// Removes a file, a link (not what it points to) or a folder and everything in it, without
/// following links.
public func removeTree(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    if (info.st_mode & S_IFMT) == S_IFDIR {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            removeTree(path + "/" + name)
        }
        rmdir(path)
    } else {
        unlink(path)
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
