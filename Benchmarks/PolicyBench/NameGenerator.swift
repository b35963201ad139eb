/// Blocklist-like names from a fixed seed (SplitMix64): 2–4 labels,
/// 20–35 characters, like the entries of the big hosts lists.
struct NameGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

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
