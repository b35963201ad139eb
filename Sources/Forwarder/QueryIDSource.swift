/// Random query IDs: 16 bits of the kernel's CSPRNG each, four per
/// getrandom call. Used only on the reactor thread; `@unchecked Sendable`
/// rests on that.
final class QueryIDSource: @unchecked Sendable {
    /// Unused bits of the last 64 drawn from the system generator.
    private var pool: UInt64 = 0
    private var remaining = 0

    /// The next random ID.
    func next() -> UInt16 {
        if remaining == 0 {
            var generator = SystemRandomNumberGenerator()
            pool = generator.next()
            remaining = 4
        }
        let id = UInt16(truncatingIfNeeded: pool)
        pool >>= 16
        remaining -= 1
        return id
    }
}
