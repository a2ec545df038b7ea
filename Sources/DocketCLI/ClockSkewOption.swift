import ArgumentParser
import CertificationWire

/// `--max-clock-skew`, shared by the commands that decide commands (`submit`, `serve`).
struct ClockSkewOption: ParsableArguments {
    @Option(
        name: .customLong("max-clock-skew"),
        help: ArgumentHelp(
            "How far ahead of this machine's clock a command's `at` may be.",
            discussion:
                "A later `at` is refused as invalid-field on `at` (a typo'd year would block the case for good). Default: 300 seconds.",
            valueName: "seconds"
        )
    )
    var seconds: Int64 = ClockSkewLimit.standard.seconds

    func validate() throws {
        guard (0...315_576_000).contains(seconds) else {
            throw ValidationError("--max-clock-skew is 0 to 315576000 seconds (ten years)")
        }
    }

    var limit: ClockSkewLimit { ClockSkewLimit(seconds: seconds) }
}
