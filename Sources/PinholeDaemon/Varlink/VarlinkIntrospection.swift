/// org.varlink.service: what the service is and which interfaces it has.
enum VarlinkIntrospection {
    static func answer(_ call: VarlinkCall) -> Result<[String: JSONValue], VarlinkError> {
        switch call.method {
        case "org.varlink.service.GetInfo":
            return .success([
                "vendor": "pinhole", "product": "pinholed", "version": .string(PinholeVersion.string),
                "url": "",
                "interfaces": [.string(ResolveInterface.serviceName), .string(ResolveInterface.name)],
            ])
        case "org.varlink.service.GetInterfaceDescription":
            guard case .string(let interface)? = call.parameters["interface"] else {
                return .failure(.invalidParameter("interface", because: "missing or not a string"))
            }
            switch interface {
            case ResolveInterface.name: return .success(["description": .string(ResolveInterface.description)])
            case ResolveInterface.serviceName: return .success(["description": .string(ResolveInterface.serviceDescription)])
            default: return .failure(.interfaceNotFound(interface))
            }
        default:
            return .failure(.methodNotFound(call.method))
        }
    }
}
