import Attribution
import Foundation
import Glibc
import Testing
import TestSupport

/// `CgroupMountView`: when it acts, and that it never moves a thread of a
/// multi-threaded process (the e2e `HybridCgroupE2ETests` show it at work in
/// the real pinholed).
struct CgroupMountViewTests {
    @Test func aTestProcessHasManyThreads() {
        #expect(CgroupMountView.threadCount() > 1)
    }

    @Test func onThisHostItRefusesAMultiThreadedProcessOrHasNothingToDo() throws {
        let namespace = { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self/ns/mnt") }
        let before = namespace()
        if let misplaced = CgroupMountView.misplacedCgroup2Mount() {
            // A hybrid host (like the CI machine): cgroup2 elsewhere, and this process has threads.
            #expect(misplaced != CgroupMountView.target)
            #expect(access(misplaced + "/cgroup.controllers", F_OK) == 0, "\(misplaced) is the cgroup2 root")
            #expect(throws: CgroupMountViewError.self) { try CgroupMountView.makeVisible() }
            do {
                _ = try CgroupMountView.makeVisible()
            } catch {
                #expect(error.description.contains("threads"), "\(error)")
            }
        } else {
            #expect(try CgroupMountView.makeVisible() == .unchanged)
        }
        #expect(namespace() == before, "the calling thread's mount namespace did not change")
    }

    @Test func withCgroup2AtSysFsCgroupThereIsNothingToMove() throws {
        // NamespacedThread mounts cgroup2 at /sys/fs/cgroup in its own mount namespace.
        let ns = try NamespacedThread()
        let misplaced = try ns.run { CgroupMountView.misplacedCgroup2Mount(mountInfo: "/proc/thread-self/mountinfo") }
        #expect(misplaced == nil)
        #expect(try ns.run { try CgroupMountView.makeVisible() } == .unchanged)
    }
}
