import Glibc

/// A failure of the benchmark's own setup (not of a measured call); the text
/// says what failed and where.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    /// "`what`: errno N (text)".
    static func errno(_ what: String, _ code: Int32) -> BenchError {
        BenchError("\(what): errno \(code) (\(String(cString: strerror(code))))")
    }
}
