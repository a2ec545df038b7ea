// swift-tools-version: 6.1
import PackageDescription

/// One settings list for every Swift target (swift-nio's pattern): Swift 6 language mode
/// with the upcoming features that keep imports and existentials honest.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Docket",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "docket", targets: ["DocketCLI"]),
        .executable(name: "docket-bench", targets: ["DocketBench"]),
        .executable(name: "docket-workload", targets: ["DocketWorkloadTool"]),
        .executable(name: "docket-fuzz", targets: ["DocketFuzz"]),
        .executable(name: "docket-evidence-verify", targets: ["DocketEvidenceVerify"]),
        .library(name: "EventLog", targets: ["EventLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System C libraries (Debian packages), wrapped like GRDB's GRDBSQLite.
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),

        // Instants with their UTC offset, RFC 3339, and calendar dates: shared by the log and the domain.
        .target(name: "Chronology", swiftSettings: swiftSettings),

        // A small, safe Swift face over liblz4's block API with dictionaries.
        .target(name: "LZ4Codec", dependencies: ["CLZ4"], swiftSettings: swiftSettings),

        // RFC 9162 Merkle trees: tree hashes, inclusion and consistency proofs and their checks.
        // Needs only SHA-256, so the standalone evidence verifier links it without the store.
        .target(
            name: "MerkleTree",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        // The storage engine: an append-only, compressed, checksummed, hash-chained event log.
        // It stores opaque payloads and knows nothing of certification.
        .target(
            name: "EventLog",
            dependencies: [
                "Chronology", "LZ4Codec", "CXXHash", "MerkleTree",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // A strict, fast JSON reader and writer for the wire format (standard library only).
        .target(name: "DocketJSON", swiftSettings: swiftSettings),

        // The certification domain: rules, commands and events. Standard library only; no I/O.
        .target(name: "Certification", dependencies: ["Chronology"], swiftSettings: swiftSettings),

        // The wire contract of SPEC §3: commands, results and events as JSON, both ways.
        .target(
            name: "CertificationWire",
            dependencies: [
                "Certification", "Chronology", "DocketJSON", "EventLog",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // A Docket store: the log, the photos, and the write side that turns commands into
        // events (cross-case rules, idempotency, group commit), plus the views auditors read.
        .target(
            name: "DocketStore",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketJSON", "EventLog",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Read models: SQLite (GRDB) tables rebuilt from the log's events, with checkpoints,
        // blue/green rebuilds and fingerprints. Consumes events only.
        .target(
            name: "Projections",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketJSON", "EventLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Projections",
            swiftSettings: swiftSettings
        ),

        // The read models in PostgreSQL (issue 19): the same projections written through the
        // PostgreSQL side of their storage interface, fed exactly once from one or many stores,
        // rebuilt blue/green by COPY into a new schema, and reports read back.
        .target(
            name: "ProjectionsPostgres",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "EventLog", "Projections",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // Evidence an auditor can hand to anyone: signed checkpoints (C2SP signed notes, Ed25519),
        // case evidence bundles with Merkle proofs, and their offline verification with the
        // domain's own fold. Opens no store.
        .target(
            name: "Evidence",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketJSON", "EventLog", "MerkleTree",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // The application layer: every read users make (case views, timelines, replays, search,
        // reports, batches, past moments) and the choice between read models and the log, in one
        // place; the CLI and the server are thin adapters over it.
        .target(
            name: "DocketApplication",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketJSON", "DocketStore", "EventLog",
                "Evidence", "MerkleTree", "Projections", "ProjectionsPostgres",
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP API (Hummingbird 2): routes, bearer tokens and roles, limits, the live feed,
        // metrics; and the supervisor console (Console/: server-rendered pages, Mustache
        // templates in Resources/console). Composes the store and the read models.
        .target(
            name: "DocketServer",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketApplication", "DocketJSON", "DocketStore",
                "EventLog", "Evidence", "MerkleTree", "Projections", "ProjectionsPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/console")],
            swiftSettings: swiftSettings
        ),

        // The `docket` command line: composes the modules above.
        .executableTarget(
            name: "DocketCLI",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketApplication", "DocketJSON", "DocketStore",
                "EventLog", "Evidence", "MerkleTree", "Projections", "ProjectionsPostgres", "DocketServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tools: realistic workloads, benchmarks, and the crash-test writer.
        .target(
            name: "DocketWorkload",
            dependencies: ["Certification", "Chronology", "DocketJSON", "EventLog"],
            path: "Tools/DocketWorkload",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DocketBench",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketApplication", "DocketJSON", "DocketStore",
                "DocketWorkload", "EventLog", "Evidence", "MerkleTree", "Projections", "ProjectionsPostgres", "DocketServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/docket-bench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DocketWorkloadTool",
            dependencies: [
                "Chronology", "EventLog", "DocketWorkload", "DocketJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/docket-workload",
            swiftSettings: swiftSettings
        ),
        // Fuzz targets for the parsers that read outside bytes (Tools/fuzz runs them).
        .executableTarget(
            name: "DocketFuzz",
            dependencies: [
                "Certification", "CertificationWire", "DocketJSON", "EventLog", "Evidence",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tools/docket-fuzz",
            swiftSettings: swiftSettings
        ),
        // The standalone evidence verifier: the Evidence module and nothing of the store.
        .executableTarget(
            name: "DocketEvidenceVerify",
            dependencies: ["Evidence"],
            path: "Tools/docket-evidence-verify",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DocketLogWriter",
            dependencies: ["Chronology", "EventLog"],
            path: "Tools/docket-log-writer",
            swiftSettings: swiftSettings
        ),

        // Test support shared by test targets: temporary stores and command lines.
        .target(
            name: "DocketTestSupport",
            dependencies: [
                "Certification", "CertificationWire", "DocketApplication", "DocketJSON", "DocketStore",
                "DocketWorkload",
                "Projections", "ProjectionsPostgres",
            ],
            path: "Tests/DocketTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocketStoreTests",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketJSON", "DocketStore", "DocketTestSupport",
                "DocketWorkload", "EventLog",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocketApplicationTests",
            dependencies: [
                "Certification", "CertificationWire", "Chronology", "DocketApplication", "DocketJSON", "DocketStore",
                "DocketTestSupport", "EventLog", "Projections",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CertificationWireTests",
            dependencies: ["Certification", "CertificationWire", "Chronology", "DocketJSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Certification", "CertificationWire", "DocketJSON", "DocketStore", "DocketWorkload", "EventLog",
                "Projections", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocketServerTests",
            dependencies: [
                "DocketApplication", "DocketServer", "DocketJSON", "DocketStore", "DocketWorkload", "EventLog",
                "Projections",
                "Certification", "CertificationWire", "Chronology", "Evidence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProjectionsPostgresTests",
            dependencies: [
                "DocketApplication", "DocketStore", "DocketTestSupport", "DocketWorkload", "EventLog", "Projections",
                "ProjectionsPostgres",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MerkleTreeTests", dependencies: ["MerkleTree"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EvidenceTests",
            dependencies: [
                "Certification", "CertificationWire", "DocketApplication", "DocketJSON", "DocketStore",
                "DocketTestSupport",
                "EventLog", "Evidence", "MerkleTree",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "LZ4CodecTests", dependencies: ["LZ4Codec"], swiftSettings: swiftSettings),
        .testTarget(name: "ChronologyTests", dependencies: ["Chronology"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DocketCLITests",
            dependencies: [
                "DocketCLI", "DocketJSON", "DocketStore", "DocketTestSupport", "DocketWorkload", "EventLog", "Projections",
                "ProjectionsPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DocketJSONTests", dependencies: ["DocketJSON"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CertificationTests",
            dependencies: ["Certification", "Chronology"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "Chronology", "EventLog", "DocketWorkload", "DocketLogWriter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
