import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// A clock the test moves by hand.
final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 1000.0
    func now() -> Double { lock.withLock { seconds } }
    func advance(_ by: Double) { lock.withLock { seconds += by } }
}

@Suite struct NftablesPinnerTests {
    @Test func pathsAreRelativeAndQuoted() throws {
        #expect(try NftablesPinner.nftPath("/app-a.scope") == "\"app-a.scope\"")
        #expect(try NftablesPinner.nftPath("/user.slice/app.slice/app-a.scope") == "\"user.slice/app.slice/app-a.scope\"")
        #expect(try NftablesPinner.nftPath("app-a.scope") == "\"app-a.scope\"")
        #expect(throws: NftablesError.self) { try NftablesPinner.nftPath("/") }
        #expect(throws: NftablesError.self) { try NftablesPinner.nftPath("/a\"b.scope") }
    }

    @Test func governAddsAndUngovernRemovesCgroups() throws {
        let ns = try NamespacedThread()
        let (afterGovern, afterUngovern) = try ns.run { () throws -> ([[String]], [[String]]) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("gov-a.scope")
            let b = try makeCgroup("gov-b.scope")
            defer { removeCgroup(a); removeCgroup(b) }
            let pinner = NftablesPinner(nft: nft)
            try pinner.govern(cgroupPath: a)
            try pinner.govern(cgroupPath: b)
            try pinner.govern(cgroupPath: a)  // again: no error, no duplicate
            let governed = try NftListing(nft.json("list set inet pinhole governed")).elements(ofSet: "governed").map(\.key)
            try pinner.ungovern(cgroupPath: a)
            let left = try NftListing(nft.json("list set inet pinhole governed")).elements(ofSet: "governed").map(\.key)
            return (governed, left)
        }
        let pid = getpid()
        #expect(Set(afterGovern) == [["pinhole-enf-\(pid)-gov-a.scope"], ["pinhole-enf-\(pid)-gov-b.scope"]])
        #expect(afterUngovern == [["pinhole-enf-\(pid)-gov-b.scope"]])
    }

    @Test func governingAMissingCgroupFails() throws {
        let ns = try NamespacedThread()
        let error = try ns.run { () throws -> NftablesError? in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            do { try NftablesPinner(nft: nft).govern(cgroupPath: "/pinhole-enf-no-such.scope") } catch let error as NftablesError { return error }
            return nil
        }
        #expect(error?.message.contains("cgroupv2 path fails") == true)
    }

    @Test func pinAddsElementsWithTimeoutsAndSkipsFreshOnes() throws {
        let ns = try NamespacedThread()
        let clock = FakeClock()
        let addresses = ["10.1.2.3", "10.1.2.4", "2001:db8::1", "10.1.2.3"].map { IPAddress($0)! }
        let result = try ns.run { () throws -> (sent: [Int], pin4: [(key: [String], timeout: Int?)], pin6: [(key: [String], timeout: Int?)]) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("pin-a.scope")
            defer { removeCgroup(a) }
            let pinner = NftablesPinner(nft: nft, now: { clock.now() })
            var sent: [Int] = []
            sent.append(try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 60))
            // Plenty left: nothing sent.
            clock.advance(29)
            sent.append(try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 60))
            // One new address: only it is sent.
            sent.append(try pinner.pin(cgroupPath: a, addresses: addresses + [IPAddress("10.1.2.5")!], timeout: 60))
            // Less than half the timeout left on the first three: sent again (the kernel refreshes them).
            clock.advance(2)
            sent.append(try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 120))
            let listing = try NftListing(nft.json("list table inet pinhole"))
            return (sent, listing.elements(ofSet: "pin4"), listing.elements(ofSet: "pin6"))
        }
        #expect(result.sent == [3, 0, 1, 3])
        let name = "pinhole-enf-\(getpid())-pin-a.scope"
        let pin4 = Dictionary(uniqueKeysWithValues: result.pin4.map { ($0.key, $0.timeout) })
        #expect(pin4 == [[name, "10.1.2.3"]: 120, [name, "10.1.2.4"]: 120, [name, "10.1.2.5"]: 60])
        #expect(result.pin6.map(\.key) == [[name, "2001:db8::1"]])
        #expect(result.pin6.first?.timeout == 120)
    }

    @Test func pinningAMissingCgroupFailsAndRemembersNothing() throws {
        let ns = try NamespacedThread()
        let (error, remembered) = try ns.run { () throws -> (NftablesError?, Int) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let pinner = NftablesPinner(nft: nft)
            do {
                try pinner.pin(cgroupPath: "/pinhole-enf-no-such.scope", addresses: [IPAddress("10.0.0.1")!], timeout: 60)
            } catch let error as NftablesError { return (error, pinner.rememberedPins) }
            return (nil, pinner.rememberedPins)
        }
        #expect(error?.command.hasPrefix("add element inet pinhole pin4 { \"pinhole-enf-no-such.scope\" . 10.0.0.1 timeout 60s }") == true)
        #expect(remembered == 0)
    }

    /// What one pin costs through libnftables' text API (printed; the
    /// assertion only guards against something pathological).
    @Test func pinCost() throws {
        let ns = try NamespacedThread()
        let report = try ns.run { () throws -> String in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("cost.scope")
            defer { removeCgroup(a) }
            let pinner = NftablesPinner(nft: nft)
            let rounds = 500
            func time(_ body: () throws -> Void) rethrows -> Double {
                let start = NftablesPinner.monotonicSeconds()
                try body()
                return (NftablesPinner.monotonicSeconds() - start) * 1e6
            }
            let one = try time {
                for i in 0..<rounds {
                    try pinner.pin(cgroupPath: a, addresses: [.v4(0x0A00_0000 | UInt32(i))], timeout: 60)
                }
            } / Double(rounds)
            let batchSize = 16
            let batch = try time {
                for i in 0..<rounds {
                    let addresses = (0..<batchSize).map { IPAddress.v4(0x0B00_0000 | UInt32(i * batchSize + $0)) }
                    try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 60)
                }
            } / Double(rounds)
            let skipped = try time {
                for i in 0..<rounds {
                    try pinner.pin(cgroupPath: a, addresses: [.v4(0x0A00_0000 | UInt32(i))], timeout: 60)
                }
            } / Double(rounds)
            let line = String(format: "pin cost: 1 address %.1f µs/call; %d addresses %.1f µs/call (%.1f µs/address); already pinned %.2f µs/call",
                              one, batchSize, batch, batch / Double(batchSize), skipped)
            print(line)
            #expect(one < 10_000)
            return line
        }
        #expect(report.hasPrefix("pin cost"))
    }
}
