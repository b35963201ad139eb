import Glibc

/// Small, errno-safe reads of procfs and cgroupfs files.
enum ProcFile {
    /// The whole file at `path` (procfs files report size 0, so read until EOF).
    static func read(_ path: String, limit: Int = 1 << 20) throws(ProcessReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ProcessReadError(path: path, errno: errno) }
        defer { close(fd) }
        return try readAll(fd, path: path, limit: limit)
    }

    /// The whole file `name` in the directory open at `directory`.
    static func read(at directory: Int32, _ name: String, path: String, limit: Int = 1 << 24) throws(ProcessReadError) -> [UInt8] {
        let fd = openat(directory, name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ProcessReadError(path: path, errno: errno) }
        defer { close(fd) }
        return try readAll(fd, path: path, limit: limit)
    }

    /// Everything readable from `fd`, at most `limit` bytes.
    static func readAll(_ fd: Int32, path: String, limit: Int) throws(ProcessReadError) -> [UInt8] {
        var result: [UInt8] = []
        // Read straight into the array's spare capacity: procfs files are
        // small, and one read plus the one that says EOF is the usual case.
        var capacity = min(4096, limit)
        while result.count < limit {
            result.reserveCapacity(capacity)
            let start = result.count
            let want = min(capacity - start, limit - start)
            guard want > 0 else { capacity *= 2; continue }
            var code: Int32 = 0
            let got = withUnsafeTemporaryAllocation(byteCount: want, alignment: 1) { buffer -> Int in
                let count = Glibc.read(fd, buffer.baseAddress!, want)
                if count > 0 { result.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
                if count < 0 { code = errno }
                return count
            }
            if got < 0 {
                if code == EINTR { continue }
                throw ProcessReadError(path: path, errno: code)
            }
            if got == 0 { break }
            if result.count == capacity { capacity *= 2 }
        }
        return result
    }

    /// stat(2) of `path` (following links).
    static func status(_ path: String) throws(ProcessReadError) -> stat {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ProcessReadError(path: path, errno: errno) }
        return info
    }

    /// The target of the symbolic link at `path`.
    static func readLink(_ path: String) throws(ProcessReadError) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        guard count >= 0 else { throw ProcessReadError(path: path, errno: errno) }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// The inode of "socket:[INODE]", nil for any other link text.
    static func socketInode(ofLinkText text: some BidirectionalCollection<UInt8>) -> UInt64? {
        let prefix = "socket:[".utf8
        guard text.starts(with: prefix), text.last == UInt8(ascii: "]") else { return nil }
        return UInt64(decimal: text.dropFirst(prefix.count).dropLast())
    }

    /// The socket inode fd `fd` names, read through `directory` (an open
    /// /proc/PID/fd): no path walk, and once the process has exited the
    /// directory reads nothing, whatever process gets its pid later.
    /// nil when the link cannot be read (fd closed, process gone); `.some(nil)`
    /// when it names something other than a socket.
    static func socketInode(at directory: Int32, fd: Int32) -> UInt64?? {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let count = String(fd).withCString { name in
            withUnsafeMutableBytes(of: &buffer) { readlinkat(directory, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        }
        guard count >= 0 else { return nil }
        return .some(withUnsafeBytes(of: &buffer) { socketInode(ofLinkText: $0[..<count]) })
    }

    /// The socket inode the link at `path` names; nil when it names something
    /// else; throws when the link is gone.
    static func socketInode(atLink path: String) throws(ProcessReadError) -> UInt64? {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))  // 32 bytes: "socket:[" + 20 digits + "]"
        let count = withUnsafeMutableBytes(of: &buffer) { readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        guard count >= 0 else { throw ProcessReadError(path: path, errno: errno) }
        return withUnsafeBytes(of: &buffer) { socketInode(ofLinkText: $0[..<count]) }
    }
}
