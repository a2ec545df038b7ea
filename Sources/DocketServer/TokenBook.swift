import Foundation

/// The tokens file as the server reads it: loaded at start and again whenever the file changes
/// (a token added with `docket token add` works without a restart).
final class TokenBook: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var file: TokenFile
    private var modified: Date?

    init(path: String) throws(TokenError) {
        self.path = path
        file = try TokenFile(path: path)
        modified = Self.modified(path)
    }

    var count: Int { lock.withLock { file.holders.count } }

    func holder(of token: String) -> TokenFile.Holder? {
        lock.withLock {
            let now = Self.modified(path)
            if now != modified, let fresh = try? TokenFile(path: path) {
                file = fresh
                modified = now
            }
            return file.holder(of: token)
        }
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
