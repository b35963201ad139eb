/// The sockets listed in one of /proc/net/{udp,udp6,tcp,tcp6}.
struct ProcNetSocketTable {
    /// One socket: its local address, TCP state and inode.
    struct Entry: Equatable {
        /// Local address, network byte order (4 or 16 bytes), and port.
        var local: SocketAddressText
        /// The kernel's state code: 0x0A is TCP LISTEN, 0x07 an unconnected UDP socket.
        var state: UInt8
        var inode: UInt64
    }

    static let tcpListen: UInt8 = 0x0A

    var entries: [Entry]

    /// Parses the file's text; lines that do not parse are skipped.
    init(parsing text: String) {
        entries = text.split(separator: "\n").dropFirst().compactMap(Self.entry)
    }

    /// Reads `path`; an unreadable file (no IPv6, say) is an empty table.
    init(path: String) {
        self.init(parsing: (try? TextFile.contents(of: path)) ?? "")
    }

    // "  0: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000  0  0 17474 2 ..."
    private static func entry(_ line: Substring) -> Entry? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count > 9 else { return nil }
        let local = fields[1].split(separator: ":")
        guard local.count == 2,
              let bytes = addressBytes(local[0]),
              let port = Int(local[1], radix: 16),
              let state = UInt8(fields[3], radix: 16),
              let inode = UInt64(fields[9])
        else { return nil }
        return Entry(local: SocketAddressText(bytes: bytes, port: port), state: state, inode: inode)
    }

    /// The kernel prints the address as 32-bit words with "%08X", each word
    /// loaded from the network-order bytes in host order; reading the words
    /// back and storing them in host order restores the original bytes.
    private static func addressBytes(_ hex: Substring) -> [UInt8]? {
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<next], radix: 16) else { return nil }
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
            index = next
        }
        return bytes
    }
}
