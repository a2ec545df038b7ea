import Certification
import CertificationWire
import Chronology
import DocketJSON
import Foundation
import Testing

/// Every event type survives encoding and decoding, by the fast path and the general decoder
/// alike; the interchange line and the result line are what SPEC §3 says.
@Suite struct EventCodingTests {
    static let at = RFC3339.parse("2024-03-02T10:15:00+08:00")!

    static let applied = CaseEvent.Applied(
        batch: "2024-04",
        occupation: .blockchainOperator,
        level: 4,
        candidate: Candidate(
            name: "欧阳\"娜\"",
            birthDate: LocalDate("1995-06-01")!,
            region: .mainland,
            idDocument: .init(type: .residentIDCard, number: "11010119950601123X"),
            contact: .init(channel: .email, address: "na@example.cn")
        ),
        photo: PhotoRecord(sha256: String(repeating: "ab", count: 32), widthPx: 295, heightPx: 413, bytes: 52_311),
        eligibility: {
            var e = Eligibility(
                condition: .l5CertPlus3y,
                evidence: [
                    .init(kind: "certificate", reference: "L5-1"), .init(kind: "work-experience-pledge", reference: ""),
                ]
            )
            e.certificateNumber = "L5-1"
            e.certificateOccupation = "other"
            e.description = "数据标注员"
            e.yearsSinceCertificate = 4
            return e
        }()
    )

    static let events: [DomainEvent] = [
        .batchEvent(.scheduled(examStartsAt: at, occupations: [.blockchainOperator, .aiTrainer])),
        .batchEvent(.rescheduled(examStartsAt: at.adding(days: 7), reason: "typhoon")),
        .batchEvent(.scoresPublished),
        .caseEvent(.applied(applied)),
        .caseEvent(
            .documentsVerified(
                .init(
                    outcome: .rejected,
                    identityMatches: false,
                    photoCompliant: true,
                    eligibilityEvidence: true,
                    reasons: ["a", "b"]
                )
            )
        ),
        .caseEvent(.paid(.init(paymentRef: "P1", amountYuan: 160, subjects: [.theory, .skill]))),
        .caseEvent(.refunded(.init(paymentRef: "P1", amountYuan: 160, reason: "withdrawn"))),
        .caseEvent(.withdrawn(.init(reason: "line\nbreak"))),
        .caseEvent(.ticketSent(.init(ticketNumber: "T1", channel: .wechat, batch: "2024-04", late: true))),
        .caseEvent(.scored(.init(subject: .skill, score: 0, batch: "2024-04"))),
        .caseEvent(.scoreCorrected(.init(subject: .theory, score: 100, complaintID: "K1", reason: "re-marked"))),
        .caseEvent(.retakeRequested(.init(subject: .theory, batch: "2024-07"))),
        .caseEvent(.certified(.init(certificateNumber: "Z1", channel: .email))),
        .caseEvent(
            .complaintLodged(.init(complaintID: "K1", channel: .inPerson, category: .certificate, summary: "s"))
        ),
        .caseEvent(.complaintResolved(.init(complaintID: "K1", outcome: .upheld, resolution: "r"))),
    ]

    @Test(arguments: events)
    func everyEventRoundTripsThroughItsPayload(event: DomainEvent) throws {
        let payload = EventCoding.payload(of: event)
        #expect(try EventCoding.decode(type: event.typeName, payload: payload) == event)
        // Lent in place (a scan), the same event.
        #expect(
            try payload.withUnsafeBytes { (b) throws in try EventCoding.decode(type: event.typeName, payload: b) }
                == event
        )
        // The general decoder (what an import or a reordered payload goes through) agrees.
        let data = try JSONParser.parse(payload)
        #expect(try EventCoding.decode(type: event.typeName, data: data) == event)
        // Keys in another order take the general path and still decode.
        if case .object(let object) = data {
            let reversed = Array(JSONWriter.string(.object(JSONObject(object.members.reversed()))).utf8)
            #expect(try EventCoding.decode(type: event.typeName, payload: reversed) == event)
            #expect(
                try reversed.withUnsafeBytes { (b) throws in try EventCoding.decode(type: event.typeName, payload: b) }
                    == event
            )
        }
    }

    @Test(arguments: events)
    func thePayloadIsTheCompactTextOfTheEventsData(event: DomainEvent) {
        var tree: [UInt8] = []
        JSONWriter.write(EventCoding.data(of: event), into: &tree)
        #expect(EventCoding.payload(of: event) == tree)
    }

    @Test func everyEligibilityShapeIsWrittenAsItsData() {
        var claims: [Eligibility] = [Eligibility(condition: .graduate)]
        var full = Eligibility(condition: .work5y, evidence: [.init(kind: "work-experience-pledge", reference: "p")])
        full.occupation = "other"
        full.description = "描述 \"quoted\""
        full.yearsOfWork = 5
        full.certificateOccupation = "computer-programmer"
        full.yearsSinceCertificate = 3
        full.schoolLevel = "postgraduate"
        full.major = "computer"
        full.graduating = false
        claims.append(full)
        full.certificateNumber = "N"
        claims.append(full)
        for claim in claims {
            var a = Self.applied
            a.eligibility = claim
            let event = DomainEvent.caseEvent(.applied(a))
            var tree: [UInt8] = []
            JSONWriter.write(EventCoding.data(of: event), into: &tree)
            #expect(EventCoding.payload(of: event) == tree)
        }
    }

    @Test func unknownTypesAndMissingFieldsAreDecodingErrors() {
        #expect(throws: EventCoding.DecodingError.self) {
            try EventCoding.decode(type: "Promoted", payload: Array("{}".utf8))
        }
        #expect(throws: EventCoding.DecodingError.self) {
            try EventCoding.decode(type: "Scored", payload: Array(#"{"subject":"theory","batch":"2024-04"}"#.utf8))
        }
    }

    @Test func anInterchangeLineCarriesTheEnvelopeAndTheDataAsStored() throws {
        let event = DomainEvent.caseEvent(.scored(.init(subject: .theory, score: 78, batch: "2024-04")))
        let line = InterchangeEvent(
            position: 7,
            stream: "case-2024-04-000001",
            version: 5,
            type: "Scored",
            at: Self.at,
            recordedAt: Self.at.adding(days: 1),
            metadata: EventMetadata(actorID: "exam-office", role: "examiner", commandID: nil, commandDigest: nil),
            data: EventCoding.payload(of: event)
        )
        #expect(
            line.line
                == #"{"position":7,"stream":"case-2024-04-000001","version":5,"type":"Scored","at":"2024-03-02T10:15:00+08:00","recordedAt":"2024-03-03T10:15:00+08:00","actor":{"id":"exam-office","role":"examiner"},"commandId":null,"data":{"subject":"theory","score":78,"batch":"2024-04"}}"#
        )
        guard case .success(let (parsed, decoded)) = InterchangeEvent.parse(line: Array(line.line.utf8)) else {
            Issue.record("the line did not parse back")
            return
        }
        #expect(parsed == line && decoded == event)
        // A case event in a batch stream is refused.
        let wrong = line.line.replacingOccurrences(of: "case-2024-04-000001", with: "batch-2024-04")
        guard case .failure(let r) = InterchangeEvent.parse(line: Array(wrong.utf8)) else {
            Issue.record("a case event was accepted in a batch stream")
            return
        }
        #expect(r.field == "stream")
    }

    @Test func metadataBytesReadBack() {
        let m = EventMetadata(actorID: "p\"x", role: "portal", commandID: "c-1", commandDigest: "ab")
        #expect(EventMetadata(bytes: m.bytes) == m)
        #expect(
            String(decoding: m.bytes, as: UTF8.self)
                == #"{"actor":{"id":"p\"x","role":"portal"},"commandId":"c-1","commandDigest":"ab"}"#
        )
        let none = EventMetadata(actorID: "a", role: "admin", commandID: nil, commandDigest: nil)
        #expect(EventMetadata(bytes: none.bytes) == none)
        let plain = EventMetadata(actorID: "exam-office", role: "examiner", commandID: "c-9", commandDigest: "ff")
        #expect(EventMetadata(bytes: plain.bytes) == plain)
        // Written by another system: other key order and spacing are read by the general path.
        let foreign = Array(#"{ "commandId": "c-2", "actor": { "role": "portal", "id": "p" } }"#.utf8)
        #expect(
            EventMetadata(bytes: foreign)
                == EventMetadata(actorID: "p", role: "portal", commandID: "c-2", commandDigest: nil)
        )
        #expect(EventMetadata(bytes: Array("not json".utf8)).actorID == "unknown")
    }

    @Test func theResultLineIsTheResultsJSON() {
        let accepted = CommandOutcome(
            commandID: "c-1",
            stream: "case-x",
            events: [.init(type: "Applied", version: 1, position: 9), .init(type: "Paid", version: 2, position: 10)]
        )
        let refused = CommandOutcome(
            commandID: nil,
            stream: nil,
            rejection: Rejection(.invalidJSON, "bad \"line\"")
        )
        for outcome in [accepted, refused] {
            var line: [UInt8] = []
            outcome.writeLine(into: &line)
            #expect(String(decoding: line, as: UTF8.self) == JSONWriter.string(outcome.json) + "\n")
        }
        #expect(
            JSONWriter.string(refused.json)
                == #"{"ok":false,"commandId":null,"stream":null,"error":{"code":"invalid-json","message":"bad \"line\"","field":null}}"#
        )
    }
}
