import Enforcement
import PinholeCore

/// The first slice's way to pin, kept only as the bench's baseline row:
/// one libnftables text command per call, the cgroup named by its path
/// (nft resolves it under /sys/fs/cgroup; pinholed pins by id over netlink).
struct TextPinner {
    let nft: Nftables

    /// Adds `cgroupPath . address timeout` for each address, in one command.
    func pin(cgroupPath: String, addresses: [IPAddress], timeout: Int) throws {
        let path = "\"" + cgroupPath.split(separator: "/").joined(separator: "/") + "\""
        var v4: [String] = []
        var v6: [String] = []
        for address in addresses {
            let element = "\(path) . \(address) timeout \(timeout)s"
            if case .v4 = address { v4.append(element) } else { v6.append(element) }
        }
        var script = ""
        if !v4.isEmpty { script += "add element \(EnforcementTable.qualifiedName) pin4 { \(v4.joined(separator: ", ")) }\n" }
        if !v6.isEmpty { script += "add element \(EnforcementTable.qualifiedName) pin6 { \(v6.joined(separator: ", ")) }\n" }
        try nft.run(script)
    }
}
