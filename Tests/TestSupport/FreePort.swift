import Foundation

/// Finds a port that is free on UDP and TCP at once.
public enum FreePort {
    public static func find(address: String = "127.0.0.1") throws -> UInt16 {
        for _ in 0..<50 {
            let port = UInt16.random(in: 20000...60000)
            let target = try PosixSocketAddress(address: address, port: port)
            if canBind(target, type: Int32(SOCK_DGRAM.rawValue)) && canBind(target, type: Int32(SOCK_STREAM.rawValue)) {
                return port
            }
        }
        throw TestFailure("no free port found on \(address)")
    }

    private static func canBind(_ address: PosixSocketAddress, type: Int32) -> Bool {
        let fd = socket(address.family, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return address.withSockaddr { Glibc.bind(fd, $0, $1) } == 0
    }
}
