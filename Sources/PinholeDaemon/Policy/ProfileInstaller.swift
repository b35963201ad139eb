#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a profile into the profiles directory atomically: a temporary
/// file in the same directory, fsync, then `link` (which fails when the
/// profile exists: never a half-written or silently replaced profile) or,
/// with `overwrite`, `rename`; then fsync of the directory. A replaced
/// profile's permission bits, owner and group carry over to the new file.
/// Used by `pinhole suggest --write` and by pinholed's policy edits (control socket).
public enum ProfileInstaller {
    /// What went wrong, on which path.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Installs `text` as `directory/name.toml`; returns the path. With
    /// `overwrite` an existing profile is replaced and its permission bits,
    /// owner and group (as root) kept; a new one is 0644.
    @discardableResult
    public static func install(_ text: String, name: String, directory: String, overwrite: Bool) throws(Failure) -> String {
        let target = directory.hasSuffix("/") ? directory + name + ".toml" : "\(directory)/\(name).toml"
        if !overwrite, access(target, F_OK) == 0 {
            throw Failure(path: target, message: "a profile with this name exists; pass --force to replace it, or --name for another name")
        }
        var info = stat()
        let replaced = overwrite && stat(target, &info) == 0
        // Profiles are read by pinholed; 0644 like the shipped ones.
        let permissions = replaced ? info.st_mode & 0o7777 : 0o644
        return try writeAndMove(
            text, to: target, directory: directory, name: name, overwrite: overwrite, permissions: permissions,
            owner: replaced ? (info.st_uid, info.st_gid) : nil)
    }

    /// Writes the temporary file with `permissions` and, when given, `owner`, and moves it to `target`.
    private static func writeAndMove(
        _ text: String, to target: String, directory: String, name: String, overwrite: Bool, permissions: mode_t,
        owner: (uid: uid_t, gid: gid_t)?
    ) throws(Failure) -> String {
        var template = Array("\(directory)/.\(name).toml.XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Failure(path: directory, message: "cannot create a temporary file: \(errorText())") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = errorText()
                close(fd)
                throw Failure(path: temporary, message: "write failed: \(reason)")
            }
            written += count
        }
        // The replaced file's owner, before the mode: a chown may clear set-id bits.
        // Only root may give a file away; anyone else (`pinhole suggest --write
        // --force` as a profile's group member) gets EPERM and the file becomes
        // theirs, as with any editor's save, so that is not an error.
        if let owner, fchown(fd, owner.uid, owner.gid) != 0, errno != EPERM {
            let reason = errorText()
            close(fd)
            throw Failure(path: temporary, message: "cannot give it the owner \(owner.uid):\(owner.gid) of \(target): \(reason)")
        }
        fchmod(fd, permissions)
        if fsync(fd) != 0 {
            let reason = errorText()
            close(fd)
            throw Failure(path: temporary, message: "fsync failed: \(reason)")
        }
        close(fd)
        if overwrite {
            guard rename(temporary, target) == 0 else { throw Failure(path: target, message: "rename failed: \(errorText())") }
        } else {
            guard link(temporary, target) == 0 else {
                let exists = errno == EEXIST
                throw Failure(path: target, message: exists
                    ? "a profile with this name exists; pass --force to replace it, or --name for another name"
                    : "link failed: \(errorText())")
            }
            unlink(temporary)
        }
        done = true
        syncDirectory(directory)
        return target
    }

    /// Replaces the file at `path` (a `.toml` in its directory) with `text`,
    /// atomically, keeping the file's permission bits and (as root) its owner and group.
    public static func replace(_ text: String, at path: String) throws(Failure) {
        let (directory, name) = split(path)
        try install(text, name: name, directory: directory, overwrite: true)
    }

    /// Removes the profile at `path` (one the caller created) and syncs the directory.
    public static func remove(at path: String) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw Failure(path: path, message: "cannot remove: \(errorText())") }
        syncDirectory(split(path).directory)
    }

    /// ("/etc/pinhole/apps.d", "firefox") for "/etc/pinhole/apps.d/firefox.toml".
    private static func split(_ path: String) -> (directory: String, name: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let file = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return (directory.isEmpty ? "/" : directory, file.hasSuffix(".toml") ? String(file.dropLast(5)) : file)
    }

    private static func syncDirectory(_ directory: String) {
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
