import Foundation

/// What a varlink service says about itself (`org.varlink.service.GetInfo`).
public struct VarlinkServiceInfo: Sendable, Equatable, Decodable {
    public var vendor: String
    public var product: String
    public var version: String
    public var interfaces: [String]

    public init(vendor: String, product: String, version: String, interfaces: [String]) {
        self.vendor = vendor
        self.product = product
        self.version = version
        self.interfaces = interfaces
    }

    /// True when the service is pinholed (not, say, systemd-resolved).
    public var isPinholed: Bool { vendor == "pinhole" && product == "pinholed" }
}
