/// Why a store operation failed (not a refused command: those are ``Certification/Rejection``s).
public struct DocketStoreError: Error, Sendable, CustomStringConvertible {
    /// Stable codes for scripts.
    public enum Code: String, Sendable {
        /// The store directory holds no store (run `docket init`).
        case storeNotFound = "store-not-found"
        /// Another process holds the store for writing.
        case storeLocked = "store-locked"
        /// Reading or writing files failed.
        case io
        /// The log or a photo is damaged or inconsistent.
        case damaged
        /// A stored event could not be read as a domain event.
        case undecodableEvent = "undecodable-event"
        /// No case or batch with that id.
        case notFound = "not-found"
        /// A request the store cannot serve (such as `--at-version` beyond the case's version).
        case invalidRequest = "invalid-request"
        /// The writer stopped after a failure; reopen the store.
        case storeFailed = "store-failed"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
