import Chronology
import DocketJSON
import DocketStore
import EventLog
import Projections
import ProjectionsPostgres

extension DocketService {
    /// The store's reporting settings (`nil` when none were made).
    public func reportingTargets() throws(DocketError) -> ReportingTargets? {
        try ReportingTargets.load(store.root)
    }

    /// The store's PostgreSQL target, when one is set.
    /// - Throws: `no-target` when `required` and none is set.
    public func postgresTarget(required: Bool = true) throws(DocketError) -> PostgresTarget? {
        guard let targets = try reportingTargets(), let settings = targets.postgres else {
            guard !required else {
                throw DocketError(
                    .noTarget,
                    "this store has no PostgreSQL target; add one with `docket projections target add postgres URL`",
                    field: "target"
                )
            }
            return nil
        }
        do throws(ProjectionError) {
            return try PostgresTarget(
                url: try PostgresURL(settings.url),
                storeID: targets.storeID,
                models: settings.models,
                storeRoot: store.root
            )
        } catch {
            throw DocketError.from(error)
        }
    }

    /// Sets the store's PostgreSQL target at `url` holding `models` (all when empty), under
    /// store id `storeID` (the store's existing id, or a new one, when `nil`), then loads it:
    /// the database is reached and prepared first, so a wrong URL or password is refused
    /// before anything is saved.
    /// - Throws: `invalid-parameter` naming the field (`url`, `models`, `store-id`),
    ///   `target-failed` when the server cannot be reached or refuses.
    @discardableResult
    public func addPostgresTarget(
        url text: String,
        models: [String],
        storeID: String?,
        reportsByDefault: Bool,
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(DocketError) -> PostgresTarget {
        let url: PostgresURL
        do throws(ProjectionError) { url = try PostgresURL(text) } catch {
            throw DocketError(.invalidParameter, error.message, field: "url")
        }
        for name in models where !Projector.names.contains(name) {
            throw DocketError(
                .invalidParameter,
                "no projection \(name); the projections are \(Projector.names.joined(separator: ", "))",
                field: "models"
            )
        }
        var targets = try reportingTargets() ?? ReportingTargets(storeID: storeID ?? ReportingTargets.newStoreID())
        if let storeID {
            guard PostgresTarget.isValidStoreID(storeID), storeID != "all" else {
                throw DocketError(
                    .invalidParameter,
                    "store id \(storeID) is not 1 to 64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit (and not \"all\")",
                    field: "store-id"
                )
            }
            targets.storeID = storeID
        }
        let target: PostgresTarget
        do throws(ProjectionError) {
            target = try PostgresTarget(url: url, storeID: targets.storeID, models: models, storeRoot: store.root)
            try target.prepare()
        } catch {
            throw DocketError.from(error)
        }
        // Saved once the target holds the store: a target that refuses it (another store under
        // this id) or a load that fails leaves the store's settings as they were.
        try updateTarget(target, progress: progress)
        targets.postgres = ReportingTargets.Postgres(url: text, models: models, reportsByDefault: reportsByDefault)
        try targets.save(store.root)
        return target
    }

    /// Forgets the store's PostgreSQL target; with `dropRows`, first deletes every row the
    /// database holds of this store (otherwise they stay there, frozen).
    /// - Throws: `no-target` when none is set; `target-failed` when the rows cannot be dropped
    ///   (the target is then kept).
    public func removePostgresTarget(dropRows: Bool = false) throws(DocketError) {
        guard var targets = try reportingTargets(), targets.postgres != nil else {
            throw DocketError(.noTarget, "this store has no PostgreSQL target", field: "target")
        }
        if dropRows, let target = try postgresTarget() {
            do throws(ProjectionError) { try target.dropRows() } catch { throw DocketError.from(error) }
        }
        targets.postgres = nil
        try targets.save(store.root)
    }

    /// Brings the PostgreSQL target up to the log (loading models it lacks by COPY).
    /// - Returns: the events applied, summed over models.
    @discardableResult
    public func updateTarget(
        _ target: PostgresTarget? = nil,
        progress: (String, UInt64) -> Void = { _, _ in }
    ) throws(DocketError) -> Int {
        let chosen: PostgresTarget?
        if let target { chosen = target } else { chosen = try postgresTarget() }
        guard let target = chosen else { return 0 }
        do throws(ProjectionError) { return try target.catchUp(projector: projector, progress: progress) } catch {
            throw DocketError.from(error)
        }
    }

    /// Rebuilds models `names` of the PostgreSQL target (all it holds when empty) for this
    /// store, blue/green; loads a store the target refused as diverged afresh.
    public func rebuildTarget(
        _ names: [String] = [],
        progress: (String, UInt64) -> Void = { _, _ in }
    )
        throws(DocketError)
    {
        guard let target = try postgresTarget() else { return }
        do throws(ProjectionError) { try target.rebuild(names, projector: projector, progress: progress) } catch {
            throw DocketError.from(error)
        }
    }

    /// The PostgreSQL target's state for this store (`nil` when none is set): each model's
    /// position, lag and fingerprints, and the stores the database holds.
    public func targetStatus(fingerprints: Bool = true) throws(DocketError) -> TargetStatus? {
        guard let target = try postgresTarget(required: false) else { return nil }
        do throws(ProjectionError) {
            return TargetStatus(
                url: target.url.redacted,
                storeID: target.storeID,
                models: try target.status(log: store.log, fingerprints: fingerprints),
                stores: try target.stores()
            )
        } catch {
            throw DocketError.from(error)
        }
    }

    /// Report `name` answered from the PostgreSQL target, for this store, another store, or
    /// every store (a leading `store` column).
    public func targetReport(
        _ name: String,
        filters: Report.Filters = Report.Filters(),
        stores: PostgresTarget.StoreSelection = .this,
        today: LocalDate? = nil
    ) throws(DocketError) -> ReportAnswer {
        try Self.requireReport(name)
        try Self.validate(filters)
        if case .store(let id) = stores, !PostgresTarget.isValidStoreID(id) {
            throw DocketError(
                .invalidParameter,
                "\(id) is not a store id (1 to 64 of a-z, 0-9, '.', '_', '-') nor all",
                field: "target-store"
            )
        }
        // A batch is checked against this store's log; another store's batches are its own.
        if stores == .this { try checkKnown(filters, report: name) }
        guard let target = try postgresTarget() else { throw DocketError(.noTarget, "no target", field: "target") }
        let day = today ?? self.today()
        do throws(ProjectionError) {
            let held = try target.stores()
            switch stores {
            case .this:
                // Rows of a store the target refuses would be another log's: not shown as ours.
                if let refused = try target.status(log: store.log, fingerprints: false).first(where: {
                    $0.name == name && $0.divergence != nil
                }) {
                    throw ProjectionError(.storeDiverged, refused.divergence ?? "")
                }
            case .store(let id) where !held.contains(where: { $0.store == id }):
                throw ProjectionError(
                    .unknownProjection,
                    "the target holds no store \(id); it holds \(held.map(\.store).joined(separator: ", "))"
                )
            default:
                break
            }
            let report = try target.report(name, filters: filters, today: day.description, stores: stores)
            // What the rows reflect: the store's position in the target (the lowest over
            // stores for all of them).
            let position: UInt64? =
                switch stores {
                case .this: held.first { $0.store == target.storeID }?.position
                case .store(let id): held.first { $0.store == id }?.position
                case .all: held.map(\.position).min()
                }
            return ReportAnswer(
                name: name,
                report: report,
                logPosition: position ?? 0,
                generatedAt: clock(),
                today: day,
                cut: .now,
                filters: filters,
                offset: 0,
                totalRows: report.rows.count
            )
        } catch {
            throw DocketError.from(error)
        }
    }
}

/// A PostgreSQL target's state, for `docket projections status`.
public struct TargetStatus: Sendable {
    /// The target's URL without its password.
    public var url: String
    public var storeID: String
    public var models: [PostgresTarget.ModelStatus]
    /// Every store the database holds, with the lowest position it holds of each.
    public var stores: [(store: String, position: UInt64)]
}

extension TargetStatus {
    /// The target's state as `docket projections status --output json` shows it (`postgres`).
    public var json: JSONValue {
        .object([
            "url": .string(url), "storeID": .string(storeID),
            "models": .array(
                models.map { m in
                    .object([
                        "name": .string(m.name), "position": .int(m.position), "lag": .int(m.lag),
                        "schemaVersion": .int(m.schemaVersion), "refused": .optional(m.divergence),
                        "fingerprints": .object(
                            JSONObject(m.fingerprints.map { (key: $0.table, value: .string($0.fingerprint)) })
                        ),
                    ])
                }
            ),
            "stores": .array(stores.map { .object(["store": .string($0.store), "position": .int($0.position)]) }),
        ])
    }
}
