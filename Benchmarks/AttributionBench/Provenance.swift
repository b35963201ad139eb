import Glibc

/// Where the figures come from: build configuration, machine, load.
enum Provenance {
    static var build: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    static var kernel: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Writes `text` and a newline to stderr (progress and errors).
    static func printError(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = write(2, bytes, bytes.count)
    }

    static var cpus: Int { sysconf(Int32(_SC_NPROCESSORS_ONLN)) }

    /// The first three fields of /proc/loadavg.
    static var load: String {
        let fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "?" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return "?" }
        return String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ").prefix(3).joined(separator: " ")
    }
}
