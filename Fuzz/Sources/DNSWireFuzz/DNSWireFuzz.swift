import DNSWire

/// libFuzzer entry point: every input goes through both parsers, and each
/// successful parse through the editors that run on it in the daemon.
/// Any trap, sanitizer report or broken invariant below is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let wire = Array(UnsafeBufferPointer(start: data, count: size))

    _ = DNSName.text(fromWire: wire)

    if let query = try? DNSQuery.parse(wire) {
        _ = DNSName.text(fromWire: query.question.name)
        for rcode: UInt16 in [1, 2, 5, 16] {
            let reply = DNSMessageBuilder.errorReply(to: query, rcode: rcode)
            check((try? DNSResponse.parse(reply)) != nil, "errorReply is not a valid reply")
        }
        let upstream = DNSMessageBuilder.upstreamQuery(from: query, id: 0x5A5A, advertisedPayloadSize: 1232)
        check(upstream.count == wire.count, "upstreamQuery changed the length")
        check((try? DNSQuery.parse(upstream))?.question == query.question, "upstreamQuery changed the question")
    }

    if let response = try? DNSResponse.parse(wire) {
        for field in response.ttlFields {
            check(field.offset >= 12 && field.offset + 4 <= wire.count, "TTL offset out of bounds")
        }
        if let name = response.question?.name { _ = DNSName.text(fromWire: name) }
        for limit in [0, 12, 100, 512, 1232, 65535] {
            let fit = DNSMessageBuilder.fitForUDP(wire, limit: limit)
            check(fit.count <= max(limit, 12), "fitForUDP exceeded its limit")
            if fit.count < wire.count {
                check((try? DNSResponse.parse(fit)) != nil, "fitForUDP output does not parse")
            }
        }
    }
    return 0
}

private func check(_ condition: Bool, _ what: StaticString) {
    if !condition { fatalError("fuzz invariant: \(what)") }
}
