import CLdns

/// The one place DNSWire calls ldns: a full decode of a message, whose
/// record-data checks (e.g. an A record must have 4 bytes) our own walk
/// does not repeat.
enum LdnsValidator {
    /// ldns's description of what is wrong with `wire`, or nil when it decodes.
    static func problem(in wire: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = wire.baseAddress else { return "empty message" }
        var packet: UnsafeMutablePointer<ldns_pkt>? = nil
        let status = ldns_wire2pkt(&packet, base, wire.count)
        if let packet { ldns_pkt_free(packet) }
        guard status != LDNS_STATUS_OK else { return nil }
        guard let text = ldns_get_errorstr_by_id(status) else { return "ldns status \(status.rawValue)" }
        return String(cString: text)
    }
}
