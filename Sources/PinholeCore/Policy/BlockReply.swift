/// How a blocked name is answered.
public enum BlockReply: String, Sendable, Hashable, CaseIterable {
    /// An address that goes nowhere: 0.0.0.0 for A, :: for AAAA, NODATA for other types.
    case null
    /// NXDOMAIN: the name does not exist.
    case nxdomain
    /// NOERROR with no answer records.
    case nodata
    /// REFUSED.
    case refused

    /// "null, nxdomain, nodata, refused", for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
