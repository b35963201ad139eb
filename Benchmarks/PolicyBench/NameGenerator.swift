import BenchSupport

/// Blocklist-like names from a fixed seed (SplitMix64): 2–4 labels,
/// 20–35 characters, like the entries of the big hosts lists.
struct NameGenerator {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    private static let words = [
        "ads", "track", "metrics", "telemetry", "pixel", "cdn", "stats", "analytics", "beacon", "log",
        "events", "collector", "sync", "adserver", "click", "img",
    ]
    private static let suffixes = ["com", "net", "org", "io", "de", "co.uk", "info", "xyz"]

    /// The `index`-th stored name: unique because the index is in it.
    mutating func storedName(_ index: Int) -> String {
        let word = Self.words[Int(next() % UInt64(Self.words.count))]
        let suffix = Self.suffixes[Int(next() % UInt64(Self.suffixes.count))]
        let site = String(next() % 100_000, radix: 36)
        if next() % 3 == 0 { return "\(word)\(index).\(site)-media.\(suffix)" }
        return "\(word)-\(String(index, radix: 36)).\(site)\(word).\(suffix)"
    }

    /// A name no stored name equals or is a parent of.
    mutating func missName() -> String {
        let word = Self.words[Int(next() % UInt64(Self.words.count))]
        return "www.\(word)-\(String(next() % 1_000_000_000, radix: 36))-miss.example.\(Self.suffixes[Int(next() % 8)])"
    }
}
