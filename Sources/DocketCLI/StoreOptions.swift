import ArgumentParser
import Foundation

/// The `--store` option every subcommand shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store directory.",
            discussion: "Default: $DOCKET_STORE, else ./docket-data.",
            valueName: "dir"
        )
    )
    var store: String?

    /// The store path after applying the defaults.
    var path: String {
        if let store { return store }
        if let fromEnvironment = ProcessInfo.processInfo.environment["DOCKET_STORE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "./docket-data"
    }
}
