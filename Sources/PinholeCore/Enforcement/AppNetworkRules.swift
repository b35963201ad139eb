/// What a profile says about an app's traffic beyond DNS, as the kernel
/// enforces it for the app's cgroup: the only interfaces its sockets may
/// leave through (`interfaces`) and the address ranges it may reach
/// without resolving them (`allow_cidrs`).
public struct AppNetworkRules: Sendable, Hashable {
    /// Interface names; empty: any interface.
    public var interfaces: [String]
    /// Ranges reachable without DNS (accepted like pins, for governed apps).
    public var allowCIDRs: [CIDRBlock]

    public init(interfaces: [String] = [], allowCIDRs: [CIDRBlock] = []) {
        self.interfaces = interfaces
        self.allowCIDRs = allowCIDRs
    }

    /// The rules of `profile`, in the order written, duplicates dropped.
    public init(profile: AppProfile) {
        self.init(
            interfaces: Self.unique(profile.interfaces.map(\.value)),
            allowCIDRs: Self.unique(profile.allowCIDRs.map(\.value)))
    }

    /// No restriction and no static range.
    public static let none = AppNetworkRules()

    public var isEmpty: Bool { interfaces.isEmpty && allowCIDRs.isEmpty }

    private static func unique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }
}
