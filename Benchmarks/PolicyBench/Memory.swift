import Glibc

/// Resident memory of this process, from /proc/self/status.
enum Memory {
    /// VmRSS (now) and VmHWM (peak) in bytes.
    static func status() -> (resident: Int, peak: Int) {
        guard let file = fopen("/proc/self/status", "r") else { return (0, 0) }
        defer { fclose(file) }
        var resident = 0
        var peak = 0
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let kilobytes = Int(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
            if text.hasPrefix("VmRSS:") { resident = kilobytes * 1024 }
            if text.hasPrefix("VmHWM:") { peak = kilobytes * 1024 }
        }
        return (resident, peak)
    }

    /// Resets VmHWM to the current RSS (writing 5 to clear_refs), so the peak of one phase can be read.
    static func resetPeak() {
        guard let file = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", file)
        fclose(file)
    }
}
