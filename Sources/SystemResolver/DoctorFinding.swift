/// One result of `pinhole doctor`: what was checked, what was found, and
/// the fix when it is not right.
public struct DoctorFinding: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case ok, warning, failed, skipped
    }

    public var check: String
    public var status: Status
    public var detail: String
    public var fix: String?

    public init(_ check: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    /// "ok      resolv.conf: …" and an indented "fix: …" line.
    public var text: String {
        let mark: String
        switch status {
        case .ok: mark = "ok  "
        case .warning: mark = "WARN"
        case .failed: mark = "FAIL"
        case .skipped: mark = "skip"
        }
        var out = "\(mark) \(check): \(detail)\n"
        if let fix { out += "     fix: \(fix)\n" }
        return out
    }
}
