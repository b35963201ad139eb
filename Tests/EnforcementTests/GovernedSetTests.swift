import Foundation
import Glibc
import Testing
import TestSupport
@testable import Enforcement

@Suite struct GovernedSetTests {
    /// Governing, dropping a removed cgroup (its element is a bare id nft
    /// cannot delete by name: the set is rebuilt) and adopting a set left by
    /// an earlier pinholed, read back from the kernel.
    @Test func governsDropsGoneCgroupsAndAdoptsALeftSet() throws {
        let ns = try NamespacedThread()
        try ns.run { () throws in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("gov-a.scope")
            let b = try makeCgroup("gov-b.scope")
            defer { removeCgroup(a); removeCgroup(b) }
            let listing = { try GovernedSet.elements(inJSON: nft.json("list set inet pinhole governed")).sorted() }
            let relative = { (path: String) in String(path.dropFirst()) }

            let set = GovernedSet(nft: nft)
            #expect(try set.govern(a))
            #expect(try !set.govern(a), "a repeat sends nothing")
            #expect(try set.govern(b))
            #expect(try listing() == [relative(a), relative(b)])

            removeCgroup(b)
            #expect(try listing().contains(relative(a)) && listing().count == 2, "the kernel keeps b as a bare id")
            #expect(try set.dropGone([b]) == [relative(b)])
            #expect(try listing() == [relative(a)])
            #expect(try set.dropGone([b]).isEmpty, "not governed any more: no rebuild")

            // A set left behind: c governed by someone else, then removed.
            let c = try makeCgroup("gov-c.scope")
            try nft.run("add element inet pinhole governed { \"\(relative(c))\" }\n")
            removeCgroup(c)
            let adopted = GovernedSet(nft: nft)
            let counts = try adopted.adopt()
            #expect(counts.kept == 1 && counts.dropped == 1, "\(counts)")
            #expect(adopted.paths == [relative(a)])
            #expect(try listing() == [relative(a)])

            #expect(try adopted.ungovern(a))
            #expect(try listing().isEmpty)
            #expect(try !adopted.ungovern(a))
        }
    }
}
