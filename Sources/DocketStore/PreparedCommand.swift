import Certification
import CertificationWire
import Chronology
import DocketJSON

/// A command line with the work that needs no store state already done: the JSON parsed, the
/// envelope read, the command digest, the data typed, and an application's photo decoded and
/// hashed. Preparing is pure, so it runs on another thread while the decider works on earlier
/// commands; the results are used in SPEC §5's order when the command is decided.
public final class PreparedCommand: Sendable {
    let envelope: Result<CommandEnvelope, CommandEnvelope.Failure>
    let digest: String?
    let typed: Result<CommandDecoder.Typed, Rejection>?
    let photoSHA256: String?

    private init(
        envelope: Result<CommandEnvelope, CommandEnvelope.Failure>,
        digest: String?,
        typed: Result<CommandDecoder.Typed, Rejection>?,
        photoSHA256: String?
    ) {
        self.envelope = envelope
        self.digest = digest
        self.typed = typed
        self.photoSHA256 = photoSHA256
    }

    /// Prepares one line; with `actor`, as if the line named that actor (see
    /// `CommandEnvelope.parse(buffer:actor:clock:)`); with `skew`, an `at` further ahead of
    /// the clock than that is refused.
    public convenience init(line: [UInt8], actor: Actor? = nil, skew: ClockSkewLimit?) {
        let parts = line.withUnsafeBufferPointer { Self.parts(of: $0, actor: actor, skew: skew) }
        self.init(envelope: parts.0, digest: parts.1, typed: parts.2, photoSHA256: parts.3)
    }

    /// Prepares one line read in place (the bytes need to live only for this call).
    public convenience init(buffer: UnsafeBufferPointer<UInt8>, skew: ClockSkewLimit?) {
        let parts = Self.parts(of: buffer, actor: nil, skew: skew)
        self.init(envelope: parts.0, digest: parts.1, typed: parts.2, photoSHA256: parts.3)
    }

    private static func parts(
        of buffer: UnsafeBufferPointer<UInt8>,
        actor: Actor?,
        skew: ClockSkewLimit?
    ) -> (
        Result<CommandEnvelope, CommandEnvelope.Failure>, String?, Result<CommandDecoder.Typed, Rejection>?, String?
    ) {
        let clock = skew.map { CommandEnvelope.Clock(limit: $0, now: Timestamp.now()) }
        let parsed = CommandEnvelope.parse(buffer: buffer, actor: actor, clock: clock)
        guard case .success(var e) = parsed else { return (parsed, nil, nil, nil) }
        var typed = CommandDecoder.decode(e)
        var sha: String?
        if case .success(.caseCommand(.apply(var data))) = typed, let bytes = Base64.decode(data.photoBase64) {
            data.decodedPhoto = bytes
            data.photoBase64 = ""  // decoded: the text is not needed again
            sha = SHA256Hex.of(bytes)
            typed = .success(.caseCommand(.apply(data)))
        }
        let digest = e.commandID == nil ? nil : CommandDigest.of(e.raw, photoSHA256: sha)
        // The whole command was needed only for its digest and its data, both taken: keep the
        // envelope small while it waits to be decided.
        e.raw = .null
        e.data = .null
        return (.success(e), digest, typed, sha)
    }
}
