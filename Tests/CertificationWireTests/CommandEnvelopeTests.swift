import Certification
import CertificationWire
import DocketJSON
import Foundation
import Testing

/// The envelope's fields are checked in SPEC §5's order, each refusal naming its field.
@Suite struct CommandEnvelopeTests {
    static func parse(_ text: String) -> Result<CommandEnvelope, CommandEnvelope.Failure> {
        CommandEnvelope.parse(line: Array(text.utf8))
    }

    static func failure(_ text: String) -> (RejectionCode, String?, String?, String?)? {
        guard case .failure(let f) = parse(text) else { return nil }
        return (f.rejection.code, f.rejection.field, f.commandID, f.stream)
    }

    static let good =
        #"{"command":"withdraw","commandId":"c1","case":"A-1","at":"2024-03-02T10:15:00+08:00","actor":{"id":"p","role":"portal"},"expectedVersion":2,"data":{"reason":"r"}}"#

    @Test func aGoodEnvelopeIsRead() throws {
        let e = try Self.parse(Self.good).get()
        #expect(e.name == .withdraw && e.commandID == "c1" && e.target == "A-1" && e.stream == "case-A-1")
        #expect(e.expectedVersion == 2 && e.actor == Actor(id: "p", role: .portal))
    }

    @Test func fieldsAreCheckedInTheSpecsOrder() {
        #expect(Self.failure("[1]")?.0 == .invalidJSON)
        #expect(Self.failure("{\"command\":")?.0 == .invalidJSON)
        // A bad command id is reported before an unknown command.
        let longID = String(repeating: "x", count: 65)
        #expect(Self.failure(#"{"command":"fly","commandId":"\#(longID)"}"#)?.1 == "commandId")
        let unknown = Self.failure(#"{"command":"fly","commandId":"c1","case":"A"}"#)
        #expect(unknown?.0 == .unknownCommand && unknown?.2 == nil && unknown?.3 == nil)
        #expect(Self.failure(#"{"commandId":"c1"}"#)?.1 == "command")
        let noCase = Self.failure(#"{"command":"withdraw","commandId":"c1"}"#)
        #expect(noCase?.0 == .missingField && noCase?.1 == "case" && noCase?.2 == "c1")
        // A batch command's target is `batch`.
        #expect(Self.failure(#"{"command":"publish-scores","case":"A"}"#)?.1 == "batch")
        #expect(Self.failure(#"{"command":"withdraw","case":"a b"}"#)?.1 == "case")
        #expect(Self.failure(#"{"command":"withdraw","case":"A"}"#)?.1 == "at")
        #expect(Self.failure(#"{"command":"withdraw","case":"A","at":"2024-03-02T10:15:00"}"#)?.1 == "at")
        let at = #""at":"2024-03-02T10:15:00+08:00""#
        #expect(Self.failure(#"{"command":"withdraw","case":"A",\#(at)}"#)?.1 == "actor")
        #expect(Self.failure(#"{"command":"withdraw","case":"A",\#(at),"actor":{"role":"portal"}}"#)?.1 == "actor.id")
        let actor = #""actor":{"id":"p","role":"portal"}"#
        #expect(
            Self.failure(#"{"command":"withdraw","case":"A",\#(at),\#(actor),"expectedVersion":-1}"#)?.1
                == "expectedVersion"
        )
        #expect(
            Self.failure(#"{"command":"withdraw","case":"A",\#(at),\#(actor),"expectedVersion":1.5}"#)?.1
                == "expectedVersion"
        )
        let noData = Self.failure(#"{"command":"withdraw","case":"A",\#(at),\#(actor)}"#)
        #expect(noData?.0 == .missingField && noData?.1 == "data" && noData?.3 == "case-A")
        #expect(Self.failure(#"{"command":"withdraw","case":"A",\#(at),\#(actor),"data":[]}"#)?.1 == "data")
        // publish-scores needs no data; unknown top-level keys are ignored.
        let publish = Self.parse(
            #"{"command":"publish-scores","batch":"2024-04",\#(at),"actor":{"id":"e","role":"examiner"},"note":1}"#
        )
        #expect((try? publish.get())?.stream == "batch-2024-04")
    }

    @Test func anUnknownRoleIsReadAndRefusedLaterAsRoleNotAllowed() throws {
        let e = try Self.parse(Self.good.replacingOccurrences(of: "\"portal\"", with: "\"janitor\"")).get()
        #expect(e.role == "janitor" && e.actor == nil)
    }

    @Test func dataShapesNameTheirJSONPaths() throws {
        func decode(_ command: String, _ data: String) -> Rejection? {
            let line =
                #"{"command":"\#(command)","case":"A","at":"2024-03-02T10:15:00+08:00","actor":{"id":"x","role":"examiner"},"data":\#(data)}"#
            guard case .success(let e) = Self.parse(line), case .failure(let r) = CommandDecoder.decode(e) else {
                return nil
            }
            return r
        }
        #expect(decode("record-score", #"{"subject":"theory","score":78.0}"#)?.field == "data.score")
        #expect(decode("record-score", #"{"subject":"theory","score":"78"}"#)?.code == .invalidField)
        #expect(decode("record-score", #"{"subject":"maths","score":78}"#)?.field == "data.subject")
        #expect(decode("record-score", #"{"score":78}"#)?.code == .missingField)
        #expect(decode("record-score", #"{"subject":"theory","score":78}"#) == nil)
        #expect(decode("send-ticket", #"{"ticketNumber":"  ","channel":"wechat"}"#)?.code == .missingField)
        #expect(decode("send-ticket", #"{"ticketNumber":"T","channel":"sms"}"#)?.field == "data.channel")
        #expect(
            decode(
                "verify-documents",
                #"{"outcome":"approved","checks":{"identityMatches":true,"photoCompliant":1,"eligibilityEvidence":true}}"#
            )?.field == "data.checks.photoCompliant"
        )
        #expect(
            decode("lodge-complaint", #"{"complaintId":"K","channel":"fax","category":"score","summary":"s"}"#)?.field
                == "data.channel"
        )
    }
}
