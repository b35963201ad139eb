import Foundation
import Glibc
import PinholeCore
import Testing
import TestSupport
@testable import Enforcement

@Suite struct GovernedSetTests {
    /// Governing over netlink by id (nft's listing names the elements by
    /// path and shows the counter the kernel cloned onto each), dropping a
    /// removed cgroup by its remembered id (no rebuild), and adopting a set
    /// left by an earlier pinholed, read back with a netlink dump.
    @Test func governsDropsGoneCgroupsByIDAndAdoptsALeftSet() throws {
        let ns = try NamespacedThread()
        try ns.run { () throws in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let a = try makeCgroup("gov-a.scope")
            let b = try makeCgroup("gov-b.scope")
            defer { removeCgroup(a); removeCgroup(b) }
            let relative = { (path: String) in String(path.dropFirst()) }
            let dump = try NetlinkSetWriter()
            let kernelIDs = { try dump.cgroupIDs(set: "governed") }

            let set = try GovernedSet()
            let idA = try set.ids.id(of: a), idB = try set.ids.id(of: b)
            #expect(try set.govern(a))
            #expect(try !set.govern(a), "a repeat sends nothing")
            #expect(try set.govern(b))
            let listing = try NftListing(nft.json("list set inet pinhole governed"))
            #expect(Set(listing.elements(ofSet: "governed").map(\.key)) == [[relative(a)], [relative(b)]])
            let raw = listing.set("governed")?["elem"] as? [Any] ?? []
            #expect(raw.count == 2 && raw.allSatisfy { (($0 as? [String: Any])?["elem"] as? [String: Any])?["counter"] != nil },
                    "each element carries the set's counter: \(raw)")
            #expect(try kernelIDs() == [idA, idB])

            removeCgroup(b)
            #expect(try set.dropGone([b]) == [relative(b)])
            #expect(try kernelIDs() == [idA], "b deleted by its id after rmdir")
            #expect(try set.dropGone([b]).isEmpty, "not governed any more: nothing sent")

            // A set left behind: c governed by an earlier pinholed, then removed.
            let c = try makeCgroup("gov-c.scope")
            let idC = try set.ids.id(of: c)
            try dump.add([SetElement(cgroup: idC)])
            removeCgroup(c)
            let adopted = try GovernedSet()
            let counts = try adopted.adopt()
            #expect(counts.kept == 1 && counts.dropped == 1, "\(counts)")
            #expect(adopted.paths == [relative(a)])
            #expect(try kernelIDs() == [idA])

            // Ungoverning a cgroup that is gone deletes it by id too.
            removeCgroup(a)
            #expect(try adopted.ungovern(a))
            #expect(try kernelIDs().isEmpty)
            #expect(try !adopted.ungovern(a))
        }
    }

    /// A cgroup removed and re-created at its path before `dropGone` runs
    /// (a restarted service, both events in one watcher batch) stays
    /// governed, under its new id; the old id goes. The same for the
    /// interfaces it owns (`NftablesAppRules.forget`).
    @Test func aCgroupRecreatedBeforeDropGoneMovesToItsNewID() throws {
        let ns = try NamespacedThread()
        let owners = InterfaceOwners(["wg0": [try Glob("*-svc.scope")]])
        let (governed, owned, oldID, newID, dropped) = try ns.run {
            () throws -> (Set<UInt64>, Set<UInt64>, UInt64, UInt64, [String]) in
            try EnforcementTable(ownedInterfaces: ["wg0"]).create(with: Nftables())
            let a = try makeCgroup("re-svc.scope")
            defer { removeCgroup(a) }
            let ids = try CgroupIds()
            let set = try GovernedSet(ids: ids)
            let rules = try NftablesAppRules(ids: ids, owners: owners)
            try set.govern(a)
            try rules.applyOwnership(cgroupPath: a)
            let oldID = try ids.currentID(of: a)
            removeCgroup(a)
            _ = try makeCgroup("re-svc.scope")
            let newID = try ids.currentID(of: a)
            // The new cgroup appeared first: both calls see the path done already.
            #expect(try !set.govern(a))
            #expect(try !rules.applyOwnership(cgroupPath: a))
            #expect(rules.forget(cgroupPath: a) == nil)
            let dropped = try set.dropGone([a])
            let writer = try NetlinkSetWriter()
            let owned = Set(try writer.keys(set: "owners").compactMap { SetElement(kind: .owners, key: $0)?.cgroup })
            return (try writer.cgroupIDs(set: "governed"), owned, oldID, newID, dropped)
        }
        #expect(oldID != newID)
        #expect(governed == [newID])
        #expect(owned == [newID])
        #expect(dropped.isEmpty)
    }

    /// `destroy` of an element the kernel does not have is no error (a pin
    /// that expired must not fail a batch of deletions); `delete` is.
    @Test func destroyIgnoresMissingElementsDeleteDoesNot() throws {
        let ns = try NamespacedThread()
        let (destroyError, deleteErrno) = try ns.run { () throws -> (NetlinkError?, Int32?) in
            try EnforcementTable().create(with: Nftables())
            let writer = try NetlinkSetWriter()
            let missing = [SetElement(cgroup: 987_654_321), SetElement(cgroup: 987_654_321, address: .v4(0x0A00_0001))]
            var destroyError: NetlinkError?
            do { try writer.destroy(missing) } catch let error as NetlinkError { destroyError = error }
            do { try writer.delete(missing) } catch let error as NetlinkError { return (destroyError, error.errno) }
            return (destroyError, nil)
        }
        #expect(destroyError == nil, "\(String(describing: destroyError))")
        #expect(deleteErrno == ENOENT)
    }

    /// On kernels before 6.3 (no NFT_MSG_DESTROYSETELEM) `destroy` falls
    /// back to one delete per element: present ones go, missing ones are
    /// skipped, as destroy would.
    @Test func destroyWithoutTheDestroyMessageDeletesOneByOne() throws {
        let ns = try NamespacedThread()
        let (error, left) = try ns.run { () throws -> (NetlinkError?, Set<UInt64>) in
            try EnforcementTable().create(with: Nftables())
            let cgroup = try makeCgroup("destroy-fallback.scope")
            defer { removeCgroup(cgroup) }
            let id = try CgroupIds().id(of: cgroup)
            let writer = try NetlinkSetWriter()
            try writer.add([SetElement(cgroup: id), SetElement(cgroup: id + 1_000_000)])
            writer.destroySupported = false
            var error: NetlinkError?
            do {
                try writer.destroy([SetElement(cgroup: 987_654_321), SetElement(cgroup: id)])
            } catch let caught as NetlinkError {
                error = caught
            }
            return (error, try writer.cgroupIDs(set: "governed"))
        }
        #expect(error == nil, "\(String(describing: error))")
        #expect(left.count == 1, "only the element not destroyed is left: \(left)")
    }
}
