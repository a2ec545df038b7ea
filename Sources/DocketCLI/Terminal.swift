import ArgumentParser
import Foundation

/// Output helpers: progress only on a terminal, errors on standard error.
enum Terminal {
    /// `true` when standard error is a terminal (progress is shown there, and only there).
    static let showsProgress = isatty(2) == 1

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("docket: " + text + "\n").utf8))
    }

    /// A line for the person running the command (standard output, flushed at once).
    static func note(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Rewrites one progress line on the terminal; does nothing when piped.
    static func progress(_ text: String) {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    static func endProgress() {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Exit statuses scripts can trust.
enum ExitStatus {
    /// Something was refused or found wrong.
    static let problem = ExitCode(1)
}
