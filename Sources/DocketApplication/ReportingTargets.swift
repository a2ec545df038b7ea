import DocketJSON
import Foundation
import Projections
import ProjectionsPostgres

/// Where a store's read models live besides its own SQLite files: the store's id in shared
/// reporting databases, and its PostgreSQL target, kept in `<store>/projections/targets.json`
/// (owner-only: the URL may hold a password).
public struct ReportingTargets: Sendable, Equatable {
    /// The store's id in a shared database (every row there carries it).
    public var storeID: String
    /// The PostgreSQL target, if one is set.
    public var postgres: Postgres?

    /// A PostgreSQL target's settings.
    public struct Postgres: Sendable, Equatable {
        public var url: String
        /// The models it holds (all when empty).
        public var models: [String]
        /// Whether `docket report` answers from it by default ("instead of SQLite" for reports;
        /// the case views, timelines, search and console still read the SQLite models).
        public var reportsByDefault: Bool
    }

    /// The file at `storeRoot`.
    static func file(_ storeRoot: String) -> String { storeRoot + "/projections/targets.json" }

    /// The store's settings, or `nil` when it has none.
    static func load(_ storeRoot: String) throws(DocketError) -> ReportingTargets? {
        let path = file(storeRoot)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            guard case .object(let object) = try JSONParser.parse(Array(data)),
                case .string(let storeID)? = object["storeID"]
            else { throw DocketError(.storeFailed, "\(path) has no storeID") }
            var targets = ReportingTargets(storeID: storeID, postgres: nil)
            if case .object(let pg)? = object["postgres"], case .string(let url)? = pg["url"] {
                var models: [String] = []
                if case .array(let list)? = pg["models"] {
                    models = list.compactMap { if case .string(let s) = $0 { s } else { nil } }
                }
                var byDefault = false
                if case .bool(let b)? = pg["reportsByDefault"] { byDefault = b }
                targets.postgres = Postgres(url: url, models: models, reportsByDefault: byDefault)
            }
            return targets
        } catch let error as DocketError {
            throw error
        } catch {
            throw DocketError(.storeFailed, "\(path) is not valid JSON: \(error)")
        }
    }

    /// Writes the settings (owner-only, replaced atomically).
    func save(_ storeRoot: String) throws(DocketError) {
        var object = JSONObject()
        object.set("storeID", .string(storeID))
        if let postgres {
            var pg = JSONObject()
            pg.set("url", .string(postgres.url))
            pg.set("models", .array(postgres.models.map { .string($0) }))
            pg.set("reportsByDefault", .bool(postgres.reportsByDefault))
            object.set("postgres", .object(pg))
        }
        let path = Self.file(storeRoot)
        let temporary = path + ".tmp"
        let bytes = Array((JSONWriter.string(.object(object)) + "\n").utf8)
        try? FileManager.default.createDirectory(atPath: storeRoot + "/projections", withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: temporary,
                contents: Data(bytes),
                attributes: [.posixPermissions: 0o600]
            ),
            rename(temporary, path) == 0
        else {
            throw DocketError(.storeFailed, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A new store id: `store-` and 12 random hex digits.
    static func newStoreID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "store-" + String((0..<12).map { _ in digits[Int(generator.next() % 16)] })
    }
}
