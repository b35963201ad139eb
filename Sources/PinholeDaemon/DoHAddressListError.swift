/// The DoH address list could not be read or loaded.
struct DoHAddressListError: Error, CustomStringConvertible {
    let path: String
    let message: String
    var description: String { "\(path): \(message)" }
}
