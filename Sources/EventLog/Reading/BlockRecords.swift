/// The event records of one uncompressed block body, located but not yet decoded.
struct BlockRecords {
    let raw: [UInt8]
    let firstPosition: UInt64
    private(set) var headers: [EventRecordCodec.Header] = []

    /// Splits `raw` into exactly `count` records.
    /// - Throws: ``DecodeError`` if the records do not fill the body exactly.
    init(raw: [UInt8], firstPosition: UInt64, count: Int) throws(DecodeError) {
        self.raw = raw
        self.firstPosition = firstPosition
        headers.reserveCapacity(count)
        try raw.withBytes { (b) throws(DecodeError) in
            var reader = ByteReader(b)
            for _ in 0..<count {
                headers.append(try EventRecordCodec.decodeHeader(&reader))
            }
            guard reader.isAtEnd else { throw DecodeError(reason: "bytes after the last event record", offset: reader.offset) }
        }
    }

    var count: Int { headers.count }

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
            raw.withUnsafeBytes { b in UnsafeRawBufferPointer(rebasing: b[headers[index].stream]).bytesEqual(UnsafeRawBufferPointer(utf8)) }
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
}
