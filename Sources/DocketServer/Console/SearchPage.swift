import DocketApplication
import Foundation

/// The search page (`/console/search?q=`): a name fragment or a full identity number; each hit
/// with the identity and birth date as the reader's role may see them, its status, occupation
/// and batch; exact matches first (the application layer's order); 20 a page with a count.
struct SearchPage {
    struct Hit {
        var caseID, name, idNumber, birthDate, status, statusTone, occupation, batch, appliedOn: String
    }

    static let pageSize = 20

    var title = "Find a case"
    var user: ConsoleUser?
    var inlineCSS: String?
    var onSearch = true
    var onReports = false

    var query: String
    var error: String?
    var answered = false
    var countText = ""
    var hits: [Hit] = []
    /// Stored, not computed: templates see stored properties only (Mirror).
    var hasHits = false
    var pageText = ""
    var previous: String?
    var next: String?

    init(user: ConsoleUser, query: String, error: String? = nil) {
        self.user = user
        self.query = query
        self.error = error
    }

    init(user: ConsoleUser, answer: SearchAnswer) {
        self.init(user: user, query: answer.query)
        answered = true
        let by = answer.byIdentityNumber ? "identity number" : "name"
        countText =
            answer.total == 0
            ? "No case matches “\(answer.query)”."
            : "\(answer.total) \(answer.total == 1 ? "case matches" : "cases match") by \(by)"
        hits = answer.hits.map {
            Hit(
                caseID: $0.caseID,
                name: $0.name,
                idNumber: $0.idNumber,
                birthDate: $0.birthDate,
                status: $0.status ?? "being indexed",
                statusTone: StatusTone.of($0.status ?? ""),
                occupation: $0.occupation,
                batch: $0.batch,
                appliedOn: $0.appliedOn
            )
        }
        hasHits = !hits.isEmpty
        if !hits.isEmpty {
            pageText = "\(answer.offset + 1)–\(answer.offset + hits.count) of \(answer.total)"
        }
        let q = TimelineFilter.escape(answer.query)
        if answer.offset > 0 {
            previous = "/console/search?q=\(q)&offset=\(max(0, answer.offset - answer.limit))"
        }
        if let nextOffset = answer.nextOffset { next = "/console/search?q=\(q)&offset=\(nextOffset)" }
    }
}
