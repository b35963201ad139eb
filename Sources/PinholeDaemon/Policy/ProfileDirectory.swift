#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The profile (or list) files of a directory: regular files with one of
/// the given extensions, not hidden, sorted by name (so errors and ties
/// come out in a stable order).
enum ProfileDirectory {
    struct ListError: Error {
        var code: Int32
        var isMissing: Bool { code == ENOENT }
        var reason: String { String(cString: strerror(code)) }
    }

    /// Full paths of the profile files in `directory`.
    static func files(in directory: String, suffixes: [String] = [".toml"]) throws(ListError) -> [String] {
        guard let dir = opendir(directory) else { throw ListError(code: errno) }
        defer { closedir(dir) }
        var paths: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            guard let suffix = suffixes.first(where: name.hasSuffix), !name.hasPrefix("."), name.count > suffix.count else { continue }
            let path = directory.hasSuffix("/") ? directory + name : "\(directory)/\(name)"
            var info = stat()
            // stat, not the dirent type: a symlink to a profile counts.
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            paths.append(path)
        }
        return paths.sorted()
    }
}
