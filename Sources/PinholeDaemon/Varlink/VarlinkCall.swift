import Foundation

/// One varlink method call as received: `{"method": "...", "parameters": {...},
/// "oneway": bool, "more": bool, "upgrade": bool}` (https://varlink.org).
struct VarlinkCall: Sendable, Equatable {
    /// Fully qualified: "io.systemd.Resolve.ResolveHostname".
    var method: String
    var parameters: [String: JSONValue]
    /// The caller wants no reply.
    var oneway: Bool
    /// The caller accepts several replies (`continues: true` on all but the last).
    var more: Bool
    /// The caller asks to switch the connection to another protocol.
    var upgrade: Bool

    init(method: String, parameters: [String: JSONValue] = [:], oneway: Bool = false, more: Bool = false, upgrade: Bool = false) {
        self.method = method
        self.parameters = parameters
        self.oneway = oneway
        self.more = more
        self.upgrade = upgrade
    }

    /// The interface part of `method` ("io.systemd.Resolve").
    var interface: String {
        guard let dot = method.lastIndex(of: ".") else { return "" }
        return String(method[..<dot])
    }

    /// Parses one message (without its NUL).
    /// - Throws: a `VarlinkError` reply saying what is wrong (never crashes on any bytes).
    static func parse(_ bytes: [UInt8]) throws(VarlinkError) -> VarlinkCall {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .invalidParameter("request", because: "not JSON (\(Self.describe(error)))")
        }
        guard let members = value.object else { throw .invalidParameter("request", because: "not a JSON object") }
        guard case .string(let method)? = members["method"], !method.isEmpty else {
            throw .invalidParameter("method", because: "no \"method\" string")
        }
        var parameters: [String: JSONValue] = [:]
        switch members["parameters"] {
        case nil, .null?: break
        case .object(let given)?: parameters = given
        default: throw .invalidParameter("parameters", because: "\"parameters\" is not an object")
        }
        func flag(_ name: String) throws(VarlinkError) -> Bool {
            switch members[name] {
            case nil, .null?: return false
            case .bool(let value)?: return value
            default: throw .invalidParameter(name, because: "\"\(name)\" is not a boolean")
            }
        }
        return VarlinkCall(method: method, parameters: parameters, oneway: try flag("oneway"), more: try flag("more"), upgrade: try flag("upgrade"))
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return "\(error)"
    }
}
