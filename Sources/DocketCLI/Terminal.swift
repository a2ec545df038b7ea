import ArgumentParser
import DocketApplication
import DocketStore
import EventLog
import Foundation
import Projections

/// Output helpers: progress only on a terminal, errors on standard error.
enum Terminal {
    /// `true` when standard error is a terminal (progress is shown there, and only there).
    static let showsProgress = isatty(2) == 1

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("docket: " + printable(text) + "\n").utf8))
    }

    /// A line for the person running the command (standard output, flushed at once).
    static func note(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A line about the work done, on standard error, so that standard output holds only the
    /// answer a script captures (a key, a bundle).
    static func remark(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
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

    /// `text` safe to print on a terminal: C0 and C1 control characters (escape, carriage
    /// return, backspace, …) and the line and paragraph separators are shown as `\u{1b}`, so
    /// stored text can never move the cursor, recolour or rewrite what a person reads.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v)
    }

    /// Shows `error` on standard error and returns the exit status it maps to.
    static func fail(_ error: DocketError) -> ExitCode {
        endProgress()
        Terminal.error(error.message)
        return ExitStatus.of(error)
    }

    /// A lower layer's failure, through the application's one mapping (a store that cannot be
    /// read or written exits 2).
    static func fail(_ error: any Error) -> ExitCode {
        switch error {
        case let error as DocketError: return fail(error)
        case let error as DocketStoreError: return fail(DocketError.from(error))
        case let error as EventLogError: return fail(DocketError.from(error))
        case let error as ProjectionError: return fail(DocketError.from(error))
        case let error as ExitCode: return error
        default:
            endProgress()
            Terminal.error("\(error)")
            return ExitStatus.storeFailure
        }
    }
}

/// Exit statuses scripts can trust: 0 success; 1 something was refused, not found or found
/// wrong; 2 the store failed (I/O, damage, another writer holds it); 64 a usage error.
enum ExitStatus {
    /// Something was refused or found wrong.
    static let problem = ExitCode(1)
    /// The store failed: reading or writing its files, damage, or its lock.
    static let storeFailure = ExitCode(2)

    /// The status of an application error (the one mapping from error kinds to exit codes).
    static func of(_ error: DocketError) -> ExitCode {
        switch error.kind {
        case .invalidInput, .notFound: return problem
        case .unavailable, .storeFailure: return storeFailure
        }
    }
}
