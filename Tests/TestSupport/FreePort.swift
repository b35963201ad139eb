import Foundation

/// Finds a port that is free on UDP and TCP at once.
public enum FreePort {
    public static func find(address: String = "127.0.0.1") throws -> UInt16 {
        for _ in 0..<50 {
            let port = UInt16.random(in: 20000...60000)
            if canBind(address: address, port: port, type: Int32(SOCK_DGRAM.rawValue)) && canBind(address: address, port: port, type: Int32(SOCK_STREAM.rawValue)) {
                return port
            }
        }
        throw TestFailure("no free port found on \(address)")
    }

    private static func canBind(address: String, port: UInt16, type: Int32) -> Bool {
        let socketType = type
        if address.contains(":") {
            let fd = socket(AF_INET6, socketType, 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            inet_pton(AF_INET6, address, &sa.sin6_addr)
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
            }
        }
        let fd = socket(AF_INET, socketType, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &sa.sin_addr)
        return withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
