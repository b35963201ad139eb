// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pinhole",
    products: [
        .executable(name: "pinholed", targets: ["pinholed"]),
        .executable(name: "pinhole", targets: ["pinhole"]),
        .library(name: "DNSWire", targets: ["DNSWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // C libraries from Debian, wrapped as system library targets.
        .systemLibrary(
            name: "CLdns",
            pkgConfig: "ldns",
            providers: [.apt(["libldns-dev"])]
        ),

        // libsystemd: the systemd unit, user unit and slice of a process.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),

        // libpsl: registrable domains (eTLD+1) from the Public Suffix List, for profile `vendor` domains.
        .systemLibrary(
            name: "CPsl",
            pkgConfig: "libpsl",
            providers: [.apt(["libpsl-dev"])]
        ),

        // libidn2: UTF-8 names from nss-resolve to A-labels (IDNA2008), as systemd-resolved converts them.
        .systemLibrary(
            name: "CIdn2",
            pkgConfig: "libidn2",
            providers: [.apt(["libidn2-dev"])]
        ),

        // libnftables: the enforcement table (nft's text and JSON API).
        .systemLibrary(
            name: "CNftables",
            pkgConfig: "libnftables",
            providers: [.apt(["libnftables-dev"])]
        ),

        // libnftnl + libmnl: set elements (pins) over raw netlink, keyed by numeric cgroup id.
        .systemLibrary(
            name: "CNftnl",
            pkgConfig: "libnftnl",
            providers: [.apt(["libnftnl-dev", "libmnl-dev"])]
        ),

        // What Glibc's module leaves out: epoll, eventfd, recvmmsg/sendmmsg, thread names, sock_diag, pidfd_open, open_by_handle_at.
        .systemLibrary(name: "CLinux"),

        // DNS messages: parse, build, edit. The only user of CLdns.
        .target(name: "DNSWire", dependencies: ["CLdns"]),

        // Pure logic: stages, cache, protocols for the outside world. No I/O.
        .target(name: "PinholeCore", dependencies: ["DNSWire"]),

        // The event loop of the UDP data plane: epoll, timers, raw UDP sockets.
        .target(name: "Reactor", dependencies: ["CLinux"]),

        // Which process sent a query: sock_diag, /proc, cgroups, libsystemd → AppIdentity.
        .target(name: "Attribution", dependencies: ["PinholeCore", "CSystemd", "CLinux"]),

        // The nftables table `inet pinhole`: governed cgroups, per-app address pins, reject rules.
        .target(name: "Enforcement", dependencies: ["PinholeCore", "CNftables", "CNftnl"]),

        // The query-log database (SQLite via GRDB): schema, batched writer, reader for the CLI.
        .target(
            name: "QueryLog",
            dependencies: [
                "PinholeCore", "DNSWire", .product(name: "GRDB", package: "GRDB.swift"),
                // The C API, for the writer's per-row INSERT (RawStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),

        // The CLI's query-log views: tables fitted to the terminal, colour, JSON
        // lines, CSV, profile suggestions, the control-socket client (`pinhole log` and friends).
        .target(name: "LogView", dependencies: ["QueryLog", "PinholeCore", "DNSWire"]),

        // Upstream client: UDP on the reactor, TCP on SwiftNIO.
        .target(
            name: "Forwarder",
            dependencies: [
                "PinholeCore", "DNSWire", "Reactor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Config, listeners, stage assembly, lifecycle.
        .target(
            name: "PinholeDaemon",
            dependencies: [
                "PinholeCore", "DNSWire", "Forwarder", "Reactor", "Attribution", "Enforcement", "CPsl", "QueryLog",
                // IDNA for io.systemd.Resolve names (Varlink/IDNAName).
                "CIdn2",
                // sd_notify and the journal (Systemd/).
                "CSystemd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // `pinhole system-resolver` and `pinhole doctor`: detection, plans,
        // backed-up switch and exact restore of the system resolver, checks.
        .target(name: "SystemResolver", dependencies: ["PinholeDaemon", "PinholeCore", "Enforcement", "QueryLog"]),

        .executableTarget(
            name: "pinholed",
            dependencies: [
                "PinholeDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "pinhole",
            dependencies: [
                "PinholeDaemon", "Enforcement", "Attribution", "QueryLog", "LogView", "SystemResolver",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // What attribution costs, measured on a release build with the real
        // ProcessAttributor (make bench-attribution).
        .executableTarget(
            name: "pinhole-attribution-bench",
            dependencies: ["Attribution", "PinholeCore", "BenchSupport"],
            path: "Benchmarks/AttributionBench"
        ),

        // Loading a 1,000,000-entry hosts list and looking names up in it,
        // release build (make bench-policy).
        .executableTarget(
            name: "pinhole-policy-bench",
            dependencies: ["PinholeCore", "PinholeDaemon", "BenchSupport"],
            path: "Benchmarks/PolicyBench"
        ),

        // What pinning costs on the real kernel, in a private net+mount
        // namespace: text vs netlink, batching, already pinned, sustained
        // 20,000 pins/s, 100,000+ live elements (make bench-enforcement).
        .executableTarget(
            name: "pinhole-enforcement-bench",
            dependencies: ["Enforcement", "PinholeCore", "BenchSupport"],
            path: "Benchmarks/EnforcementBench"
        ),

        // The query-log store with 10,000,000 synthetic rows: size per row,
        // filtered reads, sustained writer rate, release build (make bench-querylog).
        .executableTarget(
            name: "pinhole-querylog-bench",
            dependencies: ["QueryLog", "PinholeCore", "BenchSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/QueryLogBench"
        ),

        // Clocks and the seeded PRNG the benchmarks share.
        .target(
            name: "BenchSupport",
            path: "Benchmarks/BenchSupport"
        ),

        // Helpers shared by the test targets: fake upstreams, the daemon as a child process, dig.
        .target(
            name: "TestSupport",
            dependencies: ["DNSWire"],
            path: "Tests/TestSupport"
        ),

        // A DNS client the attribution tests run as separate processes (fork, socket passing, exit after send).
        .executableTarget(name: "pinhole-test-client", path: "Tests/TestClient"),

        .testTarget(name: "AttributionTests", dependencies: ["Attribution", "PinholeCore", "TestSupport"]),
        .testTarget(name: "EnforcementTests", dependencies: ["Enforcement", "PinholeCore", "TestSupport"]),
        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire", "TestSupport"]),
        .testTarget(name: "PinholeCoreTests", dependencies: ["PinholeCore", "DNSWire"]),
        .testTarget(name: "ReactorTests", dependencies: ["Reactor"]),
        .testTarget(
            name: "ForwarderTests",
            dependencies: [
                "Forwarder", "PinholeCore", "DNSWire", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PinholeDaemonTests",
            dependencies: [
                "PinholeDaemon", "PinholeCore", "DNSWire", "QueryLog", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                // Real sockets for the varlink server's tests.
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "QueryLogTests",
            dependencies: ["QueryLog", "PinholeCore", "DNSWire", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["DNSWire", "TestSupport", "QueryLog", "PinholeDaemon", "SystemResolver"]),
        .testTarget(name: "SystemResolverTests", dependencies: ["SystemResolver", "PinholeDaemon", "TestSupport"]),
        .testTarget(
            name: "LogViewTests",
            dependencies: ["LogView", "QueryLog", "PinholeCore", "PinholeDaemon", "DNSWire", "TestSupport"]
        ),
    ]
)
