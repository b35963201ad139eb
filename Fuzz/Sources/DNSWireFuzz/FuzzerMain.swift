#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's driver, linked in by -sanitize=fuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links executables with `--defsym main=<Module>_main`, which
/// `-parse-as-library` never emits; provide it and hand over to libFuzzer.
/// With DNSWIRE_FUZZ_SEEDS=<dir> set, writes the seed corpus there instead.
@_cdecl("DNSWireFuzz_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if let directory = getenv("DNSWIRE_FUZZ_SEEDS") {
        return SeedCorpus.write(to: String(cString: directory))
    }
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) }
}
