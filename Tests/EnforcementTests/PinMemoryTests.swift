import PinholeCore
import Testing
@testable import Enforcement

/// The pin memory's index by cgroup stays equal to its expiries through
/// refreshes and sweeps, so forgetting a cgroup finds exactly its pins.
@Suite struct PinMemoryTests {
    typealias Key = PinMemory.Key

    @Test func forgettingACgroupReturnsItsLivePinsAndKeepsTheOthers() {
        var memory = PinMemory()
        let a1 = Key(cgroup: 1, address: IPAddress("10.0.0.1")!)
        let a2 = Key(cgroup: 1, address: IPAddress("2001:db8::1")!)
        let a3 = Key(cgroup: 1, address: IPAddress("10.0.0.3")!)
        let b1 = Key(cgroup: 2, address: IPAddress("10.0.0.1")!)
        memory.remember(a1, expiry: 100, at: 0)
        memory.remember(a1, expiry: 200, at: 50)  // a refresh: still one pin
        memory.remember(a2, expiry: 100, at: 0)
        memory.remember(a3, expiry: 10, at: 0)  // expired by 60
        memory.remember(b1, expiry: 100, at: 0)
        #expect(memory.isFresh(a1, enough: 100, at: 60))

        #expect(Set(memory.forget(cgroup: 1, liveAt: 60)) == [a1, a2])
        #expect(!memory.isFresh(a1, enough: 0, at: 60) && !memory.isFresh(a3, enough: -100, at: 60))
        #expect(memory.isFresh(b1, enough: 30, at: 60))
        #expect(memory.liveCount(at: 60) == 1)
        #expect(memory.forget(cgroup: 1).isEmpty, "nothing left of it")
        #expect(memory.forget(cgroup: 2) == [b1])
    }

    @Test func theIndexFollowsASweep() {
        var memory = PinMemory()
        // 4096 pins of cgroup 1 that expire at 10, then one more after they did: the sweep drops them.
        for index in 0..<4095 { memory.remember(Key(cgroup: 1, address: .v4(UInt32(index))), expiry: 10, at: 0) }
        let kept = Key(cgroup: 1, address: IPAddress("192.0.2.1")!)
        memory.remember(kept, expiry: 100, at: 20)
        #expect(memory.liveCount(at: 20) == 1)
        #expect(memory.forget(cgroup: 1, liveAt: 20) == [kept])
        #expect(memory.liveCount(at: 0) == 0, "the swept pins are not remembered either")
    }
}
