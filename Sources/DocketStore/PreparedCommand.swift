import Certification
import CertificationWire
import DocketJSON

/// A command line with the work that needs no store state already done: the JSON parsed, the
/// envelope read, the command digest, the data typed, and an application's photo decoded and
/// hashed. Preparing is pure, so it runs on other threads while the decider works on earlier
/// commands; the results are used in SPEC §5's order when the command is decided.
public final class PreparedCommand: Sendable {
    let envelope: Result<CommandEnvelope, CommandEnvelope.Failure>
    let digest: String?
    let typed: Result<CommandDecoder.Typed, Rejection>?
    let photoSHA256: String?

    /// Prepares one line.
    public init(line: [UInt8]) {
        let parsed = CommandEnvelope.parse(line: line)
        guard case .success(var e) = parsed else {
            envelope = parsed
            digest = nil
            typed = nil
            photoSHA256 = nil
            return
        }
        var typed = CommandDecoder.decode(e)
        var sha: String?
        if case .success(.caseCommand(.apply(var data))) = typed, let bytes = Base64.decode(data.photoBase64) {
            data.decodedPhoto = bytes
            data.photoBase64 = ""  // decoded: the text is not needed again
            sha = SHA256Hex.of(bytes)
            typed = .success(.caseCommand(.apply(data)))
        }
        self.typed = typed
        photoSHA256 = sha
        digest = e.commandID == nil ? nil : CommandDigest.of(e.raw, photoSHA256: sha)
        // The whole command was needed only for its digest and its data, both taken: keep the
        // envelope small while it waits to be decided.
        e.raw = .null
        e.data = .null
        envelope = .success(e)
    }
}
