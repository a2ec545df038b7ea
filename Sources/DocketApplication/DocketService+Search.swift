import Certification
import CertificationWire
import Chronology
import DocketStore
import EventLog
import Foundation
import Projections

extension DocketService {
    /// The most hits one page may hold.
    public static let maximumSearchPage = 500

    /// Candidates whose full identity number is `text`, else whose name contains it: exact
    /// names first, paged (`offset`, `limit`), each hit with its identity and birth date as the
    /// reader may see them, its status, occupation and batch. With a past `cut`, the search and
    /// cases models as they stood then answer (built on first use).
    /// - Throws: `invalid-parameter` for blank text or a page out of range; `before-log`.
    public func search(
        _ text: String,
        cut: TimeCut = .now,
        offset: Int = 0,
        limit: Int = 50,
        disclosure: Disclosure
    ) throws(DocketError) -> SearchAnswer {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else {
            throw DocketError(.invalidParameter, "give a name fragment or a full identity number", field: "q")
        }
        guard query.count <= 200 else {
            throw DocketError(.invalidParameter, "a search is at most 200 characters", field: "q")
        }
        guard (1...Self.maximumSearchPage).contains(limit) else {
            throw DocketError(.invalidParameter, "limit is 1 to \(Self.maximumSearchPage)", field: "limit")
        }
        guard offset >= 0, offset <= 100_000_000 else {
            throw DocketError(.invalidParameter, "offset is 0 or more", field: "offset")
        }
        let logPosition = self.logPosition
        if cut == .now { try prepareModels(["search", "cases"]) }
        let searchFile = try snapshot("search", cut: cut)
        let casesFile = try snapshot("cases", cut: cut)
        let page: Projector.CandidatePage
        let statuses: [String: String]
        do throws(ProjectionError) {
            page = try projector.searchCandidates(query, offset: offset, limit: limit, file: searchFile)
            statuses = try projector.caseStatuses(
                page.matches.map(\.caseID),
                today: today(for: cut).description,
                file: casesFile
            )
        } catch {
            throw DocketError.from(error)
        }
        var hits: [SearchAnswer.Hit] = []
        for match in page.matches {
            var hit = SearchAnswer.Hit(
                caseID: match.caseID,
                name: match.name,
                idType: match.idType,
                idNumber: match.idMasked,
                birthDate: Disclosure.maskedBirthDate(year: match.birthYear),
                status: statuses[match.caseID],
                occupation: match.occupation,
                batch: match.batch,
                appliedOn: match.appliedOn
            )
            if disclosure == .full, let applied = try application(of: match.caseID) {
                hit.idNumber = applied.candidate.idDocument.number
                hit.birthDate = applied.candidate.birthDate.description
            }
            hits.append(hit)
        }
        return SearchAnswer(
            query: query,
            hits: hits,
            total: page.total,
            offset: offset,
            limit: limit,
            byIdentityNumber: page.byIdentityNumber,
            logPosition: logPosition
        )
    }

    /// Case `id`'s application, read from the log (its first event).
    func application(of id: String) throws(DocketError) -> CaseEvent.Applied? {
        let first: [RecordedEvent]
        do throws(EventLogError) {
            first = try store.log.read(stream: StreamName.forCase(id), from: 1, to: 1)
        } catch {
            throw DocketError.from(error)
        }
        guard let recorded = first.first else { return nil }
        do throws(EventLogError) {
            if case .caseEvent(.applied(let a)) = try RecordedDomainEvent(recorded, keys: store.personalKeys).event {
                return a
            }
        } catch {
            throw DocketError.from(error)
        }
        return nil
    }
}
