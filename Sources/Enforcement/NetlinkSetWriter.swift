import CNftnl
import Glibc

/// Adds and deletes elements of the sets of `inet pinhole` over one
/// NETLINK_NETFILTER socket (libmnl), messages built by libnftnl: a
/// batch BEGIN, NFT_MSG_NEWSETELEM (or DELSETELEM) per set and chunk,
/// END. The kernel applies a batch as one transaction, inside `sendto`,
/// so every ack is queued by the time it returns; the call returns after
/// reading them, with the elements in place (or throws the kernel's errno).
///
/// Re-adding an element that exists refreshes its timeout (kernel ≥ 6.x
/// with NLM_F_CREATE and no NLM_F_EXCL). The socket belongs to the network
/// namespace of the thread that called `init`. Not thread-safe: one owner
/// thread, or a lock around it.
public final class NetlinkSetWriter {
    /// At most this many elements per message: the element list is one
    /// netlink attribute, whose length is 16 bits (≤ 64 KiB).
    static let elementsPerMessage = 1000
    /// At most this many messages per sendto (≈ 50 KiB each).
    static let messagesPerSend = 16

    private let socket: OpaquePointer
    private let portID: UInt32
    private var sequence: UInt32
    private var buffer: UnsafeMutableRawBufferPointer
    private var receiveBuffer: UnsafeMutableRawBufferPointer
    /// Whether the kernel takes NFT_MSG_DESTROYSETELEM (nil: not tried yet);
    /// tests set false to exercise the older kernels' path.
    var destroySupported: Bool?

    public init() throws(NetlinkError) {
        guard let socket = mnl_socket_open(NETLINK_NETFILTER) else {
            throw NetlinkError(operation: "open a NETLINK_NETFILTER socket", errno: Glibc.errno)
        }
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = Glibc.errno
            mnl_socket_close(socket)
            throw NetlinkError(operation: "bind the NETLINK_NETFILTER socket", errno: code)
        }
        let fd = mnl_socket_get_fd(socket)
        var one: Int32 = 1
        // Acks without the request echoed (an error would echo 50 KiB), and the kernel's error text.
        setsockopt(fd, pinhole_sol_netlink, pinhole_netlink_cap_ack, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, pinhole_sol_netlink, pinhole_netlink_ext_ack, &one, socklen_t(MemoryLayout<Int32>.size))
        // A send must fit the send buffer whole; FORCE needs CAP_NET_ADMIN, which pinning needs anyway.
        var size = Int32(4 << 20)
        if setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        self.socket = socket
        self.portID = mnl_socket_get_portid(socket)
        self.sequence = UInt32(truncatingIfNeeded: time(nil))
        let bytes = Self.messagesPerSend * (Self.elementsPerMessage * 64 + 512) + 1024
        self.buffer = .allocate(byteCount: bytes, alignment: 8)
        self.receiveBuffer = .allocate(byteCount: 1 << 16, alignment: 8)
    }

    deinit {
        mnl_socket_close(socket)
        buffer.deallocate()
        receiveBuffer.deallocate()
    }

    /// Adds `elements` (any mix of sets) in as few sends as fit; an element
    /// that exists gets the new timeout.
    public func add(_ elements: some Collection<SetElement>) throws(NetlinkError) {
        try send(elements, type: UInt16(NFT_MSG_NEWSETELEM.rawValue), flags: UInt16(NLM_F_CREATE | NLM_F_ACK), verb: "add")
    }

    /// Deletes `elements`; one that is not there fails the batch (ENOENT).
    public func delete(_ elements: some Collection<SetElement>) throws(NetlinkError) {
        try send(elements, type: UInt16(NFT_MSG_DELSETELEM.rawValue), flags: UInt16(NLM_F_ACK), verb: "delete")
    }

    /// Deletes `elements`, ignoring those that are not there: an element
    /// that expired, or was never added, does not fail the batch.
    ///
    /// One NFT_MSG_DESTROYSETELEM batch on Linux ≥ 6.3. Older kernels
    /// (Debian 12's 6.1, Ubuntu 22.04's 5.15) refuse that message type with
    /// EINVAL; from then on every element gets a delete batch of its own,
    /// where ENOENT is what destroy would have skipped. Deletions are rare
    /// (a cgroup went away, a profile changed), so the extra sends are cheap.
    public func destroy(_ elements: some Collection<SetElement>) throws(NetlinkError) {
        guard !elements.isEmpty else { return }
        if destroySupported != false {
            do throws(NetlinkError) {
                try send(elements, type: UInt16(pinhole_nft_msg_destroysetelem), flags: UInt16(NLM_F_ACK), verb: "destroy")
                destroySupported = true
                return
            } catch {
                // Once destroy has worked, EINVAL is about the elements, not the message type.
                guard destroySupported == nil, error.errno == EINVAL || error.errno == EOPNOTSUPP else { throw error }
                destroySupported = false
            }
        }
        for element in elements {
            do throws(NetlinkError) {
                try delete(CollectionOfOne(element))
            } catch where error.errno == ENOENT {
                continue
            }
        }
    }

    /// How many elements `set` of `inet pinhole` holds, from a
    /// NFT_MSG_GETSETELEM dump (cheap next to nft's listing, which looks up
    /// the path of every cgroup id it prints).
    public func count(set: String) throws(NetlinkError) -> Int {
        var total = 0
        try dump(set: set, what: "count the elements of inet pinhole \(set) (netlink dump)") { _, _ in total += 1 }
        return total
    }

    /// The keys of every element of `set` of `inet pinhole`, as the kernel
    /// holds them (`SetElement.writeKey`'s layout), from a NFT_MSG_GETSETELEM dump.
    public func keys(set: String) throws(NetlinkError) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        try dump(set: set, what: "list the elements of inet pinhole \(set) (netlink dump)") { key, _ in keys.append(key) }
        return keys
    }

    /// The elements of the set of `kind` as the kernel holds them (ranges
    /// of `static4`/`static6` from their key and end key), from a
    /// NFT_MSG_GETSETELEM dump; keys of another layout are skipped.
    public func elements(of kind: SetElement.Kind) throws(NetlinkError) -> [SetElement] {
        var elements: [SetElement] = []
        try dump(set: kind.rawValue, what: "list the elements of inet pinhole \(kind.rawValue) (netlink dump)") { key, end in
            if let element = SetElement(kind: kind, key: key, keyEnd: end) { elements.append(element) }
        }
        return elements
    }

    /// The cgroup ids of `set`'s elements (the first 8 bytes of each key,
    /// host order: not for the interval sets `static4`/`static6`), distinct.
    public func cgroupIDs(set: String) throws(NetlinkError) -> Set<UInt64> {
        var ids: Set<UInt64> = []
        try dump(set: set, what: "list the cgroup ids of inet pinhole \(set) (netlink dump)") { key, _ in
            guard key.count >= 8 else { return }
            ids.insert(key.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        }
        return ids
    }

    /// Runs a NFT_MSG_GETSETELEM dump of `set`, handing each element's key
    /// (and end key, in the interval sets) to `body`.
    private func dump(set: String, what: String, _ body: ([UInt8], [UInt8]?) -> Void) throws(NetlinkError) {
        final class Keys { var list: [([UInt8], [UInt8]?)] = [] }
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        sequence &+= 1
        let request = sequence
        let header = nftnl_nlmsg_build_hdr(base, UInt16(NFT_MSG_GETSETELEM.rawValue), pinhole_nfproto_inet, UInt16(NLM_F_DUMP | NLM_F_ACK), request)!
        try buildPayload(header, set: set, elements: [])
        guard mnl_socket_sendto(socket, buffer.baseAddress, Int(header.pointee.nlmsg_len)) >= 0 else {
            throw NetlinkError(operation: what, errno: Glibc.errno)
        }
        while true {
            let count = recv(mnl_socket_get_fd(socket), receiveBuffer.baseAddress, receiveBuffer.count, 0)
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw NetlinkError(operation: what, errno: Glibc.errno)
            }
            var offset = 0
            while offset + MemoryLayout<nlmsghdr>.size <= count {
                let message = receiveBuffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: nlmsghdr.self)
                let length = Int(message.pointee.nlmsg_len)
                guard length >= MemoryLayout<nlmsghdr>.size, offset + length <= count else { break }
                defer { offset += (length + 3) & ~3 }
                guard message.pointee.nlmsg_seq == request else { continue }
                switch Int32(message.pointee.nlmsg_type) {
                case NLMSG_DONE:
                    return
                case NLMSG_ERROR:
                    let code = receiveBuffer.load(fromByteOffset: offset + MemoryLayout<nlmsghdr>.size, as: Int32.self)
                    if code != 0 { throw NetlinkError(operation: what, errno: -code) }
                default:
                    guard let parsed = nftnl_set_alloc() else { throw NetlinkError(operation: what, errno: ENOMEM) }
                    defer { nftnl_set_free(parsed) }
                    guard nftnl_set_elems_nlmsg_parse(message, parsed) >= 0 else {
                        throw NetlinkError(operation: what, errno: Glibc.errno, detail: "unparsable NEWSETELEM message")
                    }
                    let keys = Keys()
                    _ = withExtendedLifetime(keys) {
                        nftnl_set_elem_foreach(parsed, { item, data in
                            let keys = Unmanaged<Keys>.fromOpaque(data!).takeUnretainedValue()
                            func bytes(_ attribute: Int) -> [UInt8]? {
                                var length: UInt32 = 0
                                guard let data = nftnl_set_elem_get(item, UInt16(attribute), &length) else { return nil }
                                return Array(UnsafeRawBufferPointer(start: data, count: Int(length)))
                            }
                            keys.list.append((bytes(NFTNL_SET_ELEM_KEY) ?? [], bytes(NFTNL_SET_ELEM_KEY_END)))
                            return 0
                        }, Unmanaged.passUnretained(keys).toOpaque())
                    }
                    for (key, end) in keys.list { body(key, end) }
                }
            }
        }
    }

    private func send(_ elements: some Collection<SetElement>, type: UInt16, flags: UInt16, verb: String) throws(NetlinkError) {
        guard !elements.isEmpty else { return }
        var bySet: [String: [SetElement]] = [:]
        for element in elements { bySet[element.setName, default: []].append(element) }
        var chunks: [(set: String, elements: ArraySlice<SetElement>)] = []
        for (set, list) in bySet.sorted(by: { $0.key < $1.key }) {
            // A range element carries two keys (≈ 80 bytes): half as many keep the attribute under 64 KiB.
            let perMessage = set.hasPrefix("static") ? Self.elementsPerMessage / 2 : Self.elementsPerMessage
            var start = 0
            while start < list.count {
                let end = min(start + perMessage, list.count)
                chunks.append((set, list[start..<end]))
                start = end
            }
        }
        var first = 0
        while first < chunks.count {
            let last = min(first + Self.messagesPerSend, chunks.count)
            try sendBatch(chunks[first..<last], type: type, flags: flags, verb: verb)
            first = last
        }
    }

    private func sendBatch(_ chunks: ArraySlice<(set: String, elements: ArraySlice<SetElement>)>, type: UInt16, flags: UInt16, verb: String) throws(NetlinkError) {
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        var offset = 0
        func advance(_ header: UnsafeMutablePointer<nlmsghdr>) { offset += Int((header.pointee.nlmsg_len + 3) & ~3) }

        sequence &+= 1
        advance(nftnl_batch_begin(base + offset, sequence))
        let firstMessage = sequence &+ 1
        for chunk in chunks {
            sequence &+= 1
            let header = nftnl_nlmsg_build_hdr(base + offset, type, pinhole_nfproto_inet, flags, sequence)!
            try buildPayload(header, set: chunk.set, elements: chunk.elements)
            advance(header)
        }
        let lastMessage = sequence
        sequence &+= 1
        advance(nftnl_batch_end(base + offset, sequence))

        let what = "\(verb) \(chunks.reduce(0) { $0 + $1.elements.count }) elements of inet pinhole \(Set(chunks.map(\.set)).sorted().joined(separator: "/")) (netlink)"
        guard mnl_socket_sendto(socket, buffer.baseAddress, offset) == offset else {
            throw NetlinkError(operation: what, errno: Glibc.errno)
        }
        try readAcks(from: firstMessage, to: lastMessage, what: what)
    }

    private func buildPayload(_ header: UnsafeMutablePointer<nlmsghdr>, set: String, elements: ArraySlice<SetElement>) throws(NetlinkError) {
        guard let nftSet = nftnl_set_alloc() else { throw NetlinkError(operation: "nftnl_set_alloc", errno: ENOMEM) }
        defer { nftnl_set_free(nftSet) }
        nftnl_set_set_str(nftSet, UInt16(NFTNL_SET_TABLE.rawValue), EnforcementTable.name)
        nftnl_set_set_str(nftSet, UInt16(NFTNL_SET_NAME.rawValue), set)
        var key = (UInt64(0), UInt64(0), UInt64(0))
        for element in elements {
            guard let item = nftnl_set_elem_alloc() else { throw NetlinkError(operation: "nftnl_set_elem_alloc", errno: ENOMEM) }
            withUnsafeMutableBytes(of: &key) { raw in
                let length = element.writeKey(into: raw)
                nftnl_set_elem_set(item, UInt16(NFTNL_SET_ELEM_KEY), raw.baseAddress, UInt32(length))
                // An interval of a concatenation (pipapo): the range's last key, inclusive.
                if let length = element.writeKeyEnd(into: raw) {
                    nftnl_set_elem_set(item, UInt16(NFTNL_SET_ELEM_KEY_END), raw.baseAddress, UInt32(length))
                }
            }
            if element.timeoutSeconds > 0 {
                nftnl_set_elem_set_u64(item, UInt16(NFTNL_SET_ELEM_TIMEOUT), UInt64(element.timeoutSeconds) * 1000)
            }
            nftnl_set_elem_add(nftSet, item)
        }
        nftnl_set_elems_nlmsg_build_payload(header, nftSet)
    }

    /// Reads what the kernel queued in reply to messages first…last: one
    /// ack each (error 0) or an error. Everything is there already (the
    /// batch ran inside sendto), so reads do not block.
    private func readAcks(from first: UInt32, to last: UInt32, what: String) throws(NetlinkError) {
        var failure: NetlinkError?
        var acked = 0
        let expected = Int(last &- first) + 1
        while acked < expected {
            let count = recv(mnl_socket_get_fd(socket), receiveBuffer.baseAddress, receiveBuffer.count, Int32(MSG_DONTWAIT))
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                if Glibc.errno == EAGAIN || Glibc.errno == EWOULDBLOCK { break }
                throw NetlinkError(operation: what + ": reading acks", errno: Glibc.errno)
            }
            var offset = 0
            while offset + MemoryLayout<nlmsghdr>.size <= count {
                let header = receiveBuffer.load(fromByteOffset: offset, as: nlmsghdr.self)
                guard header.nlmsg_len >= UInt32(MemoryLayout<nlmsghdr>.size), offset + Int(header.nlmsg_len) <= count else { break }
                if header.nlmsg_type == UInt16(NLMSG_ERROR) {
                    let code = receiveBuffer.load(fromByteOffset: offset + MemoryLayout<nlmsghdr>.size, as: Int32.self)
                    let echoed = receiveBuffer.load(fromByteOffset: offset + MemoryLayout<nlmsghdr>.size + 4, as: nlmsghdr.self)
                    if echoed.nlmsg_seq &- first <= last &- first {
                        acked += 1
                        if code != 0, failure == nil {
                            failure = NetlinkError(operation: what, errno: -code, detail: extendedAckMessage(at: offset, header: header))
                        }
                    }
                }
                offset += Int((header.nlmsg_len + 3) & ~3)
            }
        }
        if let failure { throw failure }
        guard acked == expected else {
            throw NetlinkError(operation: what, errno: 0, detail: "the kernel acked \(acked) of \(expected) messages")
        }
    }

    /// NLMSGERR_ATTR_MSG (1) of an extended ack, "" when there is none.
    private func extendedAckMessage(at offset: Int, header: nlmsghdr) -> String {
        // nlmsgerr (int error + the echoed header, capped), then attributes.
        var position = offset + MemoryLayout<nlmsghdr>.size + 4 + MemoryLayout<nlmsghdr>.size
        let end = offset + Int(header.nlmsg_len)
        while position + 4 <= end {
            let length = Int(receiveBuffer.load(fromByteOffset: position, as: UInt16.self))
            let kind = receiveBuffer.load(fromByteOffset: position + 2, as: UInt16.self) & 0x3fff
            guard length >= 4, position + length <= end else { break }
            if kind == 1 {
                let bytes = UnsafeRawBufferPointer(rebasing: receiveBuffer[(position + 4)..<(position + length)])
                return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            position += (length + 3) & ~3
        }
        return ""
    }
}
