#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A numeric IP address and port as written in the config, on the command
/// line or in resolv.conf: "127.0.0.1:53", "127.0.0.1" (port 53),
/// "[::1]:5353", "::1", "[fe80::1%eth0]:53". Host names are not accepted:
/// a resolver cannot depend on resolving its own addresses.
public struct SocketAddressText: Hashable, Sendable, CustomStringConvertible {
    /// Address family of a `SocketAddressText`.
    public enum Family: Sendable, Hashable {
        case ipv4
        case ipv6
    }

    /// Why a text is not an address; `message` reads well after the text
    /// ("port must be 1...65535").
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, without the text itself.
        public var message: String
        public var description: String { message }
    }

    /// The address in canonical numeric form ("127.0.0.1", "::1"), without scope.
    public private(set) var host: String
    /// The port, 1...65535.
    public var port: Int
    /// IPv6 zone ("eth0" or an interface index), needed for link-local addresses.
    public var scope: String?
    /// IPv4 or IPv6.
    public private(set) var family: Family
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public private(set) var bytes: [UInt8]

    /// Parses `text`; a missing port means `defaultPort`.
    public init(parsing text: String, defaultPort: Int = 53) throws(ParseError) {
        let hostPart: Substring
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ParseError(message: "missing \"]\" after the IPv6 address")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else {
                    throw ParseError(message: "expected \":PORT\" after \"]\", got \"\(rest)\"")
                }
                portPart = rest.dropFirst()
            }
        } else {
            let colons = text.count(where: { $0 == ":" })
            if colons == 1, let colon = text.firstIndex(of: ":") {
                hostPart = text[..<colon]
                portPart = text[text.index(after: colon)...]
            } else {
                // No colon: IPv4 alone; two or more: a bare IPv6 address (no port without brackets).
                hostPart = Substring(text)
            }
        }

        var address = hostPart
        var scope: String?
        if let percent = hostPart.firstIndex(of: "%") {
            address = hostPart[..<percent]
            scope = String(hostPart[hostPart.index(after: percent)...])
            guard scope?.isEmpty == false else { throw ParseError(message: "empty IPv6 scope after \"%\"") }
        }
        guard !address.isEmpty else { throw ParseError(message: "missing address") }
        guard let (family, bytes) = Self.parseNumeric(String(address)) else {
            throw ParseError(message: "\"\(address)\" is not a numeric IPv4 or IPv6 address")
        }
        if scope != nil && family == .ipv4 {
            throw ParseError(message: "a scope (\"%...\") is only allowed on IPv6 addresses")
        }

        var port = defaultPort
        if let portPart {
            guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
                  let value = Int(portPart), (1...65535).contains(value)
            else { throw ParseError(message: "port must be 1...65535") }
            port = value
        }
        self.init(family: family, bytes: bytes, port: port, scope: scope)
    }

    /// Builds an address from network-order `bytes` (4 or 16 of them).
    public init(bytes: [UInt8], port: Int, scope: String? = nil) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.init(family: bytes.count == 4 ? .ipv4 : .ipv6, bytes: bytes, port: port, scope: scope)
    }

    private init(family: Family, bytes: [UInt8], port: Int, scope: String?) {
        self.family = family
        self.bytes = bytes
        self.port = port
        self.scope = scope
        self.host = Self.formatNumeric(family: family, bytes: bytes)
    }

    /// "127.0.0.1:53", "[::1]:53", "[fe80::1%eth0]:53".
    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(hostWithScope)]:\(port)"
    }

    /// The host with its scope, if any ("fe80::1%eth0").
    public var hostWithScope: String {
        scope.map { "\(host)%\($0)" } ?? host
    }

    /// 0.0.0.0 or ::.
    public var isWildcard: Bool { bytes.allSatisfy { $0 == 0 } }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        family == .ipv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// fe80::/10.
    public var isIPv6LinkLocal: Bool {
        family == .ipv6 && bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
    }

    /// Whether a socket bound to `self` receives what is sent to `other`
    /// (same port, and the same address or a wildcard that covers it).
    /// Used to stop pinhole from forwarding to itself.
    public func receives(_ other: SocketAddressText) -> Bool {
        guard port == other.port else { return false }
        if bytes == other.bytes { return true }
        guard isWildcard else { return false }
        // A wildcard listener catches every local address; of those an upstream
        // can only be a loopback or wildcard one (other local addresses are not
        // known here). An IPv6 wildcard is dual-stack by default.
        return (other.isLoopback || other.isWildcard) && (family == .ipv6 || other.family == .ipv4)
    }

    /// The address for SwiftNIO; the scope is resolved to an interface index.
    public func socketAddress() throws -> SocketAddress {
        guard family == .ipv6, let scope else {
            return try SocketAddress(ipAddress: host, port: port)
        }
        let index = UInt32(scope) ?? if_nametoindex(scope)
        guard index != 0 else {
            throw ParseError(message: "\(description): no network interface \"\(scope)\"")
        }
        var raw = sockaddr_in6()
        raw.sin6_family = sa_family_t(AF_INET6)
        raw.sin6_port = in_port_t(UInt16(port).bigEndian)
        raw.sin6_scope_id = index
        withUnsafeMutableBytes(of: &raw.sin6_addr) { target in
            for (offset, byte) in bytes.enumerated() { target[offset] = byte }
        }
        return SocketAddress(raw, host: hostWithScope)
    }

    private static func parseNumeric(_ text: String) -> (Family, [UInt8])? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return (.ipv4, withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return (.ipv6, withUnsafeBytes(of: &v6) { Array($0) })
        }
        return nil
    }

    private static func formatNumeric(family: Family, bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af = family == .ipv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { source in
            inet_ntop(af, source.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        precondition(ok, "inet_ntop failed on a parsed address")
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
