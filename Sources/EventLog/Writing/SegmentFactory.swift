#if canImport(Glibc)
import Glibc
#endif

/// Creates segment files crash-safely: temp file → header → fsync → rename → fsync directory.
/// No valid-looking segment without a whole header can ever exist.
enum SegmentFactory {
    static func create(
        layout: StoreLayout,
        number: UInt64,
        basePosition: UInt64,
        previousHead: ChainHash
    ) throws(EventLogError) -> SegmentCatalog.Segment {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let header = SegmentHeader(
            segmentNumber: number,
            basePosition: basePosition,
            salt: salt,
            previousHead: previousHead
        )
        let path = layout.segmentPath(number)
        let name = StoreLayout.relative(StoreLayout.segmentName(number))
        let file = try FileHandle.open(path + ".tmp", name: name + ".tmp", flags: O_RDWR | O_CREAT | O_TRUNC)
        try file.write(header.encoded(), at: 0)
        try file.syncAll()
        guard rename(path + ".tmp", path) == 0 else {
            let e = errno
            throw EventLogError(
                .io,
                "cannot rename new segment into place: \(String(cString: strerror(e)))",
                file: name,
                errno: e
            )
        }
        try FileSystem.syncDirectory(layout.logDirectory)
        let reopened = try FileHandle.open(path, name: name, flags: O_RDWR)
        return SegmentCatalog.Segment(header: header, file: reopened)
    }
}
