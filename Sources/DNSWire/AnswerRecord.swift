/// One record of a reply's answer section, as policy (the CNAME chain, the
/// rebinding guard) and pinning read it.
public struct AnswerRecord: Sendable, Hashable {
    /// Owner name, lowercase uncompressed wire form.
    public var name: [UInt8]
    public var type: UInt16
    public var ttl: UInt32
    /// The target of a CNAME or DNAME, lowercase uncompressed wire form.
    public var target: [UInt8]?
    /// The address of an A (4 bytes) or AAAA (16 bytes) record.
    public var address: [UInt8]?
    /// The `ipv4hint`/`ipv6hint` addresses of an SVCB or HTTPS record.
    public var hints: [[UInt8]]

    public init(
        name: [UInt8], type: UInt16, ttl: UInt32, target: [UInt8]? = nil, address: [UInt8]? = nil, hints: [[UInt8]] = []
    ) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.target = target
        self.address = address
        self.hints = hints
    }
}

extension DNSResponse {
    /// The records of the answer section. The reply was validated when it
    /// was parsed; a record that still cannot be read ends the list there.
    public func answerRecords() -> [AnswerRecord] {
        guard answerCount > 0, wire.count >= 12 else { return [] }
        return wire.withUnsafeBufferPointer { buffer in
            let reader = WireReader(bytes: buffer)
            var records: [AnswerRecord] = []
            records.reserveCapacity(answerCount)
            do throws(WireError) {
                var pos = 12
                if question != nil { pos = try reader.skipName(at: 12) + 4 }
                for _ in 0..<answerCount {
                    let record = try reader.record(at: pos)
                    var answer = AnswerRecord(
                        name: try reader.expandedLowercasedName(at: record.start), type: record.type, ttl: record.ttl)
                    switch record.type {
                    case DNSType.cname, DNSType.dname:
                        answer.target = try reader.expandedLowercasedName(at: record.rdataStart)
                    case DNSType.a where record.rdataLength == 4, DNSType.aaaa where record.rdataLength == 16:
                        answer.address = Array(buffer[record.rdataStart..<record.end])
                    case DNSType.svcb, DNSType.https:
                        answer.hints = ServiceHints.addresses(in: buffer[record.rdataStart..<record.end])
                    default:
                        break
                    }
                    records.append(answer)
                    pos = record.end
                }
            } catch {
                return records
            }
            return records
        }
    }
}
