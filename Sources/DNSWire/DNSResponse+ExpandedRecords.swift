import CLdns

#if canImport(Glibc)
import Glibc
#endif

extension DNSResponse {
    /// The answer section's records in stand-alone wire form (ldns expands
    /// the names inside record data, which only it knows per type). Empty
    /// when ldns cannot decode the message, which `parse` already ruled out.
    public func expandedAnswerRecords() -> [ExpandedRecord] {
        guard answerCount > 0 else { return [] }
        return wire.withUnsafeBufferPointer { buffer -> [ExpandedRecord] in
            guard let base = buffer.baseAddress else { return [] }
            var packet: UnsafeMutablePointer<ldns_pkt>? = nil
            guard ldns_wire2pkt(&packet, base, buffer.count) == LDNS_STATUS_OK, let packet else { return [] }
            defer { ldns_pkt_free(packet) }
            guard let answers = ldns_pkt_answer(packet) else { return [] }
            var records: [ExpandedRecord] = []
            for index in 0..<ldns_rr_list_rr_count(answers) {
                guard let rr = ldns_rr_list_rr(answers, index) else { continue }
                var bytes: UnsafeMutablePointer<UInt8>? = nil
                var size = 0
                guard ldns_rr2wire(&bytes, rr, Int32(LDNS_SECTION_ANSWER.rawValue), &size) == LDNS_STATUS_OK, let bytes else { continue }
                defer { free(bytes) }
                if let record = ExpandedRecord(wire: Array(UnsafeBufferPointer(start: bytes, count: size))) {
                    records.append(record)
                }
            }
            return records
        }
    }
}
