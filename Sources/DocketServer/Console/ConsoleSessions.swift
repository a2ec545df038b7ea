import Foundation

/// The console's sessions, in memory: a restart signs everyone out (a token signs in again).
/// A session ends after ``idleLimit`` without a request, after ``lifetime`` in all, on sign-out,
/// and when its token is revoked. At most ``capacity`` live at once; beyond that the least
/// recently used is ended (a flood of sign-ins cannot grow memory without bound).
final class ConsoleSessions: @unchecked Sendable {
    static let idleLimit: Duration = .seconds(30 * 60)
    static let lifetime: Duration = .seconds(8 * 60 * 60)
    let capacity: Int
    private let lock = NSLock()
    private var sessions: [String: ConsoleSession] = [:]

    init(capacity: Int = 10_000) { self.capacity = capacity }

    var count: Int { lock.withLock { sessions.count } }

    /// Starts a session for `holder`, signed in with `token`.
    func start(token: String, holder: TokenFile.Holder, now: ContinuousClock.Instant = .now) -> ConsoleSession {
        let session = ConsoleSession(
            id: ConsoleSession.randomToken(),
            token: token,
            holder: holder,
            csrf: ConsoleSession.randomToken(),
            started: now,
            lastSeen: now
        )
        lock.withLock {
            if sessions.count >= capacity { evict(now: now) }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session `id`, its last use moved to `now`; `nil` when unknown or expired.
    func find(_ id: String, now: ContinuousClock.Instant = .now) -> ConsoleSession? {
        lock.withLock {
            guard var session = sessions[id] else { return nil }
            guard now - session.lastSeen < Self.idleLimit, now - session.started < Self.lifetime else {
                sessions[id] = nil
                return nil
            }
            session.lastSeen = now
            sessions[id] = session
            return session
        }
    }

    /// Remembers why session `id` opens case `caseID`.
    func setPurpose(_ id: String, caseID: String, purpose: String) {
        lock.withLock {
            guard sessions[id] != nil else { return }
            // A session keeps the purposes of at most 200 cases (the oldest forgotten first is
            // not worth the bookkeeping: the whole list starts again).
            if sessions[id]!.purposes.count >= 200 { sessions[id]!.purposes.removeAll() }
            sessions[id]!.purposes[caseID] = purpose
        }
    }

    /// Ends session `id` (sign-out, or its token revoked).
    func end(_ id: String) { lock.withLock { sessions[id] = nil } }

    /// Drops expired sessions, then the least recently used until there is room for one.
    private func evict(now: ContinuousClock.Instant) {
        sessions = sessions.filter {
            now - $0.value.lastSeen < Self.idleLimit && now - $0.value.started < Self.lifetime
        }
        while sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
            sessions[oldest.key] = nil
        }
    }
}
