import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// The netlink pinner against the real kernel, in a private network and
/// mount namespace: what it adds is read back with nft's JSON listing,
/// which names a cgroupsv2 key by its path, so a wrong key layout (id
/// byte order, padding) shows up as a wrong or unresolvable name.
@Suite struct NetlinkPinnerTests {
    @Test func findsTheThreadsOwnCgroup2Mount() throws {
        let ns = try NamespacedThread()
        let (point, id) = try ns.run { () throws -> (String, UInt64) in
            let a = try makeCgroup("id-a.scope")
            defer { removeCgroup(a) }
            let ids = try CgroupIds()
            return (ids.mountPoint, try ids.id(of: a))
        }
        // The namespace mounts cgroup2 over /sys/fs/cgroup; the host's own mount (hybrid: …/unified) comes before it.
        #expect(point == "/sys/fs/cgroup")
        #expect(id > 1)
    }

    @Test func pinsV4AndV6InOneCallWithTimeoutsAndTheRightCgroup() throws {
        let ns = try NamespacedThread()
        let clock = FakeClock()
        let addresses = ["10.1.2.3", "2001:db8::1", "10.1.2.4", "10.1.2.3"].map { IPAddress($0)! }
        let result = try ns.run { () throws -> (sent: [Int], listing: NftListing) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("nl-a.scope")
            let b = try makeCgroup("nl-b.scope")
            defer { removeCgroup(a); removeCgroup(b) }
            let pinner = try NetlinkPinner(now: { clock.now() })
            var sent = [try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 60)]
            sent.append(try pinner.pin(cgroupPath: String(b.dropFirst()), addresses: [IPAddress("10.9.9.9")!], timeout: 300))
            // Plenty of time left: nothing sent, no syscall.
            clock.advance(29)
            sent.append(try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 60))
            // The netlink dump counts what nft lists.
            sent += [try pinner.kernelCount(set: "pin4"), try pinner.kernelCount(set: "pin6"), try pinner.kernelCount(set: "governed")]
            return (sent, try NftListing(nft.json("list table inet pinhole")))
        }
        #expect(result.sent == [3, 1, 0, 3, 1, 0])
        let pid = getpid()
        let a = "pinhole-enf-\(pid)-nl-a.scope", b = "pinhole-enf-\(pid)-nl-b.scope"
        let pin4 = Dictionary(uniqueKeysWithValues: result.listing.elements(ofSet: "pin4").map { ($0.key, $0.timeout) })
        #expect(pin4 == [[a, "10.1.2.3"]: 60, [a, "10.1.2.4"]: 60, [b, "10.9.9.9"]: 300])
        let pin6 = result.listing.elements(ofSet: "pin6")
        #expect(pin6.map(\.key) == [[a, "2001:db8::1"]])
        #expect(pin6.first?.timeout == 60)
    }

    /// Re-adding an element the kernel has gives it the new timeout and a
    /// fresh expiry (kernel ≥ 6.x): pins are refreshed, not left to lapse.
    @Test func reAddingRefreshesTheTimeout() throws {
        let ns = try NamespacedThread()
        let clock = FakeClock()
        let (before, after) = try ns.run { () throws -> ([String: Any], [String: Any]) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("refresh.scope")
            defer { removeCgroup(a) }
            let pinner = try NetlinkPinner(now: { clock.now() })
            try pinner.pin(cgroupPath: a, addresses: [IPAddress("10.3.3.3")!], timeout: 10)
            Thread.sleep(forTimeInterval: 1.2)
            let before = try rawElements(nft, set: "pin4").first ?? [:]
            // Less than half of 10 s left is not the case yet, but a longer timeout is asked: 5 of 100 s is too little.
            try pinner.pin(cgroupPath: a, addresses: [IPAddress("10.3.3.3")!], timeout: 100)
            let after = try rawElements(nft, set: "pin4").first ?? [:]
            return (before, after)
        }
        #expect(before["timeout"] as? Int == 10)
        #expect((before["expires"] as? Int).map { $0 <= 9 } == true)
        #expect(after["timeout"] as? Int == 100)
        #expect((after["expires"] as? Int).map { $0 >= 98 } == true)
    }

    @Test func aMissingCgroupFailsNamingItAndRemembersNothing() throws {
        let ns = try NamespacedThread()
        let (error, remembered, elements) = try ns.run { () throws -> (NetlinkError?, Int, Int) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let pinner = try NetlinkPinner()
            var caught: NetlinkError?
            do {
                try pinner.pin(cgroupPath: "pinhole-enf-no-such.scope", addresses: [IPAddress("10.0.0.1")!], timeout: 60)
            } catch let error as NetlinkError { caught = error }
            return (caught, pinner.rememberedPins, try rawElements(nft, set: "pin4").count)
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description.contains("\"pinhole-enf-no-such.scope\"") == true)
        #expect(error?.description.contains("/sys/fs/cgroup/pinhole-enf-no-such.scope") == true)
        #expect(remembered == 0)
        #expect(elements == 0)
    }

    @Test func theKernelsRefusalIsReportedWithItsErrno() throws {
        let ns = try NamespacedThread()
        let error = try ns.run { () throws -> NetlinkError? in
            // No table: the kernel refuses the batch.
            let a = try makeCgroup("notable.scope")
            defer { removeCgroup(a) }
            do { try NetlinkPinner().pin(cgroupPath: a, addresses: [IPAddress("10.0.0.1")!], timeout: 60) } catch let error as NetlinkError { return error }
            return nil
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.operation.contains("add 1 elements of inet pinhole pin4") == true)
    }

    @Test func holdsAHundredThousandElements() throws {
        let ns = try NamespacedThread()
        let count = 100_000
        let (live, seconds) = try ns.run { () throws -> (Int, Double) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("many.scope")
            defer { removeCgroup(a) }
            let pinner = try NetlinkPinner()
            let id = try pinner.ids.id(of: a)
            let start = NetlinkPinner.monotonicSeconds()
            try pinner.send((0..<count).map { SetElement(cgroup: id, address: .v4(0x0A00_0000 | UInt32($0)), timeoutSeconds: 600) })
            let seconds = NetlinkPinner.monotonicSeconds() - start
            // Counted by a netlink dump: nft's listing would look up a path for each of 100,000 ids.
            return (try pinner.kernelCount(set: "pin4"), seconds)
        }
        print("100,000 pins in \(String(format: "%.2f", seconds)) s")
        #expect(live == count)
    }

    @Test func batchingPinnerCompletesOnlyAfterTheKernelHasThePins() throws {
        let ns = try NamespacedThread()
        let (inKernelAtCompletion, failures) = try ns.run { () throws -> ([Bool], Int) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("batch.scope")
            defer { removeCgroup(a) }
            let failures = Locked(0)
            let netlink = try NetlinkPinner()
            let pinner = BatchingPinner(netlink) { _ in failures.withLock { $0 += 1 } }
            defer { pinner.stop() }
            // A second socket in this namespace checks each element as its completion runs.
            let checker = Locked<[Bool]>([])
            let checkNft = try Nftables()
            let done = DispatchGroup()
            for i in 0..<64 {
                done.enter()
                let address = IPAddress.v4(0x0A05_0000 | UInt32(i))
                // Threads started here inherit this thread's namespaces (the check resolves the path in them).
                Thread {
                    pinner.pin([address], cgroupPath: a, seconds: 60) {
                        // A dump racing other threads' updates may be told EINTR (the ruleset changed): ask again.
                        var present = false
                        for _ in 0..<20 where !present {
                            do {
                                try checkNft.run("get element inet pinhole pin4 { \"\(a.dropFirst())\" . \(address) }")
                                present = true
                            } catch let error as NftablesError where error.message.contains("Interrupted system call") {
                                continue
                            } catch { break }
                        }
                        checker.withLock { $0.append(present) }
                        done.leave()
                    }
                }.start()
            }
            done.wait()
            return (checker.withLock { $0 }, failures.withLock { $0 })
        }
        #expect(inKernelAtCompletion.count == 64)
        #expect(inKernelAtCompletion.allSatisfy { $0 })
        #expect(failures == 0)
    }
}

extension NetlinkPinnerTests {
    /// Idle, a new pin is sent on the caller and completes before `pin`
    /// returns (no thread hop); through the pin thread it completes later.
    @Test func anIdlePinnerPinsOnTheCallersThread() throws {
        let ns = try NamespacedThread()
        let (inline, viaThread, count) = try ns.run { () throws -> (Bool, Bool, Int) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("inline.scope")
            defer { removeCgroup(a) }
            let netlink = try NetlinkPinner()
            let pinner = BatchingPinner(netlink) { _ in }
            defer { pinner.stop() }
            let ran = Locked(false)
            pinner.pin([IPAddress("10.7.0.1")!], cgroupPath: a, seconds: 60) { ran.withLock { $0 = true } }
            let inline = ran.withLock { $0 }
            let threadOnly = BatchingPinner(netlink, inlineWhenIdle: false) { _ in }
            let done = DispatchSemaphore(value: 0)
            let caller = pthread_self()
            let otherThread = Locked(false)
            threadOnly.pin([IPAddress("10.7.0.2")!], cgroupPath: a, seconds: 60) {
                otherThread.withLock { $0 = pthread_equal(pthread_self(), caller) == 0 }
                done.signal()
            }
            done.wait()
            threadOnly.stop()
            return (inline, otherThread.withLock { $0 }, try netlink.kernelCount(set: "pin4"))
        }
        #expect(inline)
        #expect(viaThread)
        #expect(count == 2)
    }
}

/// A set's elements as nft -j prints them (the "elem" objects: val, timeout, expires).
func rawElements(_ nft: Nftables, set: String) throws -> [[String: Any]] {
    let listing = try NftListing(nft.json("list set inet pinhole \(set)"))
    guard let elems = listing.set(set)?["elem"] as? [Any] else { return [] }
    return elems.map { ($0 as? [String: Any])?["elem"] as? [String: Any] ?? [:] }
}
