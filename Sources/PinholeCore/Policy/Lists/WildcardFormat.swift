/// `*.a.example` (subdomains only) or `a.example` (per the list), `#` comments.
enum WildcardFormat {
    static func parse(_ line: ListLine, plainLines: DomainMatch, into builder: inout ParsedListBuilder) {
        var line = line
        line.cut(at: UInt8(ascii: "#"))
        guard let token = line.nextToken() else { return }
        if let extra = line.nextToken() {
            builder.reject(line, "more than one word on the line ('\(line.text(extra))')")
            return
        }
        if line.hasPrefix("*.", in: token) {
            builder.add(line, name: token.lowerBound + 2..<token.upperBound, match: .subdomains)
        } else if line.firstIndex(of: UInt8(ascii: "*"), in: token) != nil {
            builder.reject(line, "'*' only as a whole first label ('*.a.example'): \(line.text(token))")
        } else {
            builder.add(line, name: token, match: plainLines)
        }
    }
}
