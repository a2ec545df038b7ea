import Certification
import DocketStore
import EventLog
import Projections

/// Why a read or command could not be answered: the one error every adapter sees.
///
/// The CLI maps ``Code/kind`` once to an exit status and the server once to an HTTP status; both
/// show ``message`` (for a person: what went wrong and what to change) and ``field`` (the input
/// at fault: an option, a query parameter, a JSON path). Lower layers keep their own errors
/// (``DocketStoreError``, ``ProjectionError``, ``EventLogError``); this layer translates them.
public struct DocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code for scripts and clients.
    public enum Code: String, Sendable, CaseIterable {
        /// A parameter's value is malformed or out of range (a time, a page size, a version).
        case invalidParameter = "invalid-parameter"
        /// A moment before the log's first event (nothing to show then).
        case beforeLog = "before-log"
        /// No case with that id.
        case caseNotFound = "case-not-found"
        /// No batch with that id.
        case batchNotFound = "batch-not-found"
        /// No report or read model of that name.
        case unknownReport = "unknown-report"
        /// A report filter names a batch or occupation the store does not know.
        case unknownFilterValue = "unknown-filter-value"
        /// No store at the path.
        case storeNotFound = "store-not-found"
        /// Another process holds the store for writing.
        case storeLocked = "store-locked"
        /// Reading or writing the store's files failed, or they are damaged.
        case storeFailed = "store-failed"
        /// A read model could not be built or read.
        case readModelFailed = "read-model-failed"
        /// No signing key, or no checkpoint (of that size) yet.
        case noCheckpoint = "no-checkpoint"
        /// A key or checkpoint that does not parse or verify.
        case evidenceInvalid = "evidence-invalid"
        /// A read of personal data that names no purpose (issue 17).
        case purposeRequired = "purpose-required"
        /// A reporting target (PostgreSQL) could not be reached or refused (issue 19).
        case targetFailed = "target-failed"
        /// No reporting target of that kind is configured for the store.
        case noTarget = "no-target"
        /// The store's log does not go on from what the reporting target recorded of it.
        case storeDiverged = "store-diverged"

        /// What kind of failure, which the adapters map to exit codes and HTTP statuses.
        public var kind: Kind {
            switch self {
            case .invalidParameter, .beforeLog, .unknownFilterValue, .evidenceInvalid, .purposeRequired:
                return .invalidInput
            case .caseNotFound, .batchNotFound, .unknownReport, .noCheckpoint, .noTarget: return .notFound
            case .storeLocked, .targetFailed: return .unavailable
            case .storeDiverged: return .invalidInput
            case .storeNotFound, .storeFailed, .readModelFailed: return .storeFailure
            }
        }
    }

    /// The kinds of failure, as adapters map them.
    public enum Kind: Sendable, Hashable {
        /// The request was wrong: fix it and ask again (exit 1, HTTP 400/422).
        case invalidInput
        /// What was asked for does not exist (exit 1, HTTP 404).
        case notFound
        /// The store is busy with another writer (exit 2, HTTP 503).
        case unavailable
        /// The store or a read model failed: I/O, damage (exit 2, HTTP 500/503).
        case storeFailure
    }

    public var code: Code
    public var message: String
    /// The input at fault, when one is: `--as-of`, `asOf`, `limit`, `batch`.
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var kind: Kind { code.kind }
    public var description: String { message }

    /// The application's view of a store failure.
    public static func from(_ error: DocketStoreError) -> DocketError {
        switch error.code {
        case .storeNotFound: return DocketError(.storeNotFound, error.message)
        case .storeLocked: return DocketError(.storeLocked, error.message)
        case .notFound: return DocketError(.caseNotFound, error.message)
        case .invalidRequest: return DocketError(.invalidParameter, error.message)
        case .io, .damaged, .undecodableEvent, .storeFailed: return DocketError(.storeFailed, error.message)
        }
    }

    /// The application's view of a read-model failure.
    public static func from(_ error: ProjectionError) -> DocketError {
        switch error.code {
        case .unknownProjection: return DocketError(.unknownReport, error.message)
        case .log: return DocketError(.storeFailed, error.message)
        case .database, .io: return DocketError(.readModelFailed, error.message)
        case .target: return DocketError(.targetFailed, error.message)
        case .storeDiverged: return DocketError(.storeDiverged, error.message)
        }
    }

    /// The application's view of a log failure.
    public static func from(_ error: EventLogError) -> DocketError { from(DocketStoreError.from(error)) }
}
