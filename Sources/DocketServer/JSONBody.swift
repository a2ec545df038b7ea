import DocketJSON
import Hummingbird
import NIOCore

/// Responses with bodies written by Docket's own JSON writer (the wire format's key order and
/// number forms, which `Codable` would not keep).
enum JSONBody {
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes: [UInt8] = []
        JSONWriter.write(value, into: &bytes)
        bytes.append(0x0A)
        return response(bytes: bytes, contentType: "application/json", status: status)
    }

    static func response(bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
