import Glibc

/// Where `make install` put pinhole's shared files, found from the running
/// executable: `<prefix>/bin/pinholed` → `<prefix>/share/pinhole/…`, so
/// PREFIX=/usr/local and PREFIX=/usr both work without editing the config.
enum InstallLayout {
    /// The lists folder used when `policy.lists_dir` is not set: the one
    /// beside the installed binaries when it exists, else
    /// /usr/share/pinhole/blocklists (a distribution package's place).
    static let listsDirectory: String = {
        let fallback = "/usr/share/pinhole/blocklists"
        guard let prefix = executablePrefix() else { return fallback }
        let installed = prefix + "/share/pinhole/blocklists"
        return access(installed, F_OK) == 0 ? installed : fallback
    }()

    /// "<prefix>" when this executable runs as "<prefix>/bin/<name>".
    private static func executablePrefix() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 2] == "bin" else { return nil }
        return parts.dropLast(2).joined(separator: "/")
    }
}
