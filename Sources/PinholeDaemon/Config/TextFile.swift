#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small text files (config, resolv.conf, /proc entries) without
/// trusting st_size, which is 0 for /proc files.
enum TextFile {
    /// Why a file could not be read: the errno and its text.
    struct ReadError: Error {
        var code: Int32
        var isMissing: Bool { code == ENOENT }
        var reason: String { String(cString: strerror(code)) }
    }

    /// The file's contents as UTF-8 (invalid bytes replaced).
    static func contents(of path: String) throws(ReadError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(code: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(code: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
