import Foundation

/// CPU time of one named thread of this process, from
/// /proc/self/task/*/schedstat (nanoseconds on CPU): the writer's own cost
/// per row, apart from the producer generating entries.
enum ThreadCPU {
    /// Nanoseconds on CPU of the first thread named `name` (nil: none such).
    static func nanoseconds(named name: String) -> UInt64? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
        for task in tasks {
            let comm = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard comm == name,
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/schedstat", encoding: .utf8),
                  let first = stat.split(separator: " ").first
            else { continue }
            return UInt64(first)
        }
        return nil
    }
}
