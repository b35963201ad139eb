/// One name a line, `#` comments.
enum PlainFormat {
    static func parse(_ line: ListLine, plainLines: DomainMatch, into builder: inout ParsedListBuilder) {
        var line = line
        line.cut(at: UInt8(ascii: "#"))
        guard let name = line.nextToken() else { return }
        if let extra = line.nextToken() {
            builder.reject(line, "more than one word on the line ('\(line.text(extra))'); plain lists hold one name a line")
            return
        }
        builder.add(line, name: name, match: plainLines)
    }
}
