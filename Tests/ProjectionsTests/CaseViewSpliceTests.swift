import CertificationWire
import Chronology
import DocketJSON
import Testing

@testable import Projections

/// The case view read from the cases model is the stored view with `asOf` (and, once a kept
/// pass has lapsed, the status) spliced in: the bytes must be exactly what parsing, patching and
/// writing the view again would give.
@Suite struct CaseViewSpliceTests {
    static let stored = Array(
        #"{"case":"C-1","version":7,"status":"retake-eligible","occupation":"x","subjects":{"theory":{"status":"passed"}},"candidate":{"name":"王芳"},"asOf":"2024-06-01T09:00:00+08:00"}"#
            .utf8
    )

    /// What the old read path produced: parse, set the fields, write.
    static func rewritten(_ view: [UInt8], failed: Bool, asOf: String) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser.parse(view) else { return [] }
        if failed { object.set("status", .string("failed")) }
        object.set("asOf", .string(asOf))
        var out: [UInt8] = []
        JSONWriter.write(.object(object), into: &out)
        return out
    }

    @Test func asOfIsReplacedAndTheStatusKeptWhileThePassIsKept() throws {
        let asOf = "2025-04-20T23:59:59+08:00"
        let spliced = try #require(Projector.restamp(Self.stored, failed: false, asOf: asOf))
        #expect(spliced == (try Self.rewritten(Self.stored, failed: false, asOf: asOf)))
        #expect(String(decoding: spliced, as: UTF8.self).contains(#""status":"retake-eligible""#))
    }

    @Test func theStatusTurnsFailedOnceThePassHasLapsed() throws {
        let asOf = "2025-04-21T00:00:00+08:00"
        let spliced = try #require(Projector.restamp(Self.stored, failed: true, asOf: asOf))
        #expect(spliced == (try Self.rewritten(Self.stored, failed: true, asOf: asOf)))
        // Only the top-level status changes: the subject's own status is left alone.
        let text = String(decoding: spliced, as: UTF8.self)
        #expect(text.contains(#""status":"failed""#))
        #expect(text.contains(#""theory":{"status":"passed"}"#))
    }

    @Test func bytesNotInTheViewsShapeAreRefusedSoTheLogIsReadInstead() {
        #expect(Projector.restamp(Array(#"{"case":"C-1","status":"applied"}"#.utf8), failed: false, asOf: "x") == nil)
        #expect(Projector.restamp(Array(#"{"case":"C-1","asOf":"t"}"#.utf8), failed: true, asOf: "x") == nil)
        #expect(Projector.restamp([], failed: false, asOf: "x") == nil)
    }
}
