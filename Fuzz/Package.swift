// swift-tools-version:6.0
import PackageDescription

// libFuzzer harness for DNSWire; built by scripts/fuzz.sh with
// -sanitize=fuzzer,address. Kept out of the main package so ordinary builds
// and tests never need the sanitizer runtime.
let package = Package(
    name: "pinhole-fuzz",
    dependencies: [
        .package(name: "pinhole", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "DNSWireFuzz",
            dependencies: [.product(name: "DNSWire", package: "pinhole")]
        ),
    ]
)
