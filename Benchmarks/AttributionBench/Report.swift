/// The results as a table or JSON, with where the figures came from.
struct Report {
    var measurements: [Measurement] = []
    /// Provenance: build, machine, counts ("build" → "release", …), in order.
    var facts: [(key: String, value: String)] = []

    func table() -> String {
        var lines: [String] = []
        let header = [Format.pad("scenario", 26), Format.pad("n", 6, right: true), Format.pad("p50 µs", 9, right: true),
                      Format.pad("p90 µs", 9, right: true), Format.pad("p99 µs", 9, right: true), Format.pad("max µs", 9, right: true),
                      Format.pad("cpu p50", 9, right: true), Format.pad("cpu p99", 9, right: true),
                      Format.pad("sync", 6, right: true), Format.pad("wrong", 6, right: true), "  goal"]
        lines.append(header.joined(separator: " "))
        for m in measurements {
            let goal = m.goal.map { "\($0.description) µs: \($0.isMet(by: m) ? "met" : "MISSED")" } ?? ""
            let row = [Format.pad(m.name, 26), Format.pad("\(m.count)", 6, right: true),
                       Format.pad(Format.fixed(m.percentile(0.50), 1), 9, right: true),
                       Format.pad(Format.fixed(m.percentile(0.90), 1), 9, right: true),
                       Format.pad(Format.fixed(m.percentile(0.99), 1), 9, right: true),
                       Format.pad(Format.fixed(m.maximum, 1), 9, right: true),
                       Format.pad(Format.fixed(m.cpuPercentile(0.50), 1), 9, right: true),
                       Format.pad(Format.fixed(m.cpuPercentile(0.99), 1), 9, right: true),
                       Format.pad(m.synchronousFraction.map { Format.fixed($0 * 100, 0) + "%" } ?? "-", 6, right: true),
                       Format.pad("\(m.wrong)", 6, right: true), "  " + goal]
            lines.append(row.joined(separator: " "))
        }
        lines.append("")
        for m in measurements {
            lines.append("\(m.name): \(m.detail)")
            for note in m.notes { lines.append("  note: \(note)") }
        }
        lines.append("")
        lines.append("wall-clock µs per call to completion; cpu: process CPU µs per call (CLOCK_PROCESS_CPUTIME_ID, both threads; load-independent)")
        lines.append("sync: share of calls answered on the caller's thread; wrong: answers naming another socket/process/cgroup")
        lines.append(facts.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        func number(_ value: Double) -> String { value.isFinite ? Format.fixed(value, 2) : "null" }
        let rows = measurements.map { m in
            var fields = [
                "\"name\": \(Format.json(m.name))", "\"detail\": \(Format.json(m.detail))", "\"count\": \(m.count)",
                "\"p50_us\": \(number(m.percentile(0.50)))", "\"p90_us\": \(number(m.percentile(0.90)))",
                "\"p99_us\": \(number(m.percentile(0.99)))", "\"max_us\": \(number(m.maximum))",
                "\"cpu_p50_us\": \(number(m.cpuPercentile(0.50)))", "\"cpu_p99_us\": \(number(m.cpuPercentile(0.99)))", "\"wrong\": \(m.wrong)",
                "\"synchronous_fraction\": \(m.synchronousFraction.map { number($0) } ?? "null")",
                "\"notes\": [\(m.notes.map(Format.json).joined(separator: ", "))]",
            ]
            if let goal = m.goal {
                fields.append("\"goal\": {\"p50_us\": \(goal.p50.map { number($0) } ?? "null"), \"p99_us\": \(goal.p99.map { number($0) } ?? "null"), \"met\": \(goal.isMet(by: m))}")
            }
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        let facts = self.facts.map { "\(Format.json($0.key)): \(Format.json($0.value))" }.joined(separator: ", ")
        return "{\n  \"facts\": {\(facts)},\n  \"results\": [\n" + rows.joined(separator: ",\n") + "\n  ]\n}"
    }
}
