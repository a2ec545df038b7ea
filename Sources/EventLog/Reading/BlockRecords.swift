/// The event records of one uncompressed block body, located but not yet decoded.
struct BlockRecords {
    let raw: [UInt8]
    let firstPosition: UInt64
    /// The number of records the frame header declares.
    let count: Int
    private(set) var headers: [EventRecordCodec.Header] = []
    private var parsedTo = 0

    /// Splits `raw` into exactly `count` records.
    /// - Parameter lazily: locate records only as far as they are asked for (random reads want
    ///   one record of a block); otherwise all are located now and must fill the body exactly.
    /// - Throws: ``DecodeError`` if the records are malformed.
    init(raw: [UInt8], firstPosition: UInt64, count: Int, lazily: Bool = false) throws(DecodeError) {
        self.raw = raw
        self.firstPosition = firstPosition
        self.count = count
        headers.reserveCapacity(lazily ? 8 : count)
        if !lazily {
            try locate(through: count - 1)
            guard parsedTo == raw.count else {
                throw DecodeError(reason: "bytes after the last event record", offset: parsedTo)
            }
        }
    }

    /// Locates records up to and including `index`.
    mutating func locate(through index: Int) throws(DecodeError) {
        guard index >= headers.count else { return }
        guard index < count else {
            throw DecodeError(reason: "record \(index) is beyond the block's \(count)", offset: parsedTo)
        }
        var found: [EventRecordCodec.Header] = []
        let start = parsedTo
        let end: Int = try raw.withBytes { (b) throws(DecodeError) in
            var reader = ByteReader(b, offset: start)
            for _ in headers.count...index { found.append(try EventRecordCodec.decodeHeader(&reader)) }
            return reader.offset
        }
        headers += found
        parsedTo = end
    }

    /// Checks the record at `index` is well formed, copying nothing.
    func validate(_ index: Int) throws(DecodeError) {
        try raw.withBytes { (b) throws(DecodeError) in try EventRecordCodec.validateRest(headers[index], in: b) }
    }

    /// Decodes the event at `index` in the block.
    func event(at index: Int) throws(DecodeError) -> RecordedEvent {
        try raw.withBytes { (b) throws(DecodeError) in
            try EventRecordCodec.decodeEvent(headers[index], position: firstPosition + UInt64(index), in: b)
        }
    }

    /// The stream id bytes of the record at `index`, compared without making a `String`.
    func streamEquals(_ index: Int, _ stream: String) -> Bool {
        var s = stream
        return s.withUTF8 { utf8 in
            raw.withUnsafeBytes { b in
                UnsafeRawBufferPointer(rebasing: b[headers[index].stream]).bytesEqual(UnsafeRawBufferPointer(utf8))
            }
        }
    }

    func streamName(_ index: Int) -> String {
        raw.withUnsafeBytes { ByteReader.string($0, headers[index].stream) }
    }

    func key(_ index: Int) -> String? {
        guard let range = headers[index].key else { return nil }
        return raw.withUnsafeBytes { ByteReader.string($0, range) }
    }

    /// Runs `body` over the hashed bytes of the record at `index`.
    func withRecordBytes<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        raw.withUnsafeBytes { b in body(UnsafeRawBufferPointer(rebasing: b[headers[index].body])) }
    }

    /// Runs a throwing `body` over the hashed bytes of the record at `index`.
    func withRecordBytes(
        _ index: Int,
        _ body: (UnsafeRawBufferPointer) throws(EventLogError) -> Void
    ) throws(EventLogError) {
        let range = headers[index].body
        let result: Result<Void, EventLogError> = raw.withUnsafeBytes { b in
            do throws(EventLogError) {
                try body(UnsafeRawBufferPointer(rebasing: b[range]))
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
