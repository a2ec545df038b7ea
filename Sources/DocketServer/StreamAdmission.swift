import Foundation

/// Counts open live feeds: each replays the log from where its client asks, so a hundred feeds
/// from position 1 once starved every other request. At most ``perActor`` per token holder and
/// ``total`` in all (429 beyond).
final class StreamAdmission: @unchecked Sendable {
    /// One admitted feed.
    struct Ticket: Sendable {
        let actor: String
    }

    let perActor: Int
    let total: Int
    private let lock = NSLock()
    private var open: [String: Int] = [:]
    private var count = 0

    init(perActor: Int, total: Int) {
        self.perActor = perActor
        self.total = total
    }

    /// Admits a feed for `actor`, or `nil` when a limit is reached.
    func enter(actor: String) -> Ticket? {
        lock.withLock {
            guard count < total, open[actor, default: 0] < perActor else { return nil }
            count += 1
            open[actor, default: 0] += 1
            return Ticket(actor: actor)
        }
    }

    /// The feed ended.
    func leave(_ ticket: Ticket) {
        lock.withLock {
            count -= 1
            open[ticket.actor, default: 1] -= 1
            if open[ticket.actor] == 0 { open[ticket.actor] = nil }
        }
    }
}
