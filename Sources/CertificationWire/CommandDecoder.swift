import Certification
import Chronology
import DocketJSON

/// Types a command's `data` (SPEC §3), reporting `missing-field` and `invalid-field` with the
/// JSON path at fault. Semantic rules are the deciders' job.
public enum CommandDecoder {
    /// A typed command: for a case or for a batch.
    public enum Typed: Sendable, Hashable {
        case caseCommand(CaseCommand)
        case batchCommand(BatchCommand)
    }

    /// Types the data of `envelope`.
    public static func decode(_ envelope: CommandEnvelope) -> Result<Typed, Rejection> {
        do throws(Rejection) {
            let d = try FieldReader(envelope.data, path: "data", checksText: true)
            switch envelope.name {
            case .scheduleBatch:
                let start = try d.timestamp("examStartsAt", "the exam's start time")
                let items = try d.array("occupations", "the occupations the batch examines")
                var occupations: [Occupation] = []
                for (i, item) in items.enumerated() {
                    guard let text = item.stringValue, let o = Occupation(rawValue: text) else {
                        let all = Occupation.allCases.map(\.rawValue).joined(separator: ", ")
                        throw Rejection(
                            .invalidField,
                            "occupations are \(all); \(FieldReader.show(item)) is not",
                            field: "data.occupations[\(i)]"
                        )
                    }
                    occupations.append(o)
                }
                return .success(.batchCommand(.schedule(examStartsAt: start, occupations: occupations)))
            case .rescheduleBatch:
                let start = try d.timestamp("examStartsAt", "the new exam start time")
                let reason = try d.text("reason", "the reason for the reschedule", limit: .freeText)
                return .success(.batchCommand(.reschedule(examStartsAt: start, reason: reason)))
            case .publishScores:
                return .success(.batchCommand(.publishScores))
            case .apply:
                return .success(.caseCommand(.apply(try applyData(d))))
            case .verifyDocuments:
                let outcome = try d.choice("outcome", CaseEvent.DocumentsVerified.Outcome.self, "approved or rejected")
                let checks = try d.object("checks", "the checks {identityMatches, photoCompliant, eligibilityEvidence}")
                let identity = try checks.bool("identityMatches", "whether the identity matches the document")
                let photo = try checks.bool("photoCompliant", "whether the photo meets the rules")
                let evidence = try checks.bool("eligibilityEvidence", "whether the eligibility evidence is accepted")
                var reasons: [String] = []
                if d.optional("reasons") != nil {
                    let items = try d.array("reasons", "the reasons")
                    guard items.count <= 20 else {
                        throw Rejection(.invalidField, "give at most 20 reasons", field: "data.reasons")
                    }
                    for (i, item) in items.enumerated() {
                        guard let s = item.stringValue else {
                            throw Rejection(.invalidField, "each reason is a string", field: "data.reasons[\(i)]")
                        }
                        if let problem = TextLimit.freeText.problem(with: s) {
                            throw Rejection(.invalidField, "a reason \(problem)", field: "data.reasons[\(i)]")
                        }
                        reasons.append(s)
                    }
                }
                return .success(
                    .caseCommand(
                        .verifyDocuments(
                            .init(
                                outcome: outcome,
                                identityMatches: identity,
                                photoCompliant: photo,
                                eligibilityEvidence: evidence,
                                reasons: reasons
                            )
                        )
                    )
                )
            case .recordPayment:
                let ref = try d.text("paymentRef", "the payment reference")
                let amount = try d.int("amountYuan", "the amount in yuan")
                let items = try d.array("subjects", "the subjects paid for")
                var subjects: [Subject] = []
                for (i, item) in items.enumerated() {
                    guard let text = item.stringValue, let s = Subject(rawValue: text) else {
                        throw Rejection(
                            .invalidField,
                            "subjects are theory and skill; \(FieldReader.show(item)) is not",
                            field: "data.subjects[\(i)]"
                        )
                    }
                    subjects.append(s)
                }
                return .success(
                    .caseCommand(.recordPayment(.init(paymentRef: ref, amountYuan: amount, subjects: subjects)))
                )
            case .refund:
                let ref = try d.text("paymentRef", "the reference of the payment to refund")
                let amount = try d.int("amountYuan", "the amount in yuan")
                let reason = try d.text("reason", "the reason for the refund", limit: .freeText)
                return .success(.caseCommand(.refund(.init(paymentRef: ref, amountYuan: amount, reason: reason))))
            case .withdraw:
                return .success(
                    .caseCommand(
                        .withdraw(.init(reason: try d.text("reason", "the reason for withdrawing", limit: .freeText)))
                    )
                )
            case .sendTicket:
                let number = try d.text("ticketNumber", "the ticket number")
                let channel = try d.choice("channel", Candidate.Contact.Channel.self, "the channel it is sent to")
                return .success(.caseCommand(.sendTicket(ticketNumber: number, channel: channel)))
            case .recordScore:
                let subject = try d.choice("subject", Subject.self, "the subject")
                let score = try d.int("score", "the score, 0 to 100")
                return .success(.caseCommand(.recordScore(subject: subject, score: score)))
            case .correctScore:
                let subject = try d.choice("subject", Subject.self, "the subject")
                let score = try d.int("score", "the corrected score, 0 to 100")
                let complaint = try d.text("complaintId", "the score complaint's id")
                let reason = try d.text("reason", "the reason for the correction", limit: .freeText)
                return .success(
                    .caseCommand(
                        .correctScore(.init(subject: subject, score: score, complaintID: complaint, reason: reason))
                    )
                )
            case .requestRetake:
                let subject = try d.choice("subject", Subject.self, "the subject to retake")
                let batch = try d.text("batch", "the batch of the retake")
                return .success(.caseCommand(.requestRetake(.init(subject: subject, batch: batch))))
            case .certify:
                let number = try d.text("certificateNumber", "the certificate number")
                return .success(.caseCommand(.certify(certificateNumber: number)))
            case .lodgeComplaint:
                let id = try d.text("complaintId", "the complaint's id")
                let channel = try d.choice("channel", CaseEvent.ComplaintLodged.Channel.self, "how it was received")
                let category = try d.choice("category", CaseEvent.ComplaintLodged.Category.self, "what it is about")
                let summary = try d.text("summary", "a summary of the complaint", limit: .freeText)
                return .success(
                    .caseCommand(
                        .lodgeComplaint(.init(complaintID: id, channel: channel, category: category, summary: summary))
                    )
                )
            case .resolveComplaint:
                let id = try d.text("complaintId", "the complaint's id")
                let outcome = try d.choice("outcome", CaseEvent.ComplaintResolved.Outcome.self, "upheld or dismissed")
                let resolution = try d.text("resolution", "how it was resolved", limit: .freeText)
                return .success(
                    .caseCommand(.resolveComplaint(.init(complaintID: id, outcome: outcome, resolution: resolution)))
                )
            case .addNote:
                let text = try d.text("text", "the note, 1 to 2,000 characters", limit: .freeText)
                let complaint = try d.optionalString("complaintId", "the complaint the note is about")
                return .success(.caseCommand(.addNote(.init(text: text, complaintID: complaint))))
            case .erasePersonalData:
                let scope = try d.optionalString("scope", "all, or details (contact, photo and free text)") ?? "all"
                guard let groups = EventCoding.erasureGroups(scope: scope) else {
                    throw Rejection(
                        .invalidField,
                        "scope is all, or details (contact, photo and free text), not \(scope)",
                        field: "data.scope"
                    )
                }
                let reason = try d.text("reason", "why the data is erased", limit: .freeText)
                let basis = try d.text("basis", "the legal basis, such as PIPL art. 47")
                return .success(.caseCommand(.erasePersonalData(.init(groups: groups, reason: reason, basis: basis))))
            case .placeHold:
                let id = try d.text("holdId", "the hold's id")
                let reason = try d.text("reason", "why the case is held", limit: .freeText)
                return .success(.caseCommand(.placeHold(.init(holdID: id, reason: reason))))
            case .releaseHold:
                let id = try d.text("holdId", "the hold's id")
                let reason = try d.text("reason", "why the hold ends", limit: .freeText)
                return .success(.caseCommand(.releaseHold(.init(holdID: id, reason: reason))))
            }
        } catch {
            return .failure(error)
        }
    }

    static func applyData(_ d: FieldReader) throws(Rejection) -> ApplyDecision.Data {
        let batch = try d.text("batch", "the batch applied for, such as 2024-04")
        let occupation = try d.choice("occupation", Occupation.self, "the occupation")
        let level = try d.int("level", "the level")
        let c = try d.object("candidate", "the candidate")
        let name = try c.text("name", "the candidate's name as on the identity document")
        let birthDate = try c.date("birthDate", "the candidate's birth date")
        let region = try c.choice("region", Region.self, "where the candidate is from")
        let doc = try c.object("idDocument", "the identity document {type, number}")
        let type = try doc.choice(
            "type",
            IdentityDocumentType.self,
            "the document type",
            code: .idDocumentNotAllowed
        )
        let number = try doc.text("number", "the document's number")
        let contact = try c.object("contact", "the contact {channel, address}")
        let channel = try contact.choice("channel", Candidate.Contact.Channel.self, "wechat or email")
        let address = try contact.text("address", "the address tickets and certificates are sent to")
        let photo = try d.object("photo", "the photo {jpegBase64}")
        let base64 = try photo.string("jpegBase64", "the JPEG photo in base64", limit: .unbounded)
        let eligibility = try eligibilityData(try d.object("eligibility", "the eligibility claim"))
        return ApplyDecision.Data(
            batch: batch,
            occupation: occupation,
            level: level,
            candidate: Candidate(
                name: name,
                birthDate: birthDate,
                region: region,
                idDocument: .init(type: type, number: number),
                contact: .init(channel: channel, address: address)
            ),
            photoBase64: base64,
            eligibility: eligibility
        )
    }

    /// The evidence kinds of 附件1.
    static let evidenceKinds: Set<String> = [
        "work-experience-pledge", "certificate", "diploma", "education-pledge", "chsi-verification-code", "work-pledge",
    ]

    static func eligibilityData(_ e: FieldReader) throws(Rejection) -> Eligibility {
        let condition = try e.choice(
            "condition",
            Eligibility.Condition.self,
            "the eligibility condition",
            code: .eligibilityConditionInvalid
        )
        var evidence: [Eligibility.Evidence] = []
        if e.optional("evidence") != nil {
            let items = try e.array("evidence", "the evidence")
            guard items.count <= 20 else {
                throw Rejection(.invalidField, "give at most 20 pieces of evidence", field: e.path("evidence"))
            }
            for (i, item) in items.enumerated() {
                let piece = try FieldReader(item, path: "data.eligibility.evidence[\(i)]", checksText: e.checksText)
                let kind = try piece.string("kind", "the kind of evidence")
                guard evidenceKinds.contains(kind) else {
                    throw Rejection(
                        .invalidField,
                        "evidence kinds are \(evidenceKinds.sorted().joined(separator: ", ")); \"\(kind)\" is not",
                        field: piece.path("kind")
                    )
                }
                let reference = try piece.optionalString("reference", "the evidence's reference") ?? ""
                evidence.append(.init(kind: kind, reference: reference))
            }
        }
        var claim = Eligibility(condition: condition, evidence: evidence)
        claim.occupation = try e.optionalString("occupation", "the occupation worked or intended")
        claim.description = try e.optionalString("description", "a description of other", limit: .freeText)
        claim.yearsOfWork = try e.optionalYears("yearsOfWork", "the years of work")
        if e.optional("certificate") != nil {
            let cert = try e.object("certificate", "the level-5 certificate {number, occupation}")
            claim.certificateNumber = try cert.optionalString("number", "the certificate's number")
            claim.certificateOccupation = try cert.optionalString("occupation", "the certificate's occupation")
        }
        claim.yearsSinceCertificate = try e.optionalYears("yearsSinceCertificate", "the years since the certificate")
        claim.schoolLevel = try e.optionalString("schoolLevel", "the school level")
        claim.major = try e.optionalString("major", "the major")
        claim.graduating = try e.optionalBool("graduating", "whether the candidate is graduating")
        return claim
    }
}
