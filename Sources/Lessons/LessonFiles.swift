import Foundation

/// The one way a lesson reads a file it names (`data: file:`, `model: weights:`).
///
/// A lesson is something a student downloads and runs, so a lesson may read only regular files
/// inside its own folder: no absolute paths, no `..`, no symbolic link that leads out of the
/// folder, no devices or pipes, nothing over 64 MiB. Both sides are resolved with `realpath`
/// before they are compared, so a link inside the folder to a file inside the folder is fine.
public enum LessonFiles {
    /// The largest file a lesson may read: big enough for any course data, small enough that a
    /// mistaken path cannot fill memory.
    static let maximumBytes = 64 << 20

    /// What every refusal says, so the fix is in the message.
    static let rule = "paths are relative to the lesson and stay inside its folder"

    /// Why a file could not be read, as a sentence that goes after the field's name.
    struct Problem: Error, Sendable {
        var message: String
    }

    /// The bytes of `path`, a path relative to `lessonDirectory`.
    static func read(_ path: String, lessonDirectory: URL, allowed: [String] = []) throws(Problem) -> [UInt8] {
        let resolved = try resolve(path, lessonDirectory: lessonDirectory, allowed: allowed)
        // O_NONBLOCK: a pipe swapped in after the check must not hang the open; O_NOFOLLOW: a
        // link swapped in after realpath must not be followed.
        let fd = open(resolved, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw Problem(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Check the file that is open, not the name: nothing can change between check and read.
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw Problem(message: "\(path) is not a regular file (a lesson reads only files)")
        }
        guard info.st_size <= maximumBytes else { throw tooLarge(path, bytes: Int(info.st_size)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Problem(message: "cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            bytes += chunk[0..<n]
            // The file may have grown since fstat.
            if bytes.count > maximumBytes { throw tooLarge(path, bytes: bytes.count) }
        }
        return bytes
    }

    /// The contents of `path` as UTF-8 text.
    static func readText(_ path: String, lessonDirectory: URL, allowed: [String] = []) throws(Problem) -> String {
        let bytes = try read(path, lessonDirectory: lessonDirectory, allowed: allowed)
        do throws(TextDecoding.Problem) { return try TextDecoding.utf8([UInt8](bytes)) } catch {
            throw Problem(message: "\(path) \(error.message) (line \(error.line))")
        }
    }

    /// The real path of `path`, checked to lie inside the lesson's real folder or, when the
    /// user ran with `--allow-read DIR`, inside one of those folders (`allowed`, real paths).
    static func resolve(_ path: String, lessonDirectory: URL, allowed: [String] = []) throws(Problem) -> String {
        let rule = allowed.isEmpty ? Self.rule : Self.rule + ", or inside a folder given with --allow-read"
        guard !path.isEmpty else { throw Problem(message: "is empty (\(rule))") }
        guard !path.contains("\0") else { throw Problem(message: "contains a NUL character (\(rule))") }
        let hint = allowed.isEmpty ? "; to let lessons read it, run with --allow-read FOLDER" : ""
        guard let base = realPath(lessonDirectory.path) else {
            throw Problem(message: "cannot resolve the lesson's folder")
        }
        let outside = path.hasPrefix("/") || path.split(separator: "/").contains("..")
        if outside && allowed.isEmpty {
            throw Problem(message: path.hasPrefix("/") ? "\(path) is an absolute path (\(rule)\(hint))" : "\(path) goes up with .. (\(rule)\(hint))")
        }
        guard let target = realPath(path.hasPrefix("/") ? path : base + "/" + path) else {
            throw Problem(message: "cannot find \(path) (\(rule))")
        }
        func inside(_ root: String) -> Bool { target.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        if !outside && inside(base) { return target }
        if allowed.contains(where: inside) { return target }
        throw Problem(message: outside ? "\(path) is outside the lesson's folder and every --allow-read folder (\(rule))"
                                       : "\(path) leads outside the lesson's folder through a symbolic link (\(rule)\(hint))")
    }

    /// A folder given with `--allow-read`, as its real path; nil when it is not a folder.
    public static func allowedFolder(_ path: String) -> String? {
        guard let real = realPath(path) else { return nil }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return real
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    private static func tooLarge(_ path: String, bytes: Int) -> Problem {
        Problem(message: "\(path) is \(bytes >> 20) MiB or more; a lesson file can be at most \(maximumBytes >> 20) MiB")
    }
}

extension Field {
    /// The file this field names, read through `LessonFiles`; a refusal is reported at this field.
    func lessonFileText(in lessonDirectory: URL, allowed: [String] = []) throws(LessonError) -> (path: String, text: String) {
        let path = try string()
        do {
            return (path, try LessonFiles.readText(path, lessonDirectory: lessonDirectory, allowed: allowed))
        } catch {
            throw self.error(error.message)
        }
    }

    /// The bytes of the file this field names, read through `LessonFiles`.
    func lessonFileBytes(in lessonDirectory: URL, allowed: [String] = []) throws(LessonError) -> (path: String, bytes: [UInt8]) {
        let path = try string()
        do {
            return (path, try LessonFiles.read(path, lessonDirectory: lessonDirectory, allowed: allowed))
        } catch {
            throw self.error(error.message)
        }
    }
}
