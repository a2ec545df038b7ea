/// Each case's verified version (small: one integer per case).
final class VersionTable {
    private var versions: [String: UInt64] = [:]
    var count: Int { versions.count }
    func version(of id: String) -> UInt64 { versions[id] ?? 0 }
    func set(_ id: String, _ version: UInt64) { versions[id] = version }
}
