import Enforcement
import Foundation
import TestSupport

/// The JSON listing of nft (-j), picked apart for assertions.
struct NftListing {
    let objects: [[String: Any]]

    init(_ json: String) throws {
        guard let top = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let list = top["nftables"] as? [[String: Any]]
        else { throw TestFailure("not an nft JSON listing: \(json.prefix(200))") }
        objects = list
    }

    /// The bodies of the objects of one kind ("table", "set", "chain", "rule").
    func all(_ kind: String) -> [[String: Any]] { objects.compactMap { $0[kind] as? [String: Any] } }

    func set(_ name: String) -> [String: Any]? { all("set").first { $0["name"] as? String == name } }

    /// A set's elements: (key parts as text, timeout seconds or nil).
    func elements(ofSet name: String) -> [(key: [String], timeout: Int?)] {
        guard let elems = set(name)?["elem"] as? [Any] else { return [] }
        return elems.map { item in
            if let plain = item as? String { return ([plain], nil) }
            // {"elem": {"val": …, "timeout": …}}, or the value alone ({"concat": […]}).
            let body = (item as? [String: Any])?["elem"] as? [String: Any] ?? ["val": item]
            let value = body["val"]
            let key: [String]
            if let concat = (value as? [String: Any])?["concat"] as? [Any] {
                key = concat.map { "\($0)" }
            } else {
                key = [value.map { "\($0)" } ?? "?"]
            }
            return (key, body["timeout"] as? Int)
        }
    }
}

/// The test's own cgroups in the namespace's /sys/fs/cgroup (the host's
/// v2 hierarchy, so named after the test process to never collide).
func makeCgroup(_ name: String) throws -> String {
    let path = "/pinhole-enf-\(getpid())-\(name)"
    guard mkdir("/sys/fs/cgroup" + path, 0o755) == 0 || errno == EEXIST else {
        throw TestFailure("mkdir /sys/fs/cgroup\(path): errno \(errno)")
    }
    return path
}

func removeCgroup(_ path: String) {
    for _ in 0..<100 {
        if rmdir("/sys/fs/cgroup" + path) == 0 || errno == ENOENT { return }
        usleep(20_000)
    }
}
