import DNSWire
import Foundation
import Testing
import TestSupport

/// Shared set-up for the integration tests: real pinholed, real clients.
enum Harness {
    /// dig (or kdig); a test without one fails under PINHOLE_REQUIRE_E2E and
    /// is skipped otherwise (see `hasDig`).
    static func dig() throws -> Dig {
        try #require(Dig.find(), "dig/kdig not installed (apt-get install bind9-dnsutils)")
    }

    /// Whether tests that need dig run: when it is there, or when CI demands it.
    static var hasDig: Bool { Dig.find() != nil || TestEnvironment.requireE2E }

    /// A fake upstream answering every A query with `address` and `ttl`, and
    /// AAAA with 2001:db8::1; other types get NOERROR with no answer.
    static func answeringUpstream(address: String = "192.0.2.1", ttl: UInt32 = 300) throws -> FakeUpstream {
        try FakeUpstream(handler: FakeUpstream.answering { query in
            let name = DNSName.text(fromWire: query.question.name)
            switch query.question.type {
            case DNSType.a: return [.a(name, address, ttl: ttl)]
            case DNSType.aaaa: return [.aaaa(name, "2001:db8::1", ttl: ttl)]
            default: return []
            }
        })
    }

    /// The upstream flag for a fake upstream.
    static func upstreamFlag(_ upstream: FakeUpstream) -> String {
        "\(upstream.address):\(upstream.port)"
    }

    /// Parses a reply, failing the test with the bytes when it does not parse.
    static func parse(_ reply: [UInt8]?) throws -> DNSResponse {
        let bytes = try #require(reply, "no reply")
        return try DNSResponse.parse(bytes)
    }
}
