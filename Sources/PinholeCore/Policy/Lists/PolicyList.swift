/// A named global list: one or more parsed files (a directory of lists is
/// one list), a category profiles select it by, and what the files held.
public struct PolicyList: Sendable {
    /// The list's name in config, rule sources and `pinhole lists` ("steven-black").
    public var name: String
    /// What it blocks: `telemetry`, `ads`, `tracking`, `malware`, `doh` …
    public var category: String?
    public var files: [ParsedList]

    public init(name: String, category: String? = nil, files: [ParsedList]) {
        self.name = name
        self.category = category
        self.files = files
    }

    /// Entries, rejected lines and ignored rules over all files.
    public var statistics: ListStatistics {
        var statistics = ListStatistics()
        for file in files {
            statistics.entries += file.entryCount
            statistics.lines += file.lineCount
            statistics.rejectedCount += file.rejectedCount
            statistics.rejected += file.rejected.map {
                (source: RuleSource(file: file.file, line: $0.line, list: name), reason: $0.reason)
            }
            for (kind, count) in file.ignored { statistics.ignored[kind, default: 0] += count }
        }
        return statistics
    }
}
