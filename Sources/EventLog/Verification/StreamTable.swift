/// Stream ids by name bytes, without making a `String` per lookup.
///
/// The verifier sees every event's stream id as bytes inside a block. Keying a dictionary by
/// `String` costs an allocation, a SipHash and a string comparison per event; this table keys by
/// the XXH3 of the bytes and confirms with a byte comparison, falling back to a `String` map only
/// for the (astronomically rare) colliding hash.
struct StreamTable {
    private var byHash: [UInt64: Int32] = [:]
    private var collided: [String: Int32] = [:]
    private(set) var names: [[UInt8]] = []

    var count: Int { names.count }

    /// The id of the stream named by `bytes`, adding it if new.
    mutating func id(of bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = Checksum.xxh3(bytes)
        if let id = byHash[hash] {
            if names[Int(id)].withUnsafeBytes({ $0.bytesEqual(bytes) }) { return id }
            let name = String(decoding: bytes, as: UTF8.self)
            if let other = collided[name] { return other }
            let new = Int32(names.count)
            names.append(Array(bytes))
            collided[name] = new
            return new
        }
        let new = Int32(names.count)
        names.append(Array(bytes))
        byHash[hash] = new
        return new
    }

    func name(_ id: Int32) -> String { String(decoding: names[Int(id)], as: UTF8.self) }
}
