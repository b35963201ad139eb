import Enforcement
import Foundation
import PinholeCore
import Synchronization

/// The measured scenarios. Addresses come from a counter, so every "new"
/// pin really is new to the kernel.
struct Scenarios {
    let nft: Nftables
    let cgroups: [String]
    private var next: UInt32 = 0x0A00_0000

    init(nft: Nftables, cgroups: [String]) {
        self.nft = nft
        self.cgroups = cgroups
    }

    mutating func fresh() -> IPAddress {
        next &+= 1
        return .v4(next)
    }

    /// One address per call through libnftables' text API (the old path).
    mutating func textPin(rounds: Int) throws -> Samples {
        let pinner = TextPinner(nft: nft)
        var samples = Samples("new pin, text (libnftables), 1 address", capacity: rounds)
        for _ in 0..<rounds {
            let address = fresh()
            let start = nowNanoseconds()
            try pinner.pin(cgroupPath: cgroups[0], addresses: [address], timeout: 600)
            samples.add(nowNanoseconds() - start)
        }
        return samples
    }

    /// One call per answer, synchronous on the caller, over netlink.
    mutating func netlinkPin(_ pinner: NetlinkPinner, rounds: Int, perCall: Int, label: String) throws -> Samples {
        var samples = Samples("new pin, netlink sync, \(perCall) address\(perCall == 1 ? "" : "es")\(label)",
                              goal: perCall == 1 ? "p50 ≤ 30, p99 ≤ 150" : "", capacity: rounds)
        for round in 0..<rounds {
            var addresses = (0..<perCall).map { _ in fresh() }
            if perCall > 1 { addresses[0] = .v6(0x2001_0db8_0000_0000, UInt64(next)) }
            let start = nowNanoseconds()
            try pinner.pin(cgroupPath: cgroups[round % cgroups.count], addresses: addresses, timeout: 600)
            samples.add(nowNanoseconds() - start)
        }
        return samples
    }

    /// The three ways to pin one new address, one at a time (an idle
    /// daemon), interleaved round by round so the box's noise hits all
    /// alike: `NetlinkPinner.pin` on the caller; `BatchingPinner` always
    /// through its thread; `BatchingPinner` inline when idle (pinholed's).
    mutating func compared(_ netlink: NetlinkPinner, threadOnly: BatchingPinner, inline: BatchingPinner, rounds: Int) -> [Samples] {
        var direct = Samples("new pin, netlink on the caller, 1 address", goal: "p50 ≤ 30, p99 ≤ 150", capacity: rounds)
        var viaThread = Samples("new pin, via the pin thread, 1 address", goal: "p50 ≤ 30, p99 ≤ 150", capacity: rounds)
        var pinholed = Samples("new pin, BatchingPinner (pinholed), 1 address", goal: "p50 ≤ 30, p99 ≤ 150", capacity: rounds)
        let done = DispatchSemaphore(value: 0)
        let finished = Counter()
        for round in 0..<rounds {
            let cgroup = cgroups[round % cgroups.count]
            var address = fresh()
            var start = nowNanoseconds()
            if (try? netlink.pin(cgroupPath: cgroup, addresses: [address], timeout: 600)) != nil { direct.add(nowNanoseconds() - start) }
            for (pinner, index) in [(threadOnly, 0), (inline, 1)] {
                address = fresh()
                start = nowNanoseconds()
                pinner.pin([address], cgroupPath: cgroup, seconds: 600) {
                    finished.store(nowNanoseconds())
                    done.signal()
                }
                done.wait()
                if index == 0 { viaThread.add(finished.value - start) } else { pinholed.add(finished.value - start) }
            }
        }
        return [direct, viaThread, pinholed]
    }

    /// Addresses pinned with plenty of time left: no syscall, completion on the caller.
    mutating func alreadyPinned(_ pinner: BatchingPinner, calls: Int) throws -> (Samples, inline: Int) {
        let addresses = (0..<1000).map { _ in fresh() }
        try pinner.pinner.send(addresses.map { SetElement(cgroup: try pinner.pinner.ids.id(of: cgroups[0]), address: $0, timeoutSeconds: 600) })
        var samples = Samples("already pinned, 1 address (no syscall)", goal: "≤ 2", capacity: calls)
        let inline = Counter()
        for call in 0..<calls {
            let start = nowNanoseconds()
            pinner.pin([addresses[call % addresses.count]], cgroupPath: cgroups[0], seconds: 600) { inline.add() }
            samples.add(nowNanoseconds() - start)
        }
        return (samples, Int(inline.value))
    }
}
