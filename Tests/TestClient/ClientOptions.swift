/// The command line of `pinhole-test-client` (see `usage`).
struct ClientOptions {
    var server: Endpoint?
    var name = "example.com"
    var type: UInt16 = 1
    var tcp = false
    var count = 1
    var reuseSocket = false
    var unconnected = false
    var dualStack = false
    var exitAfterSend = false
    var fork = false
    var waitFile: String?
    var sendSocket: String?
    var receiveSocket: String?
    var sleepAfter = 0.0
    var timeout = 3.0
    var serve: Endpoint?

    static let usage = """
        usage: pinhole-test-client --server ADDR:PORT [options]
               pinhole-test-client --serve ADDR:PORT
        Every action is printed as one JSON line on stdout.
          --server ADDR:PORT     server to query (v4, or [v6]:port)
          --name NAME            query name (example.com)
          --type TYPE            A, AAAA, ... or a number (A)
          --tcp                  query over TCP
          --count N              N queries, each on a new socket unless --reuse-socket
          --reuse-socket         one socket for all queries
          --unconnected          UDP sendto instead of connect
          --dual-stack           an AF_INET6 socket to a v4 server via ::ffff:
          --exit-after-send      send, don't wait, exit 0 at once
          --fork                 a forked child does the queries; the parent waits
          --wait-file PATH       block until PATH exists before the first query
          --send-socket PATH     connect a socket to the server, pass it over the
                                 Unix datagram socket PATH (SCM_RIGHTS), exit
          --receive-socket PATH  bind PATH, receive a socket, query through it
          --sleep-after SECONDS  stay alive this long after the queries
          --timeout SECONDS      wait this long for each answer (3)
          --serve ADDR:PORT      answer every query on UDP and TCP: NOERROR,
                                 A 192.0.2.1 / AAAA 2001:db8::1, TTL 60;
                                 internal.* → A 192.168.1.1; cloaked.* → CNAME
                                 cloaked-target.tracker.example, then the address;
                                 h<N>[-t<TTL>].* → 192.0.2.N / 2001:db8::N, TTL
        Exit status: 0 all answered, 1 error, 2 a query timed out.
        """

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(ClientError) -> ClientOptions {
        var options = ClientOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws(ClientError) -> String {
            guard let next = rest.popFirst() else { throw ClientError("\(flag) needs a value") }
            return next
        }
        func number(_ flag: String) throws(ClientError) -> Double {
            let text = try value(flag)
            guard let parsed = Double(text), parsed >= 0 else { throw ClientError("\(flag): not a number: \(text)") }
            return parsed
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--server": options.server = try Endpoint(parsing: value(flag))
            case "--serve": options.serve = try Endpoint(parsing: value(flag))
            case "--name": options.name = try value(flag)
            case "--type": options.type = try parseType(value(flag))
            case "--tcp": options.tcp = true
            case "--count": options.count = Int(try number(flag))
            case "--reuse-socket": options.reuseSocket = true
            case "--unconnected": options.unconnected = true
            case "--dual-stack": options.dualStack = true
            case "--exit-after-send": options.exitAfterSend = true
            case "--fork": options.fork = true
            case "--wait-file": options.waitFile = try value(flag)
            case "--send-socket": options.sendSocket = try value(flag)
            case "--receive-socket": options.receiveSocket = try value(flag)
            case "--sleep-after": options.sleepAfter = try number(flag)
            case "--timeout": options.timeout = try number(flag)
            default: throw ClientError("unknown option \(flag)\n\(usage)")
            }
        }
        if options.serve == nil && options.server == nil && options.receiveSocket == nil {
            throw ClientError("--server is required\n\(usage)")
        }
        if options.tcp && options.unconnected { throw ClientError("--unconnected is for UDP only") }
        return options
    }

    private static func parseType(_ text: String) throws(ClientError) -> UInt16 {
        let upper = text.uppercased()
        if let known = DNSMessage.typeNames[upper] { return known }
        let digits = upper.hasPrefix("TYPE") ? String(upper.dropFirst(4)) : upper
        guard let number = UInt16(digits) else { throw ClientError("unknown type \(text)") }
        return number
    }
}
