import DNSWire
#if canImport(Glibc)
import Glibc
#endif

/// A few valid queries and replies, built with DNSWire itself, so the fuzzer
/// starts from messages that get deep into both parsers.
enum SeedCorpus {
    static func messages() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        let plain = try DNSMessageBuilder.query(id: 1, name: "www.example.com", type: DNSType.a)
        let edns = try DNSMessageBuilder.query(
            id: 2, name: "Example.ORG", type: DNSType.aaaa, checkingDisabled: true,
            edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: true)
        )
        seeds += [plain, edns]
        let q1 = try DNSQuery.parse(plain)
        let q2 = try DNSQuery.parse(edns)
        seeds.append(DNSMessageBuilder.reply(to: q1, answers: [
            .cname("www.example.com", "web.example.com", ttl: 300), .a("web.example.com", "192.0.2.1", ttl: 60),
        ]))
        seeds.append(DNSMessageBuilder.reply(to: q2, answers: [.aaaa("example.org", "2001:db8::1")],
                                             additional: [.txt("t.example.org", ["v=1", "x"])]))
        seeds.append(DNSMessageBuilder.reply(to: q2, rcode: DNSRcode.nxDomain, authority: [
            .soa("example.org", mname: "ns1.example.org", rname: "hostmaster.example.org", minimum: 900),
        ]))
        seeds.append(DNSMessageBuilder.errorReply(to: q2, rcode: 16))
        seeds.append(DNSMessageBuilder.reply(to: q1, answers: [.raw("www.example.com", 65280, [1, 2, 3])], truncated: true))
        // A compressed reply: answer owner points at the question name.
        var compressed = DNSMessageBuilder.reply(to: q1)
        compressed[7] = 1
        compressed += [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]
        seeds.append(compressed)
        return seeds
    }

    /// Writes the seeds as files seed-N into `directory` (which must exist).
    static func write(to directory: String) -> CInt {
        do {
            for (index, seed) in try messages().enumerated() {
                let path = "\(directory)/seed-\(index)"
                guard let file = fopen(path, "wb") else {
                    print("cannot create \(path)")
                    return 1
                }
                let written = seed.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
                fclose(file)
                guard written == seed.count else {
                    print("short write to \(path)")
                    return 1
                }
            }
            return 0
        } catch {
            print("cannot build seeds: \(error)")
            return 1
        }
    }
}
