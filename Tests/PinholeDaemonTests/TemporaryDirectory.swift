#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp, removed with its files by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/pinhole-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: errno \(errno)")
        path = String(cString: made!)
    }

    /// Writes `text` to `name` inside the directory and returns the full path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = "\(path)/\(name)"
        let stream = fopen(file, "w")
        precondition(stream != nil, "cannot create \(file)")
        fputs(text, stream)
        fclose(stream)
        return file
    }

    func remove() {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlink("\(path)/\(name)") }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}
