import Certification
import DocketApplication
import HTTPTypes
import Hummingbird

/// The purpose of a read of personal data over HTTP (issue 17): the `Docket-Purpose` header, or
/// the `purpose` query parameter (for text a header cannot carry, percent-encoded). A read
/// without one is refused: 400 `purpose-required`, naming `purpose`.
enum PurposeParameter {
    static let header = HTTPField.Name("Docket-Purpose")!

    /// The request's purpose, read by the token's holder over `channel`.
    static func of(
        _ request: Request,
        _ holder: TokenFile.Holder,
        channel: String = "api"
    ) throws(APIError)
        -> ReadPurpose
    {
        let text = request.headers[header] ?? request.uri.queryParameters.get("purpose")
        return try APIError.answer { () throws(DocketError) in
            try ReadPurpose(text, actorID: holder.actor, role: holder.role.rawValue, channel: channel)
        }
    }
}
