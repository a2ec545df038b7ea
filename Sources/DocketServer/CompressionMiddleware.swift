import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Gzip for clients that accept it (`Accept-Encoding: gzip`): whole JSON, CSV and problem
/// bodies of 1 KiB or more (a report of 2,000 cases shrinks from 469 KB to a tenth). Bodies
/// streamed as they are made (the live feed, a batch's result lines) and small ones are sent as
/// they are. The body is compressed with compress-nio over the system's zlib.
struct CompressionMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext

    static let minimumBytes = 1_024

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if let type = response.headers[.contentType], Self.compressible(type) { response.vary("Accept-Encoding") }
        guard Self.acceptsGzip(request.headers[.acceptEncoding]),
            let length = response.body.contentLength, length >= Self.minimumBytes,
            response.headers[.contentEncoding] == nil,
            let type = response.headers[.contentType], Self.compressible(type)
        else { return response }
        var collector = Collector()
        try await response.body.write(collector)
        var source = collector.box.buffer
        guard let gzipped = try? source.compress(with: .gzip()) else {
            response.body = ResponseBody(byteBuffer: collector.box.buffer)
            return response
        }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        response.body = ResponseBody(byteBuffer: gzipped)
        return response
    }

    /// Whether `header` lists gzip with a nonzero quality.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard fields.first == "gzip" || fields.first == "*" else { continue }
            if fields.dropFirst().contains(where: { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" })
            {
                return false
            }
            return true
        }
        return false
    }

    static func compressible(_ type: String) -> Bool {
        type.hasPrefix("application/json") || type.hasPrefix("application/problem+json")
            || type.hasPrefix("text/csv") || type.hasPrefix("text/plain") || type.hasPrefix("text/html")
            || type.hasPrefix("application/yaml") || type.hasPrefix("application/x-ndjson")
    }

    /// Gathers a body written in one piece (the writer is consumed by the body; the box keeps
    /// what it gathered).
    struct Collector: ResponseBodyWriter {
        final class Box: @unchecked Sendable { var buffer = ByteBuffer() }
        let box = Box()
        mutating func write(_ part: ByteBuffer) async throws {
            var part = part
            box.buffer.writeBuffer(&part)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
