import Certification
import CertificationWire
import Chronology
import DocketJSON
import DocketStore
import EventLog
import Projections

extension DocketService {
    /// Case `id`'s view (SPEC §3): now, as it stood at a moment (`cut`), or after its first
    /// `atVersion` events (status at that event's time, batches as the log held them then).
    ///
    /// The cases read model answers when it holds the whole log and the reader sees masked
    /// identities (the model holds them masked); the log otherwise. Both give the same bytes.
    /// - Throws: `case-not-found`; `invalid-parameter` for a version the case does not have or
    ///   a moment before the case's first event; `before-log`.
    public func caseView(
        _ id: String,
        cut: TimeCut = .now,
        atVersion: UInt64? = nil,
        disclosure: Disclosure,
        purpose: ReadPurpose
    ) throws(DocketError) -> CaseViewAnswer {
        let answer = try unrecordedCaseView(id, cut: cut, atVersion: atVersion, disclosure: disclosure)
        try recordAccess("case-view", caseID: id, disclosure: disclosure, purpose: purpose)
        return answer
    }

    func unrecordedCaseView(
        _ id: String,
        cut: TimeCut,
        atVersion: UInt64?,
        disclosure: Disclosure
    ) throws(DocketError) -> CaseViewAnswer {
        let logPosition = self.logPosition
        let now = clock()
        if cut == .now, atVersion == nil, disclosure == .masked {
            do throws(ProjectionError) {
                if let bytes = try projector.currentCaseViewJSON(id, now: now) {
                    return CaseViewAnswer(
                        json: bytes,
                        version: Self.version(inView: bytes),
                        logPosition: logPosition,
                        fromReadModel: true
                    )
                }
            } catch {
                // A model that cannot be read is not an answer: the log is.
            }
        }
        if atVersion != nil, cut != .now {
            throw DocketError(.invalidParameter, "give a version or a moment, not both", field: "atVersion")
        }
        try requireInsideLog(cut, field: cut.field)
        let whole = try CaseHistory.load(id, from: store)
        let history = whole.cut(cut)
        guard !history.events.isEmpty else {
            let started = whole.events.first.map { cut.isKnownAt ? "recorded at \($0.recordedAt)" : "at \($0.at)" }
            throw DocketError(
                .invalidParameter,
                "case \(id) had no events \(cut.phrase); its first event was \(started ?? "never")",
                field: cut.field
            )
        }
        var fold = CaseFold(history)
        let view: CaseView
        if let atVersion {
            guard atVersion >= 1, atVersion <= UInt64(history.events.count) else {
                throw DocketError(
                    .invalidParameter,
                    "case \(id) has versions 1 to \(history.events.count), not \(atVersion)",
                    field: "atVersion"
                )
            }
            for e in history.events.prefix(Int(atVersion)) { fold.apply(e) }
            view = fold.view(at: history.events[Int(atVersion) - 1].at)
        } else {
            for e in history.events { fold.apply(e) }
            fold.advanceBatches(through: .max)
            view = fold.view(at: cut.moment(now: now))
        }
        var bytes: [UInt8] = []
        JSONWriter.write(view.json(disclosure), into: &bytes)
        return CaseViewAnswer(json: bytes, version: view.state.version, logPosition: logPosition, fromReadModel: false)
    }

    /// Case `id` folded from the log (inside `cut`), its status at the cut's moment: the view
    /// as a value, for callers that need the state itself rather than its JSON.
    public func foldedCase(_ id: String, cut: TimeCut = .now) throws(DocketError) -> CaseView {
        let history = try CaseHistory.load(id, from: store).cut(cut)
        var fold = CaseFold(history)
        for e in history.events { fold.apply(e) }
        fold.advanceBatches(through: .max)
        return fold.view(at: cut.moment(now: clock()))
    }

    /// The stored view's `"version":N` (the model's bytes are not parsed to answer).
    static func version(inView bytes: [UInt8]) -> UInt64 {
        let key = Array(#""version":"#.utf8)
        guard bytes.count > key.count else { return 0 }
        var i = 0
        while i + key.count < bytes.count {
            if bytes[i] == key[0], bytes[i..<(i + key.count)].elementsEqual(key) {
                var n: UInt64 = 0
                var j = i + key.count
                while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39, n < UInt64.max / 10 {
                    n = n * 10 + UInt64(bytes[j] - 0x30)
                    j += 1
                }
                return n
            }
            i += 1
        }
        return 0
    }

    /// Case `id`'s timeline: its events in log order, each with its one-line summary, and the
    /// events of the batches it was in that could change it (marked `batch`): the batch's
    /// schedule and reschedules (with their reasons) and score publications, up to the case's
    /// latest event, and after it those of the batch it is sitting in now.
    /// - Throws: `case-not-found`; `invalid-parameter` for a moment before the case began;
    ///   `before-log`.
    public func timeline(
        _ id: String,
        cut: TimeCut = .now,
        disclosure: Disclosure,
        purpose: ReadPurpose
    ) throws(DocketError) -> [TimelineEntry] {
        let entries = try unrecordedTimeline(id, cut: cut, disclosure: disclosure)
        try recordAccess("timeline", caseID: id, disclosure: disclosure, purpose: purpose)
        return entries
    }

    func unrecordedTimeline(_ id: String, cut: TimeCut, disclosure: Disclosure) throws(DocketError) -> [TimelineEntry] {
        var caseEntries: [TimelineEntry] = []
        var mentions: [BatchMention] = []
        var batchEvents: [String: [RecordedDomainEvent]] = [:]
        if cut == .now, disclosure == .masked {
            // The timelines model holds the case's lines masked; the batches come from the log.
            let projected: [Projector.TimelineEntry]?
            do throws(ProjectionError) { projected = try projector.currentTimeline(id) } catch { projected = nil }
            if let projected {
                caseEntries = projected.map { TimelineEntry(source: .case, event: $0.event, summary: $0.summary) }
                mentions = projected.compactMap { BatchMention($0.event) }
                for batch in Set(mentions.map(\.batch)) {
                    batchEvents[batch] = try CaseHistory.read(stream: StreamName.forBatch(batch), from: store)
                }
            }
        }
        if caseEntries.isEmpty {
            try requireInsideLog(cut, field: cut.field)
            let history = try CaseHistory.load(id, from: store).cut(cut)
            guard !history.events.isEmpty else {
                throw DocketError(.invalidParameter, "case \(id) had no events \(cut.phrase)", field: cut.field)
            }
            caseEntries = history.events.map {
                TimelineEntry(source: .case, event: $0.line(disclosure), summary: EventSummary.summary(of: $0.event))
            }
            mentions = history.events.compactMap(BatchMention.init)
            batchEvents = history.batchEvents
        }
        let lastPosition = caseEntries.last?.event.position ?? 0
        let context = Self.batchContext(mentions: mentions, lastPosition: lastPosition, batchEvents: batchEvents).map {
            TimelineEntry(source: .batch, event: $0.line(disclosure), summary: EventSummary.summary(of: $0.event))
        }
        return (caseEntries + context).sorted { $0.event.position < $1.event.position }
    }

    /// The batch events a case's timeline shows (see ``timeline(_:cut:disclosure:)``): those of
    /// the batches the case was in up to its latest event, and after it those of the batch it
    /// sits in now.
    static func batchContext(
        mentions: [BatchMention],
        lastPosition: UInt64,
        batchEvents: [String: [RecordedDomainEvent]]
    ) -> [RecordedDomainEvent] {
        let sitting = mentions.last(where: \.setsSitting)?.batch
        var out: [RecordedDomainEvent] = []
        for (batch, events) in batchEvents where mentions.contains(where: { $0.batch == batch }) {
            out += events.filter { $0.position <= lastPosition || batch == sitting }
        }
        return out
    }

    /// Case `id` replayed for auditors: each of its events (inside `cut`) with the case view it
    /// produced, the status evaluated at the event's business time and the batches as the log
    /// held them when the event was recorded. One fold, applied event by event.
    public func replay(
        _ id: String,
        cut: TimeCut = .now,
        disclosure: Disclosure,
        purpose: ReadPurpose
    ) throws(DocketError) -> [ReplayStep] {
        let steps = try unrecordedReplay(id, cut: cut, disclosure: disclosure)
        try recordAccess("replay", caseID: id, disclosure: disclosure, purpose: purpose)
        return steps
    }

    func unrecordedReplay(_ id: String, cut: TimeCut, disclosure: Disclosure) throws(DocketError) -> [ReplayStep] {
        try requireInsideLog(cut, field: cut.field)
        let history = try CaseHistory.load(id, from: store).cut(cut)
        guard !history.events.isEmpty else {
            throw DocketError(.invalidParameter, "case \(id) had no events \(cut.phrase)", field: cut.field)
        }
        var fold = CaseFold(history)
        var steps: [ReplayStep] = []
        steps.reserveCapacity(history.events.count)
        for e in history.events {
            fold.apply(e)
            steps.append(
                ReplayStep(
                    event: e.line(disclosure),
                    summary: EventSummary.summary(of: e.event),
                    state: fold.view(at: e.at).json(disclosure)
                )
            )
        }
        return steps
    }
}
