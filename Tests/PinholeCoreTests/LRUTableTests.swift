import Testing
@testable import PinholeCore

@Suite struct LRUTableTests {
    @Test func evictsLeastRecentlyUsedBeyondCapacity() {
        var table = LRUTable<String, Int>(capacity: 3)
        table.set("a", 1)
        table.set("b", 2)
        table.set("c", 3)
        #expect(table.get("a") == 1)  // a is now the most recent; b the least
        let evicted = table.set("d", 4)
        #expect(evicted?.key == "b")
        #expect(evicted?.value == 2)
        #expect(table.count == 3)
        #expect(table.peek("b") == nil)
        #expect(table.keysByRecency == ["d", "a", "c"])
    }

    @Test func replacingKeepsOneSlotAndPromotes() {
        var table = LRUTable<String, Int>(capacity: 2)
        table.set("a", 1)
        table.set("b", 2)
        #expect(table.set("a", 10) == nil)
        #expect(table.count == 2)
        #expect(table.keysByRecency == ["a", "b"])
        #expect(table.peek("a") == 10)
    }

    @Test func peekDoesNotPromote() {
        var table = LRUTable<String, Int>(capacity: 2)
        table.set("a", 1)
        table.set("b", 2)
        _ = table.peek("a")
        #expect(table.set("c", 3)?.key == "a")
    }

    @Test func removedSlotsAreReused() {
        var table = LRUTable<Int, Int>(capacity: 100)
        for i in 0..<10 { table.set(i, i) }
        for i in 0..<10 where i % 2 == 0 { #expect(table.remove(i) == i) }
        #expect(table.count == 5)
        #expect(table.keysByRecency == [9, 7, 5, 3, 1])
        for i in 10..<15 { table.set(i, i) }
        #expect(table.count == 10)
        #expect(table.keysByRecency == [14, 13, 12, 11, 10, 9, 7, 5, 3, 1])
        #expect(table.remove(42) == nil)
    }

    @Test func zeroCapacityStoresNothing() {
        var table = LRUTable<String, Int>(capacity: 0)
        table.set("a", 1)
        #expect(table.count == 0)
        #expect(table.get("a") == nil)
    }

    @Test func longRandomSequenceStaysConsistent() {
        // A model: an array ordered by recency, checked after every step.
        var table = LRUTable<Int, Int>(capacity: 8)
        var model: [Int] = []
        var rng = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            let key = Int.random(in: 0..<20, using: &rng)
            switch step % 3 {
            case 0:
                table.set(key, key)
                model.removeAll { $0 == key }
                model.insert(key, at: 0)
                if model.count > 8 { model.removeLast() }
            case 1:
                let got = table.get(key)
                #expect((got != nil) == model.contains(key))
                if model.contains(key) {
                    model.removeAll { $0 == key }
                    model.insert(key, at: 0)
                }
            default:
                _ = table.remove(key)
                model.removeAll { $0 == key }
            }
            #expect(table.keysByRecency == model)
        }
    }
}
