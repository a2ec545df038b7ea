import ArgumentParser
import DocketApplication

/// `--as-of` and `--known-at`: the two times a read can be cut at, shared by every command that
/// shows the past.
struct CutOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Show it as it stood at this business time: events whose `at` is by then.",
            discussion:
                "A date (2024-05-01, the start of that day in UTC+08:00) or an RFC 3339 time (2024-05-01T09:30:00+08:00).",
            valueName: "time"
        )
    )
    var asOf: String?

    @Option(
        help: ArgumentHelp(
            "Show what the store held at this time: events recorded by then.",
            discussion: "A date or an RFC 3339 time, as for --as-of.",
            valueName: "time"
        )
    )
    var knownAt: String?

    func validate() throws {
        do { _ = try cut } catch { throw ValidationError(error.message) }
    }

    /// The cut the options name (`.now` when neither is given).
    var cut: TimeCut {
        get throws(DocketError) { try TimeCut.parse(asOf: asOf, knownAt: knownAt) }
    }
}
