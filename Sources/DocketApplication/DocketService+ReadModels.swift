import Projections

extension DocketService {
    /// Brings read models `names` (all when empty) up to the log, rebuilding first any whose
    /// file this build cannot feed (another schema version, or ahead of the log).
    /// - Returns: the events applied, summed over models.
    @discardableResult
    public func updateReadModels(
        _ names: [String] = [],
        eventsPerTransaction: Int? = nil,
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(DocketError) -> Int {
        if let eventsPerTransaction { projector.batchSize = eventsPerTransaction }
        do throws(ProjectionError) { return try projector.catchUp(names, progress: progress) } catch {
            throw DocketError.from(error)
        }
    }

    /// Rebuilds read models `names` (all when empty) from the log, blue/green.
    public func rebuild(_ names: [String] = [], progress: (String, UInt64) -> Void = { _, _ in }) throws(DocketError) {
        do throws(ProjectionError) { try projector.rebuild(names, progress: progress) } catch {
            throw DocketError.from(error)
        }
    }

    /// Every read model's state (read-only). With `check`, the models are first brought up to
    /// date and each is rebuilt into a scratch file to compare fingerprints. Fingerprints are
    /// reused for up to `reuseFingerprintsFor` while a model moves (they hash every row).
    public func readModelStatus(
        check: Bool = false,
        reuseFingerprintsFor age: Duration = .zero
    ) throws(DocketError) -> ReadModelStatus {
        do throws(ProjectionError) {
            let differences = check ? try projector.check() : nil
            let models = try projector.servedStatus(reuseFingerprintsFor: age)
            return ReadModelStatus(logPosition: logPosition, models: models, differences: differences)
        } catch {
            throw DocketError.from(error)
        }
    }
}
