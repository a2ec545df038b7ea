/// Why evidence could not be made, read or trusted: a stable code and a message for a person.
public struct EvidenceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A key, note, checkpoint or bundle that does not parse.
        case malformed = "malformed"
        /// A signature that does not verify, or a key that does not match.
        case badSignature = "bad-signature"
        /// A proof that does not verify.
        case badProof = "bad-proof"
        /// No key, no checkpoint, or no such checkpoint.
        case notFound = "not-found"
        /// A file that cannot be read or written.
        case io = "io"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
