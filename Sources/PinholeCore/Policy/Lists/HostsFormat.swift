/// `ADDRESS NAME [NAME…]` lines, `#` comments anywhere.
enum HostsFormat {
    static func parse(_ line: ListLine, plainLines: DomainMatch, into builder: inout ParsedListBuilder) {
        var line = line
        line.cut(at: UInt8(ascii: "#"))
        guard let address = line.nextToken() else { return }
        guard isAddress(address, in: line) else {
            builder.reject(line, "expected an address before the names, found '\(line.text(address))'")
            return
        }
        var names = 0
        while let name = line.nextToken() {
            names += 1
            builder.add(line, name: name, match: plainLines, skipLocal: true)
        }
        if names == 0 { builder.reject(line, "address '\(line.text(address))' without a name") }
    }

    /// IPv4 (digits and three dots) or IPv6 (hex digits and colons, maybe a zone).
    private static func isAddress(_ part: Range<Int>, in line: ListLine) -> Bool {
        var dots = 0
        var colons = 0
        var onlyDecimal = true
        for index in part {
            switch line.bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: ":"): colons += 1; onlyDecimal = false
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "%"):
                onlyDecimal = false
            default: return false
            }
        }
        return (onlyDecimal && dots == 3) || colons >= 2
    }
}
