import Certification
import CertificationWire
import DocketJSON

/// A case event that names a batch (an application, a ticket, a score, a retake request): how a
/// timeline knows which batches' events belong beside the case's.
struct BatchMention: Sendable {
    var position: UInt64
    var batch: String
    /// An application or a retake request: the case sits in this batch from here on.
    var setsSitting: Bool

    /// The batch a decoded case event names.
    init?(_ e: RecordedDomainEvent) {
        guard case .caseEvent(let event) = e.event, let batch = CaseHistory.batch(of: event) else { return nil }
        position = e.position
        self.batch = batch
        switch event {
        case .applied, .retakeRequested: setsSitting = true
        default: setsSitting = false
        }
    }

    /// The batch an interchange line names (read from its `data.batch`: the line may be masked,
    /// so it is not decoded as a whole).
    init?(_ line: InterchangeEvent) {
        let types: [String: Bool] = ["Applied": true, "RetakeRequested": true, "TicketSent": false, "Scored": false]
        guard let sets = types[line.type], let data = try? JSONParser.parse(line.data),
            case .string(let batch)? = data["batch"]
        else { return nil }
        position = line.position
        self.batch = batch
        setsSitting = sets
    }
}
