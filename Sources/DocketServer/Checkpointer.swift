import DocketApplication
import DocketStore
import EventLog
import Evidence
import Logging
import ServiceLifecycle

/// `serve`'s own checkpoints: every second the Merkle tree is brought up to the log (so proofs
/// are ready), and with a signing key a checkpoint is signed once the log has grown by
/// ``every`` events or ``seconds`` have passed since the last one with new events. Without a
/// key, the tree is still kept and `docket checkpoint` (another process) cannot run while the
/// server holds the store: the log says so once.
struct Checkpointer: Service {
    let service: DocketService
    let signer: NoteSigner?
    let every: UInt64
    let seconds: Int
    let logger: Logger

    func run() async throws {
        var lastSize = (try? service.checkpointStore.latest())?.size ?? 0
        var lastTime = ContinuousClock.now
        if signer == nil {
            logger.notice(
                "no checkpoint key (docket key create): the server keeps the Merkle tree but signs no checkpoints"
            )
        }
        // A failure that repeats is logged once, not every second.
        var lastFailure = ""
        func report(_ what: String, _ error: any Error) {
            let text = "\(what): \(error)"
            guard text != lastFailure else { return }
            lastFailure = text
            logger.error("\(what)", metadata: ["error": "\(error)"])
        }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .seconds(1))
            let log = service.store.log
            do {
                try await Blocking.run { try log.updateTree() }
            } catch {
                report("the Merkle tree could not catch up", error)
                continue
            }
            guard let signer else { continue }
            let size = log.treeSize
            let grown = size > lastSize ? size - lastSize : 0
            let due = grown >= every || (grown > 0 && ContinuousClock.now - lastTime >= .seconds(seconds))
            guard due, size > 0 else { continue }
            do {
                let service = self.service
                let made = try await Blocking.run { try service.makeCheckpoint(signer: signer) }
                lastSize = made.size
                lastTime = ContinuousClock.now
                logger.info("checkpoint signed", metadata: ["size": "\(made.size)"])
                lastFailure = ""
            } catch {
                report("a checkpoint could not be signed", error)
            }
        }
    }
}
