import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A listing of a directory tree that differs when any byte, symlink
/// target, permission bit or owner differs: path → description.
enum TreeSnapshot {
    static func take(_ root: String, under tops: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for top in tops { walk(root, top, into: &result) }
        return result
    }

    static func walk(_ root: String, _ path: String, into result: inout [String: String]) {
        var info = stat()
        guard lstat(root + path, &info) == 0 else { return }
        let owner = "mode \(String(info.st_mode & 0o7777, radix: 8)) owner \(info.st_uid):\(info.st_gid)"
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: root + path)) ?? "?"
            result[path] = "symlink -> \(target)"
        case S_IFDIR:
            result[path] = "dir \(owner)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root + path)) ?? [] {
                walk(root, path + "/" + name, into: &result)
            }
        default:
            let bytes = FileManager.default.contents(atPath: root + path) ?? Data()
            result[path] = "file \(owner) \(bytes.count) bytes: \(String(decoding: bytes, as: UTF8.self))"
        }
    }

    /// The entries that differ, for a readable failure.
    static func difference(_ before: [String: String], _ after: [String: String]) -> [String] {
        Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key] ? nil : "\(key): \(before[key] ?? "absent") ≠ \(after[key] ?? "absent")"
        }
    }
}
