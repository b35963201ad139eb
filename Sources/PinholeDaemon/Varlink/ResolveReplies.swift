import DNSWire
import Foundation
import PinholeCore

/// Turns query outcomes into io.systemd.Resolve replies (the parameters
/// object) or errors, in the shapes systemd-resolved sends and nss-resolve
/// parses. Pure: unit-tested without sockets.
enum ResolveReplies {
    /// ResolveHostname: every A/AAAA record of the answers (A first) of the
    /// asked `family` (0: both; a stray record of the other is left out),
    /// the canonical name (owner of the first address, after CNAMEs). Never an
    /// empty `addresses`: nss-resolve expects NoSuchResourceRecord then.
    static func hostname(_ outcomes: [ResolveOutcome], name: String, family asked: Int64 = 0) -> Result<[String: JSONValue], VarlinkError> {
        var addresses: [JSONValue] = []
        var canonical: String?
        for case .records(let records, _) in outcomes {
            for record in records where record.rrclass == 1 {
                let family: Int64
                switch (record.type, record.rdata.count) {
                case (DNSType.a, 4): family = ResolveParameters.afInet
                case (DNSType.aaaa, 16): family = ResolveParameters.afInet6
                default: continue
                }
                guard asked == 0 || asked == family else { continue }
                addresses.append(["family": .integer(family), "address": bytes(record.rdata)])
                if canonical == nil { canonical = text(record.name) }
            }
        }
        guard let canonical, !addresses.isEmpty else { return .failure(ResolveOutcome.error(of: outcomes, query: name)) }
        return .success(["addresses": .array(addresses), "name": .string(canonical), "flags": .integer(ResolveOutcome.flags(of: outcomes))])
    }

    /// ResolveHostname of an address literal: answered without a query, as systemd-resolved does.
    static func literal(_ address: IPAddress, family: Int64) -> Result<[String: JSONValue], VarlinkError>? {
        let addressFamily: Int64
        switch address {
        case .v4: addressFamily = ResolveParameters.afInet
        case .v6: addressFamily = ResolveParameters.afInet6
        }
        guard family == 0 || family == addressFamily else { return .failure(.noSuchResourceRecord) }
        return .success([
            "addresses": [["family": .integer(addressFamily), "address": bytes(address.bytes)]],
            "name": .string(address.description),
            "flags": .integer(ResolveOutcome.dnsFlag | ResolveOutcome.syntheticFlag | ResolveOutcome.authenticatedFlag),
        ])
    }

    /// ResolveHostname of "localhost" and names below it (RFC 6761 §6.3):
    /// the loopback addresses, answered here as systemd-resolved does (no
    /// upstream knows them); nil for any other name.
    static func localhost(_ name: String, family: Int64) -> Result<[String: JSONValue], VarlinkError>? {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        guard lowered == "localhost" || lowered.hasSuffix(".localhost") else { return nil }
        var addresses: [JSONValue] = []
        if family != ResolveParameters.afInet6 { addresses.append(["family": .integer(ResolveParameters.afInet), "address": bytes([127, 0, 0, 1])]) }
        if family != ResolveParameters.afInet { addresses.append(["family": .integer(ResolveParameters.afInet6), "address": bytes(Array(repeating: 0, count: 15) + [1])]) }
        return .success([
            "addresses": .array(addresses), "name": .string(lowered),
            "flags": .integer(ResolveOutcome.dnsFlag | ResolveOutcome.syntheticFlag | ResolveOutcome.authenticatedFlag),
        ])
    }

    /// ResolveAddress: the PTR targets.
    static func address(_ outcome: ResolveOutcome, query: String) -> Result<[String: JSONValue], VarlinkError> {
        var names: [JSONValue] = []
        if case .records(let records, _) = outcome {
            for record in records where record.type == DNSType.ptr && record.rrclass == 1 {
                names.append(["name": .string(text(record.rdata))])
            }
        }
        guard !names.isEmpty else { return .failure(ResolveOutcome.error(of: [outcome], query: query)) }
        return .success(["names": .array(names), "flags": .integer(ResolveOutcome.flags(of: [outcome]))])
    }

    /// ResolveRecord: the records of the asked type and class, each with its
    /// key, the decoded fields of the common types, and `raw` (base64 wire form).
    static func record(_ outcome: ResolveOutcome, question: ResolveParameters.Record) -> Result<[String: JSONValue], VarlinkError> {
        var rrs: [JSONValue] = []
        if case .records(let records, _) = outcome {
            for record in records where record.type == question.type && record.rrclass == question.rrclass {
                var rr: [String: JSONValue] = [
                    "key": ["class": .integer(Int64(record.rrclass)), "type": .integer(Int64(record.type)), "name": .string(text(record.name))],
                ]
                switch record.type {
                case DNSType.a, DNSType.aaaa: rr["address"] = bytes(record.rdata)
                case DNSType.cname, DNSType.ptr, DNSType.ns, DNSType.dname: rr["name"] = .string(text(record.rdata))
                default: break
                }
                rrs.append(["rr": .object(rr), "raw": .string(Data(record.wire).base64EncodedString())])
            }
        }
        guard !rrs.isEmpty else { return .failure(ResolveOutcome.error(of: [outcome], query: question.name)) }
        return .success(["rrs": .array(rrs), "flags": .integer(ResolveOutcome.flags(of: [outcome]))])
    }

    /// The reverse-lookup name of `address` (4 or 16 bytes).
    static func reverseName(_ address: [UInt8]) -> String {
        if address.count == 4 { return address.reversed().map(String.init).joined(separator: ".") + ".in-addr.arpa" }
        let hex = Array("0123456789abcdef")
        var labels: [String] = []
        for byte in address.reversed() {
            labels.append(String(hex[Int(byte & 0x0F)]))
            labels.append(String(hex[Int(byte >> 4)]))
        }
        return labels.joined(separator: ".") + ".ip6.arpa"
    }

    private static func bytes(_ data: [UInt8]) -> JSONValue { .array(data.map { .integer(Int64($0)) }) }

    /// Presentation form without the trailing dot, as systemd normalizes names.
    private static func text(_ wire: [UInt8]) -> String {
        let name = DNSName.text(fromWire: wire)
        return name == "." ? name : String(name.dropLast())
    }
}
