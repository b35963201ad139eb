import Testing
import TestSupport

extension NamespacedThread {
    /// Adds the veth pair pinhole0/pinhole1 with 10.77.0.1/24 on pinhole0,
    /// both up: 10.77.0.2 and the rest of the /24 route out of pinhole0 and
    /// never answer (the connect tests' "somewhere not loopback").
    func addVeth() throws {
        let veth = try shell("""
            ip link add pinhole0 type veth peer name pinhole1 && ip addr add 10.77.0.1/24 dev pinhole0 \
            && ip link set pinhole0 up && ip link set pinhole1 up
            """)
        try #require(veth.status == 0, "veth: \(veth.output)")
    }
}
