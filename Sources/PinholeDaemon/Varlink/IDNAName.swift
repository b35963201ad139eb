import CIdn2

/// A domain name from an io.systemd.Resolve caller in the form DNS carries:
/// nss-resolve passes what the program asked for as UTF-8, and
/// systemd-resolved converts non-ASCII names to A-labels (punycode,
/// IDNA2008 with UTS #46 mapping) before it sends them as DNS queries.
/// This is the one wrapper of libidn2 (CIdn2).
enum IDNAName {
    /// Why a name has no A-label form.
    struct Failure: Error, Equatable, CustomStringConvertible {
        /// The name as given (at most 100 characters of it).
        var name: String
        /// libidn2's reason ("string contains a disallowed character", …).
        var reason: String

        var description: String { "\"\(name)\" cannot be converted to an IDNA A-label name: \(reason)" }
    }

    /// `name` with every non-ASCII label as an A-label
    /// ("bücher.example" → "xn--bcher-kva.example"); an all-ASCII name is
    /// returned as it is (case and all: DNS is case-insensitive and the
    /// caller's spelling is what the log shows). A trailing dot is kept.
    /// Like systemd-resolved: IDNA2008 (non-transitional) first, and
    /// transitional processing (IDNA2003 mapping, e.g. "ß" → "ss") only
    /// where IDNA2008 disallows a character.
    static func ascii(_ name: String) throws(Failure) -> String {
        guard name.utf8.contains(where: { $0 >= 0x80 }) else { return name }
        let absolute = name.hasSuffix(".")
        let relative = absolute ? String(name.dropLast()) : name
        var (converted, code) = lookup(relative, flags: Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue))
        if code == IDN2_DISALLOWED.rawValue {
            (converted, code) = lookup(relative, flags: Int32(IDN2_NFC_INPUT.rawValue | IDN2_TRANSITIONAL.rawValue))
        }
        guard let converted else {
            let reason = idn2_strerror(code).map { String(cString: $0) } ?? "libidn2 error \(code)"
            throw Failure(name: String(name.prefix(100)), reason: reason)
        }
        return absolute ? converted + "." : converted
    }

    /// idn2_lookup_u8 of `name`: the converted name (nil on failure) and libidn2's return code.
    private static func lookup(_ name: String, flags: Int32) -> (String?, Int32) {
        var output: UnsafeMutablePointer<UInt8>?
        let code = name.withCString { input in
            input.withMemoryRebound(to: UInt8.self, capacity: name.utf8.count + 1) { idn2_lookup_u8($0, &output, flags) }
        }
        defer { idn2_free(output) }
        guard code == IDN2_OK.rawValue, let output else { return (nil, code) }
        return (String(cString: output), code)
    }
}
