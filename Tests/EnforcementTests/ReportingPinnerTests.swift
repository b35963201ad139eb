import Enforcement
import Foundation
import PinholeCore
import Synchronization
import Testing
import TestSupport

@Suite struct ReportingPinnerTests {
    /// Through the pipeline's protocol (as pinholed builds it): the element
    /// is in the kernel when the completion runs; a failure is reported and
    /// the answer still goes.
    @Test func pinsBeforeCompletingAndReportsFailures() throws {
        let ns = try NamespacedThread()
        let (pinnedBeforeCompletion, failures, completions) = try ns.run { () throws -> (Bool, [String], Int) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let cgroup = try makeCgroup("pin-proto.scope")
            defer { removeCgroup(cgroup) }
            let failures = Mutex<[String]>([])
            let pins = BatchingPinner(try NetlinkPinner()) { error in failures.withLock { $0.append("\(error)") } }
            defer { pins.stop() }
            let pinner: any Pinner = ReportingPinner(pins: pins, governedSet: try GovernedSet()) { error in
                failures.withLock { $0.append("\(error)") }
            }
            let seen = Mutex<(Bool, Int)>((false, 0))
            pinner.pin([IPAddress("192.0.2.44")!], cgroupPath: cgroup, seconds: 600) {
                let elements = (try? NftListing(nft.json("list set inet pinhole pin4")).elements(ofSet: "pin4")) ?? []
                seen.withLock { $0 = (elements.contains { $0.key.last == "192.0.2.44" }, $0.1 + 1) }
            }
            pinner.pin([IPAddress("192.0.2.45")!], cgroupPath: "/no-such-cgroup.scope", seconds: 600) {
                seen.withLock { $0.1 += 1 }
            }
            let (pinned, count) = seen.withLock { $0 }
            return (pinned, failures.withLock { $0 }, count)
        }
        #expect(pinnedBeforeCompletion)
        #expect(completions == 2)
        #expect(failures.count == 1)
        #expect(failures.first?.contains("no-such-cgroup.scope") == true, "\(failures)")
    }
}
