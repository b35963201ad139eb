/// The varlink interfaces pinholed serves and their descriptions (what
/// `org.varlink.service.GetInterfaceDescription` returns): the part of
/// systemd-resolved's io.systemd.Resolve that glibc's nss-resolve and
/// `ResolveRecord` callers use, with its field names and errors.
enum ResolveInterface {
    static let name = "io.systemd.Resolve"
    static let serviceName = "org.varlink.service"

    /// The methods of io.systemd.Resolve pinholed implements (short names).
    static let methods: Set<String> = ["ResolveHostname", "ResolveAddress", "ResolveRecord"]

    /// io.systemd.Resolve in varlink's interface definition language.
    static let description = """
        interface io.systemd.Resolve

        type ResolvedAddress(
        \tifindex: ?int,
        \tfamily: int,
        \taddress: []int
        )

        type ResolvedName(
        \tifindex: ?int,
        \tname: string
        )

        type ResourceKey(
        \tclass: ?int,
        \ttype: int,
        \tname: string
        )

        type ResourceRecord(
        \tkey: ResourceKey,
        \taddress: ?[]int,
        \tname: ?string
        )

        type ResolvedRecord(
        \tifindex: ?int,
        \trr: ?ResourceRecord,
        \traw: string
        )

        # Addresses of a host name; family 2 (AF_INET), 10 (AF_INET6) or unset for both.
        method ResolveHostname(
        \tifindex: ?int,
        \tname: string,
        \tfamily: ?int,
        \tflags: ?int
        ) -> (
        \taddresses: []ResolvedAddress,
        \tname: string,
        \tflags: int
        )

        # Names of an address (4 or 16 bytes), from its PTR records.
        method ResolveAddress(
        \tifindex: ?int,
        \tfamily: int,
        \taddress: []int,
        \tflags: ?int
        ) -> (
        \tnames: []ResolvedName,
        \tflags: int
        )

        # Records of any type; raw is the record's wire form in base64.
        method ResolveRecord(
        \tifindex: ?int,
        \tname: string,
        \tclass: ?int,
        \ttype: int,
        \tflags: ?int
        ) -> (
        \trrs: []ResolvedRecord,
        \tflags: int
        )

        error NoNameServers()
        error NoSuchResourceRecord()
        error QueryTimedOut()
        error MaxAttemptsReached()
        error InvalidReply()
        error QueryAborted()
        error ResourceRecordTypeInvalidForQuery()
        error DNSError(rcode: int, queryString: ?string)

        """

    /// org.varlink.service, the introspection interface every service has.
    static let serviceDescription = """
        interface org.varlink.service

        method GetInfo() -> (
        \tvendor: string,
        \tproduct: string,
        \tversion: string,
        \turl: string,
        \tinterfaces: []string
        )

        method GetInterfaceDescription(interface: string) -> (description: string)

        error InterfaceNotFound(interface: string)
        error MethodNotFound(method: string)
        error MethodNotImplemented(method: string)
        error InvalidParameter(parameter: string)
        error PermissionDenied()
        error ExpectedMore()

        """
}
