import Foundation

/// Counts open live feeds: each replays the log from where its client asks, so a hundred feeds
/// from position 1 once starved every other request. At most ``perActor`` per token holder and
/// ``total`` in all (429 beyond).
final class StreamAdmission: @unchecked Sendable {
    /// One admitted feed; its place is given back when the ticket goes, however the feed ends
    /// (a client gone before the body began never runs the body's own clean-up).
    final class Ticket: Sendable {
        let actor: String
        let admission: StreamAdmission
        init(actor: String, admission: StreamAdmission) {
            self.actor = actor
            self.admission = admission
        }
        deinit { admission.leave(actor) }
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
            return Ticket(actor: actor, admission: self)
        }
    }

    /// A feed of `actor` ended.
    private func leave(_ actor: String) {
        lock.withLock {
            count -= 1
            open[actor, default: 1] -= 1
            if open[actor] == 0 { open[actor] = nil }
        }
    }
}
