#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PinholeCore

/// Reads the files of a `ListSource` and parses them (`PinholeCore.ListParser`).
public struct ListLoader: Sendable {
    /// Extra names hosts lists may map to this machine (its hostname);
    /// entries for them are skipped like `localhost`.
    public var localNames: Set<String>

    public init(localNames: Set<String> = ListLoader.machineNames()) {
        self.localNames = localNames
    }

    /// Loads one list: every file of it parsed, with its statistics. A
    /// file's header (`ListHeader`) may set the category (when `source` has
    /// none) and what its bare names mean.
    public func load(_ source: ListSource) throws(ListLoadError) -> PolicyList {
        let names = ListParser.standardLocalNames.union(localNames)
        var files: [ParsedList] = []
        var category = source.category
        for path in try Self.files(of: source) {
            let bytes = try Self.contents(of: path, list: source.name)
            let header = ListHeader.parse(Array(bytes.prefix(8192)))
            if category == nil { category = header.category }
            let parser = ListParser(format: source.format, plainLines: header.plainLines ?? source.plainLines, localNames: names)
            files.append(parser.parse(bytes, file: path))
        }
        return PolicyList(name: source.name, category: category, files: files)
    }

    /// The source's path when it is a file, else the regular, non-hidden
    /// files in the directory, sorted (so line numbers and order are stable).
    static func files(of source: ListSource) throws(ListLoadError) -> [String] {
        var info = stat()
        guard stat(source.path, &info) == 0 else {
            throw ListLoadError(list: source.name, path: source.path, code: errno, operation: "stat")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return [source.path] }
        guard let directory = opendir(source.path) else {
            throw ListLoadError(list: source.name, path: source.path, code: errno, operation: "open directory")
        }
        defer { closedir(directory) }
        var paths: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let path = source.path.hasSuffix("/") ? source.path + name : source.path + "/" + name
            var fileInfo = stat()
            if stat(path, &fileInfo) == 0, fileInfo.st_mode & S_IFMT == S_IFREG { paths.append(path) }
        }
        return paths.sorted()
    }

    /// The whole file, read with one buffer sized from fstat (grown if the file grows).
    static func contents(of path: String, list: String) throws(ListLoadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ListLoadError(list: list, path: path, code: errno, operation: "open") }
        defer { close(fd) }
        var info = stat()
        var capacity = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) + 1 : 65_536
        var bytes = [UInt8](repeating: 0, count: capacity)
        var used = 0
        while true {
            if used == capacity {
                capacity *= 2
                bytes.append(contentsOf: repeatElement(0, count: capacity - used))
            }
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, capacity - used) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ListLoadError(list: list, path: path, code: errno, operation: "read")
            }
            if count == 0 { break }
            used += count
        }
        bytes.removeLast(bytes.count - used)
        return bytes
    }

    /// This machine's hostname (and its first label), as hosts files may name it.
    public static func machineNames() -> Set<String> {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return [] }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !name.isEmpty else { return [] }
        return [name, String(name.prefix(while: { $0 != "." }))]
    }
}
