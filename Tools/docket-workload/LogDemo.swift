import ArgumentParser
import Chronology
import DocketWorkload
import EventLog
import Foundation

/// `docket-workload log-demo`: writes a realistic history into a store and shows what the log
/// holds — the storage engine's demo, until the certification rules run on top of it.
struct LogDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-demo",
        abstract: "Write a realistic certification history into a store and show one case's events."
    )

    @Option(help: "The store directory (created if missing).")
    var store = "./docket-data"

    @Option(help: "How many cases to write.")
    var cases = 2000

    @Option(help: "Which case to show (an index into the generated cases).")
    var show = 7

    func run() async throws {
        if !EventLog.exists(at: store) { try EventLog.create(at: store) }
        let log = try EventLog.open(at: store)
        let history = SampleHistory(cases: cases)
        print("Writing \(history.count) events for \(cases) cases (2024 batches, both occupations) …")
        let start = ContinuousClock.now
        var rawBytes = 0
        // Client systems submit concurrently; the log groups their appends into shared syncs.
        try await withThrowingTaskGroup(of: Int.self) { group in
            var inFlight = 0
            for event in history {
                if inFlight >= 32 {
                    rawBytes += try await group.next() ?? 0
                    inFlight -= 1
                }
                group.addTask {
                    let result = try await log.append(
                        AppendRequest(stream: event.stream, events: [event.proposed], idempotencyKey: event.commandID)
                    )
                    let e = result.events[0]
                    return event.interchangeJSON(position: e.position, version: e.version, recordedAt: .now()).utf8
                        .count + 1
                }
                inFlight += 1
            }
            for try await bytes in group { rawBytes += bytes }
        }
        let seconds = (ContinuousClock.now - start).components
        let elapsed = Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18
        try log.close()

        let reader = try EventLog.open(at: store, readOnly: true)
        let stored = Self.directorySize(store + "/log")
        print("")
        print(
            "  events        \(reader.lastPosition)   (\(Int(Double(history.count) / elapsed)) durable appends/s, one event each)"
        )
        print(
            "  as JSON       \(rawBytes / 1024) KiB   stored: \(stored / 1024) KiB (\(stored * 100 / max(rawBytes, 1)) %, LZ4 + segment dictionaries)"
        )
        let stream = SampleHistory.caseStream(show)
        let events = try reader.read(stream: stream)
        print("")
        print("Case \(stream.dropFirst(5)) — \(events.count) events, read through the stream index:")
        for event in events {
            print(
                "  \(Self.pad("v\(event.version)", 4)) \(Self.pad("#\(event.position)", 7)) \(event.occurredAt)  \(Self.pad(event.type, 18)) \(Self.actor(event))  \(Self.summary(event))"
            )
        }
        print("")
        print("Digest (give it to an auditor; `docket verify --expect` proves the log still extends it):")
        print("  \(try reader.digest())")
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    static func object(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    static func actor(_ event: RecordedEvent) -> String {
        let actor = object(event.metadata)["actor"] as? [String: Any] ?? [:]
        return pad("\(actor["role"] ?? "?")/\(actor["id"] ?? "?")", 24)
    }

    /// A one-line summary with the identity number masked (personal data never printed whole).
    static func summary(_ event: RecordedEvent) -> String {
        let data = object(event.payload)
        switch event.type {
        case "Applied":
            let candidate = data["candidate"] as? [String: Any] ?? [:]
            let id = (candidate["idDocument"] as? [String: Any])?["number"] as? String ?? ""
            let masked =
                id.count == 18
                ? String(id.prefix(6)) + "********" + String(id.suffix(4)) : "****" + String(id.suffix(4))
            return
                "\(data["occupation"] ?? "") level \(data["level"] ?? "") in batch \(data["batch"] ?? ""), id \(masked)"
        case "DocumentsVerified": return "documents \(data["outcome"] ?? "")"
        case "Paid": return "paid \(data["amountYuan"] ?? "") yuan"
        case "Refunded": return "refunded \(data["amountYuan"] ?? "") yuan"
        case "TicketSent": return "ticket \(data["ticketNumber"] ?? "") by \(data["channel"] ?? "")"
        case "Scored": return "\(data["subject"] ?? ""): \(data["score"] ?? "")"
        case "Certified": return "certificate \(data["certificateNumber"] ?? "")"
        case "ComplaintLodged": return "complaint \(data["complaintId"] ?? "") (\(data["category"] ?? ""))"
        case "ComplaintResolved": return "complaint \(data["complaintId"] ?? "") \(data["outcome"] ?? "")"
        case "Withdrawn": return "withdrawn: \(data["reason"] ?? "")"
        case "RetakeRequested": return "retake of \(data["subject"] ?? "") in batch \(data["batch"] ?? "")"
        default: return ""
        }
    }

    static func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + $1)[.size] as? Int) ?? 0)
        }
    }
}
