import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// File operations on the target system's paths, under `root` ("" for the
/// real system, a fixture directory in tests): snapshots, atomic writes
/// (temp file + fsync + rename), symlinks, exact restores.
public struct SystemFiles: Sendable {
    /// Prefix of every path; "" is the real system.
    public var root: String

    public init(root: String = "") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// `path` on this machine.
    public func hostPath(_ path: String) -> String { root + path }

    /// What `path` is now; its bytes for regular files.
    public func snapshot(_ path: String) throws(SystemResolverError) -> (state: FileState, bytes: Data?) {
        let host = hostPath(path)
        var info = stat()
        guard lstat(host, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return (.absent, nil) }
            throw SystemResolverError("cannot inspect \(host): \(Self.reason(code))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            return (FileState(kind: .symlink, target: try readLink(host)), nil)
        case S_IFREG:
            guard let bytes = FileManager.default.contents(atPath: host) else {
                throw SystemResolverError("cannot read \(host) to back it up")
            }
            let state = FileState(kind: .regular, mode: UInt32(info.st_mode & 0o7777), uid: info.st_uid, gid: info.st_gid, size: bytes.count)
            return (state, bytes)
        default:
            throw SystemResolverError("\(host) is neither a regular file nor a symlink; pinhole will not replace it")
        }
    }

    /// The text of `path`, following symlinks inside `root`; nil when it cannot be read.
    public func readText(_ path: String) -> String? {
        var current = path
        for _ in 0..<16 {
            let host = hostPath(current)
            if let target = try? readLink(host) {
                current = target.hasPrefix("/") ? target : Self.directory(of: current) + "/" + target
                continue
            }
            return FileManager.default.contents(atPath: host).map { String(decoding: $0, as: UTF8.self) }
        }
        return nil
    }

    /// True when `path` exists (a symlink counts, even dangling).
    public func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(hostPath(path), &info) == 0
    }

    /// The permission bits of `path` (following symlinks), if it exists.
    public func mode(_ path: String) -> UInt32? {
        var info = stat()
        return stat(hostPath(path), &info) == 0 ? UInt32(info.st_mode & 0o7777) : nil
    }

    /// The names in directory `path`, sorted; empty when missing.
    public func list(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: hostPath(path))) ?? []).sorted()
    }

    /// Creates the missing directories above `path` (0755) and returns
    /// them, outermost first.
    public func makeParents(of path: String) throws(SystemResolverError) -> [String] {
        var missing: [String] = []
        var directory = Self.directory(of: path)
        while !directory.isEmpty && !exists(directory) {
            missing.insert(directory, at: 0)
            directory = Self.directory(of: directory)
        }
        for created in missing where mkdir(hostPath(created), 0o755) != 0 && errno != EEXIST {
            throw SystemResolverError("cannot create the directory \(hostPath(created)): \(Self.reason(errno))")
        }
        return missing
    }

    /// Replaces `path` (a file or a symlink) with a regular file holding
    /// `bytes`, atomically; owner set when given (else the writer's).
    public func write(_ path: String, bytes: Data, mode: UInt32, uid: UInt32? = nil, gid: UInt32? = nil) throws(SystemResolverError) {
        let host = hostPath(path)
        let temporary = host + ".pinhole-tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SystemResolverError("cannot write \(host): \(Self.reason(errno)) (creating \(temporary))") }
        var failure: Int32?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == nil, let uid, let gid, fchown(fd, uid, gid) != 0 { failure = errno }
        if failure == nil, fchmod(fd, mode_t(mode)) != 0 { failure = errno }
        if failure == nil, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == nil, rename(temporary, host) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw SystemResolverError("cannot write \(host): \(Self.reason(failure))")
        }
        syncDirectory(of: host)
    }

    /// Replaces `path` with a symlink to `target`, atomically.
    public func symlink(_ path: String, to target: String) throws(SystemResolverError) {
        let host = hostPath(path)
        let temporary = host + ".pinhole-tmp"
        unlink(temporary)
        guard Glibc.symlink(target, temporary) == 0 else {
            throw SystemResolverError("cannot create the symlink \(host) -> \(target): \(Self.reason(errno))")
        }
        guard rename(temporary, host) == 0 else {
            let code = errno
            unlink(temporary)
            throw SystemResolverError("cannot create the symlink \(host) -> \(target): \(Self.reason(code))")
        }
        syncDirectory(of: host)
    }

    /// Removes `path` (a file or symlink); missing is fine.
    public func remove(_ path: String) throws(SystemResolverError) {
        let host = hostPath(path)
        guard unlink(host) == 0 || errno == ENOENT || errno == ENOTDIR else { throw SystemResolverError("cannot remove \(host): \(Self.reason(errno))") }
    }

    /// Removes the directory `path` if it is empty; true when removed or gone.
    @discardableResult
    public func removeDirectoryIfEmpty(_ path: String) -> Bool {
        rmdir(hostPath(path)) == 0 || errno == ENOENT
    }

    /// Puts `path` back as `state` says (bytes for regular files).
    public func restore(_ path: String, to state: FileState, bytes: Data?) throws(SystemResolverError) {
        switch state.kind {
        case .absent:
            try remove(path)
        case .symlink:
            guard let target = state.target else { throw SystemResolverError("the backup of \(hostPath(path)) lacks its symlink target") }
            try symlink(path, to: target)
        case .regular:
            guard let bytes, bytes.count == state.size ?? bytes.count else {
                throw SystemResolverError("the backup of \(hostPath(path)) is missing or has the wrong size")
            }
            try write(path, bytes: bytes, mode: state.mode ?? 0o644, uid: state.uid, gid: state.gid)
        }
    }

    func readLink(_ host: String) throws(SystemResolverError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(host, &buffer, buffer.count - 1)
        guard count >= 0 else { throw SystemResolverError("cannot read the symlink \(host): \(Self.reason(errno))") }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// fsync of the directory, so a rename survives a crash.
    func syncDirectory(of host: String) {
        let fd = open(Self.directory(of: host).isEmpty ? "/" : Self.directory(of: host), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// "/etc" for "/etc/resolv.conf"; "" for "/x".
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
