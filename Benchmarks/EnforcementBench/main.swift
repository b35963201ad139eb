import Enforcement
import Foundation
import PinholeCore
import Synchronization

// pinhole-enforcement-bench: what pinning costs on the real kernel, in a
// private network + mount namespace of its own (it re-executes itself
// under unshare; the host's ruleset is never touched). Run as root on a
// release build (make bench-enforcement). Options:
//   --rounds N (latency samples per scenario, default 5000)
//   --rate N --seconds N (sustained new pins, default 20000/s for 10 s)

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}


func runBench() throws {
    try Namespace.enter()
    let rounds = option("--rounds", 5000)
    let rate = option("--rate", 20_000)
    let seconds = option("--seconds", 10)
    let nft = try Nftables()
    try EnforcementTable().create(with: nft)
    let cgroups = try BenchCgroups(count: 8)
    defer { cgroups.remove() }
    var scenarios = Scenarios(nft: nft, cgroups: cgroups.paths)
    var rows: [Samples] = []
    var notes: [String] = []
    let log: @Sendable (String) -> Void = { text in FileHandle.standardError.write(Data((text + "\n").utf8)) }

    log("text path: \(min(rounds, 2000)) pins…")
    rows.append(try scenarios.textPin(rounds: min(rounds, 2000)))
    let netlink = try NetlinkPinner()
    let failures = Counter()
    let batching = BatchingPinner(netlink) { error in
        failures.add()
        if failures.value <= 3 { log("pin failed: \(error)") }
    }
    defer { batching.stop() }
    log("new pins, one at a time: \(rounds) rounds of netlink on the caller, via the pin thread, BatchingPinner (interleaved)…")
    let threadOnly = BatchingPinner(netlink, inlineWhenIdle: false) { _ in failures.add() }
    rows += scenarios.compared(netlink, threadOnly: threadOnly, inline: batching, rounds: rounds)
    threadOnly.stop()
    log("netlink: \(rounds) pins of 4 addresses…")
    rows.append(try scenarios.netlinkPin(netlink, rounds: rounds, perCall: 4, label: " (1 v6)"))
    log("already pinned: \(rounds * 20) calls…")
    let (already, inline) = try scenarios.alreadyPinned(batching, calls: rounds * 20)
    rows.append(already)
    notes.append("already pinned: \(inline) of \(rounds * 20) completions ran on the caller (no queue, no syscall)")

    log("sustained: \(rate)/s for \(seconds) s…")
    let before = try netlink.kernelCount(set: "pin4")
    let outcome = Sustained(rate: rate, seconds: seconds).run(batching, cgroups: cgroups.paths, firstAddress: 0x6400_0000, failures: failures)
    let after = try netlink.kernelCount(set: "pin4")
    rows.append(outcome.latency)
    let inKernel = after - before
    let lost = outcome.issued - min(outcome.completed, inKernel)
    notes.append(String(format: "sustained: issued %d in %.2f s (%.0f/s), completed %d, failed %d, new elements in the kernel %d, lost %d: %@",
                        outcome.issued, outcome.elapsed, Double(outcome.issued) / outcome.elapsed, outcome.completed, outcome.failed, inKernel, lost,
                        lost == 0 && outcome.failed == 0 ? "met" : "MISSED"))

    log("with \(after) live elements: \(rounds) more pins…")
    rows.append(try scenarios.netlinkPin(netlink, rounds: rounds, perCall: 1, label: ", \(after / 1000)k live"))
    let live = try netlink.kernelCount(set: "pin4") + netlink.kernelCount(set: "pin6")
    notes.append("live elements at the end: \(live) (goal ≥ 100,000: \(live >= 100_000 ? "met" : "MISSED"))")

    print(Samples.header)
    for row in rows { print(row.row) }
    print("")
    for note in notes { print(note) }
    var info = utsname()
    uname(&info)
    let release = withUnsafeBytes(of: info.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    print("kernel \(release); cpus \(ProcessInfo.processInfo.activeProcessorCount); wall-clock µs from the call until its completion ran (netlink sync: until it returned)")
}

do {
    try runBench()
} catch {
    FileHandle.standardError.write(Data("pinhole-enforcement-bench: \(error)\n".utf8))
    exit(1)
}
