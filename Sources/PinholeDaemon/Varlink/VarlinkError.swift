/// A varlink error reply: `{"error": name, "parameters": {...}}`.
struct VarlinkError: Error, Sendable, Equatable {
    /// Fully qualified: "io.systemd.Resolve.NoSuchResourceRecord".
    var name: String
    var parameters: [String: JSONValue]
    /// Why, for pinholed's own log (never sent: clients only know the name).
    var detail: String

    init(_ name: String, _ parameters: [String: JSONValue] = [:], detail: String = "") {
        self.name = name
        self.parameters = parameters
        self.detail = detail
    }

    /// `org.varlink.service.InvalidParameter`: `parameter` is missing, of the
    /// wrong type or out of range (also used for a request that is not a
    /// call at all: varlink defines no error for that).
    static func invalidParameter(_ parameter: String, because detail: String) -> VarlinkError {
        VarlinkError("org.varlink.service.InvalidParameter", ["parameter": .string(parameter)], detail: detail)
    }

    static func methodNotFound(_ method: String) -> VarlinkError {
        VarlinkError("org.varlink.service.MethodNotFound", ["method": .string(method)], detail: "no method \(method)")
    }

    static func interfaceNotFound(_ interface: String) -> VarlinkError {
        VarlinkError("org.varlink.service.InterfaceNotFound", ["interface": .string(interface)], detail: "no interface \(interface)")
    }

    static func methodNotImplemented(_ method: String, because detail: String) -> VarlinkError {
        VarlinkError("org.varlink.service.MethodNotImplemented", ["method": .string(method)], detail: detail)
    }

    /// io.systemd.Resolve's errors (nss-resolve: NoNameServers, QueryTimedOut
    /// and MaxAttemptsReached mean "try again", the others "not found").
    static let noSuchResourceRecord = VarlinkError("io.systemd.Resolve.NoSuchResourceRecord")
    static let noNameServers = VarlinkError("io.systemd.Resolve.NoNameServers")
    static let queryTimedOut = VarlinkError("io.systemd.Resolve.QueryTimedOut")
    static let maxAttemptsReached = VarlinkError("io.systemd.Resolve.MaxAttemptsReached")
    static let invalidReply = VarlinkError("io.systemd.Resolve.InvalidReply")
    static let typeInvalidForQuery = VarlinkError("io.systemd.Resolve.ResourceRecordTypeInvalidForQuery")

    /// `DNSError`: the server answered with `rcode` (3 = NXDOMAIN).
    static func dnsError(rcode: UInt16, query: String) -> VarlinkError {
        VarlinkError("io.systemd.Resolve.DNSError", ["rcode": .integer(Int64(rcode)), "queryString": .string(query)])
    }
}
