/// Record types, classes and RCODEs used by name in pinhole.
public enum DNSType {
    public static let a: UInt16 = 1
    public static let ns: UInt16 = 2
    public static let cname: UInt16 = 5
    public static let dname: UInt16 = 39
    public static let soa: UInt16 = 6
    public static let ptr: UInt16 = 12
    public static let mx: UInt16 = 15
    public static let txt: UInt16 = 16
    public static let aaaa: UInt16 = 28
    public static let opt: UInt16 = 41
    public static let ds: UInt16 = 43
    public static let rrsig: UInt16 = 46
    public static let dnskey: UInt16 = 48
    public static let svcb: UInt16 = 64
    public static let https: UInt16 = 65
    public static let any: UInt16 = 255
}

/// Response codes (RFC 1035, 6895).
public enum DNSRcode {
    public static let noError: UInt16 = 0
    public static let formErr: UInt16 = 1
    public static let servFail: UInt16 = 2
    public static let nxDomain: UInt16 = 3
    public static let notImp: UInt16 = 4
    public static let refused: UInt16 = 5
}
