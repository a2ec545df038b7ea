import DocketJSON
import MerkleTree

/// A case evidence bundle (docs/EVIDENCE.md): one JSON document holding a case's events and the
/// events of the batches that affected it, each with its leaf data and an inclusion proof
/// against a signed checkpoint, the checkpoint, the key that signed it, and optionally a
/// consistency proof to a later checkpoint. Verified offline by ``BundleVerifier``.
public struct EvidenceBundle: Sendable {
    public static let format = "docket-evidence/1"

    /// One event: its leaf data (salt and canonical record) and its inclusion proof; or, in a
    /// masked bundle, an event whose record holds personal data the reader may not see: its
    /// leaf hash only, the proof, and the event as the reader may see it (not proven).
    public struct Entry: Sendable {
        public var position: UInt64
        public var salt: [UInt8]?
        public var record: [UInt8]?
        public var leafHash: MerkleHash?
        public var proof: [MerkleHash]
        /// Why the record is withheld.
        public var withheld: String?
        /// The event as the reader may see it (an interchange line), for a withheld record.
        public var shown: JSONValue?

        public init(position: UInt64, salt: [UInt8], record: [UInt8], proof: [MerkleHash]) {
            self.position = position
            self.salt = salt
            self.record = record
            self.proof = proof
        }

        public init(position: UInt64, leafHash: MerkleHash, proof: [MerkleHash], withheld: String, shown: JSONValue) {
            self.position = position
            self.leafHash = leafHash
            self.proof = proof
            self.withheld = withheld
            self.shown = shown
        }

        /// The leaf hash the proof is for.
        public var leaf: MerkleHash? {
            if let salt, let record { return .leaf(salt + record) }
            return leafHash
        }

        var json: JSONValue {
            var object = JSONObject()
            object.set("position", .int(position))
            if let salt { object.set("salt", .string(Base64.encode(salt))) }
            if let record { object.set("record", .string(Base64.encode(record))) }
            if let leafHash { object.set("leafHash", .string(leafHash.base64)) }
            object.set("proof", .array(proof.map { .string($0.base64) }))
            if let withheld { object.set("withheld", .string(withheld)) }
            if let shown { object.set("shown", shown) }
            return .object(object)
        }

        init(json: JSONValue, at path: String) throws(EvidenceError) {
            guard let position = json["position"]?.intValue, position >= 1 else {
                throw EvidenceError(.malformed, "\(path).position must be a position, 1 or more")
            }
            self.position = UInt64(position)
            func bytes(_ key: String) throws(EvidenceError) -> [UInt8]? {
                guard let value = json[key] else { return nil }
                guard let text = value.stringValue, let bytes = Base64.decode(text) else {
                    throw EvidenceError(.malformed, "\(path).\(key) must be base64")
                }
                return bytes
            }
            salt = try bytes("salt")
            record = try bytes("record")
            if let salt, salt.count != 32 { throw EvidenceError(.malformed, "\(path).salt must be 32 bytes") }
            if let text = json["leafHash"] {
                guard let hash = text.stringValue.flatMap(MerkleHash.init(base64:)) else {
                    throw EvidenceError(.malformed, "\(path).leafHash must be 32 bytes in base64")
                }
                leafHash = hash
            }
            proof = try EvidenceBundle.hashes(json["proof"], at: "\(path).proof", atMost: 64)
            withheld = json["withheld"]?.stringValue
            shown = json["shown"]
            guard (salt != nil && record != nil) != (leafHash != nil) else {
                throw EvidenceError(.malformed, "\(path) holds either salt and record, or a leafHash (withheld)")
            }
        }
    }

    public var caseID: String
    public var generatedAt: String
    /// `full` or `masked`: what the exporting reader could see.
    public var disclosure: String
    /// The signed checkpoint (full note text).
    public var checkpoint: String
    /// The key that signed it (the verifier should compare it with the key it trusts).
    public var verifierKey: String
    public var caseEvents: [Entry]
    public var batchEvents: [Entry]
    /// A later signed checkpoint and the proof that the bundle's tree is a prefix of its tree.
    public var later: (checkpoint: String, proof: [MerkleHash])?
    /// The case's keys of sealed personal data, in a full bundle only (issue 17): with them the
    /// verifier opens the records' boxes itself, so the personal data it shows is proven to be
    /// what the log recorded. A key destroyed by an erasure is never carried.
    public var personalDataKeys: [PersonalDataKey] = []

    /// One key of the case: its group (`identity`, `details`), generation and 32 bytes.
    public struct PersonalDataKey: Sendable, Hashable {
        public var group: String
        public var generation: Int
        public var key: [UInt8]
        public init(group: String, generation: Int, key: [UInt8]) {
            self.group = group
            self.generation = generation
            self.key = key
        }
    }

    public init(
        caseID: String,
        generatedAt: String,
        disclosure: String,
        checkpoint: String,
        verifierKey: String,
        caseEvents: [Entry],
        batchEvents: [Entry],
        later: (checkpoint: String, proof: [MerkleHash])? = nil
    ) {
        self.caseID = caseID
        self.generatedAt = generatedAt
        self.disclosure = disclosure
        self.checkpoint = checkpoint
        self.verifierKey = verifierKey
        self.caseEvents = caseEvents
        self.batchEvents = batchEvents
        self.later = later
    }

    /// The bundle as one JSON document (pretty enough to read: one event a line).
    public var json: [UInt8] {
        var out = Array("{\n".utf8)
        func field(_ key: String, _ value: JSONValue, last: Bool = false) {
            out += Array("  ".utf8)
            JSONWriter.writeString(key, into: &out)
            out += Array(": ".utf8)
            JSONWriter.write(value, into: &out)
            out += Array((last ? "\n" : ",\n").utf8)
        }
        func entries(_ key: String, _ list: [Entry], last: Bool = false) {
            out += Array("  ".utf8)
            JSONWriter.writeString(key, into: &out)
            out += Array(": [".utf8)
            for (i, entry) in list.enumerated() {
                out += Array((i == 0 ? "\n    " : ",\n    ").utf8)
                JSONWriter.write(entry.json, into: &out)
            }
            out += Array((list.isEmpty ? "]" : "\n  ]").utf8)
            out += Array((last ? "\n" : ",\n").utf8)
        }
        field("format", .string(Self.format))
        field("case", .string(caseID))
        field("generatedAt", .string(generatedAt))
        field("disclosure", .string(disclosure))
        field("checkpoint", .string(checkpoint))
        field("verifierKey", .string(verifierKey))
        if !personalDataKeys.isEmpty {
            field(
                "personalDataKeys",
                .array(
                    personalDataKeys.map {
                        .object([
                            "group": .string($0.group), "generation": .int($0.generation),
                            "key": .string(Base64.encode($0.key)),
                        ])
                    }
                )
            )
        }
        entries("caseEvents", caseEvents)
        entries("batchEvents", batchEvents, last: later == nil)
        if let later {
            field(
                "later",
                .object([
                    "checkpoint": .string(later.checkpoint), "proof": .array(later.proof.map { .string($0.base64) }),
                ]),
                last: true
            )
        }
        out += Array("}\n".utf8)
        return out
    }

    /// Reads a bundle.
    /// - Throws: `malformed`, naming the field.
    public init(json bytes: [UInt8]) throws(EvidenceError) {
        guard bytes.count <= 256 << 20 else { throw EvidenceError(.malformed, "a bundle is at most 256 MiB") }
        let json: JSONValue
        do throws(JSONParseError) { json = try JSONParser.parse(bytes) } catch {
            throw EvidenceError(.malformed, "the bundle is not JSON: \(error)")
        }
        guard json["format"]?.stringValue == Self.format else {
            throw EvidenceError(.malformed, "format must be \(Self.format)")
        }
        func text(_ key: String) throws(EvidenceError) -> String {
            guard let value = json[key]?.stringValue else { throw EvidenceError(.malformed, "\(key) must be text") }
            return value
        }
        caseID = try text("case")
        generatedAt = try text("generatedAt")
        disclosure = try text("disclosure")
        checkpoint = try text("checkpoint")
        verifierKey = try text("verifierKey")
        func list(_ key: String) throws(EvidenceError) -> [Entry] {
            guard let items = json[key]?.arrayValue else { throw EvidenceError(.malformed, "\(key) must be a list") }
            var out: [Entry] = []
            for (i, item) in items.enumerated() { out.append(try Entry(json: item, at: "\(key)[\(i)]")) }
            return out
        }
        if let keys = json["personalDataKeys"] {
            guard let items = keys.arrayValue, items.count <= 64 else {
                throw EvidenceError(.malformed, "personalDataKeys must be a list of at most 64 keys")
            }
            for (i, item) in items.enumerated() {
                guard let group = item["group"]?.stringValue, let generation = item["generation"]?.intValue,
                    generation >= 1, let key = item["key"]?.stringValue.flatMap(Base64.decode), key.count == 32
                else {
                    throw EvidenceError(
                        .malformed,
                        "personalDataKeys[\(i)] needs group, generation (from 1) and a 32-byte base64 key"
                    )
                }
                personalDataKeys.append(PersonalDataKey(group: group, generation: generation, key: key))
            }
        }
        caseEvents = try list("caseEvents")
        batchEvents = try list("batchEvents")
        if let later = json["later"] {
            guard let note = later["checkpoint"]?.stringValue else {
                throw EvidenceError(.malformed, "later holds a checkpoint and a proof")
            }
            // A consistency proof holds at most two hashes a level.
            self.later = (note, try Self.hashes(later["proof"], at: "later.proof", atMost: 128))
        }
    }

    /// A list of base64 hashes (a proof), at most `limit` of them; naming the bad one.
    static func hashes(_ value: JSONValue?, at path: String, atMost limit: Int) throws(EvidenceError) -> [MerkleHash] {
        guard let items = value?.arrayValue, items.count <= limit else {
            throw EvidenceError(.malformed, "\(path) must be a list of at most \(limit) hashes")
        }
        var out: [MerkleHash] = []
        for (i, item) in items.enumerated() {
            guard let hash = item.stringValue.flatMap(MerkleHash.init(base64:)) else {
                throw EvidenceError(.malformed, "\(path)[\(i)] must be 32 bytes in base64")
            }
            out.append(hash)
        }
        return out
    }
}
