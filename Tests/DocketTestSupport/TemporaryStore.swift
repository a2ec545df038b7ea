import Certification
import CertificationWire
import DocketApplication
import DocketJSON
import DocketStore
import DocketWorkload
import Foundation
import Projections

/// Test support shared by the store's and the application's tests (as swift-nio ships
/// NIOTestUtils): stores in temporary directories and command lines in the wire format.
///
/// A store in a fresh temporary directory, removed when the test ends.
public final class TemporaryStore {
    public let path: String
    public private(set) var store: DocketStore

    public let options: DocketStore.Options

    public init(options: DocketStore.Options = DocketStore.Options()) throws {
        let directory = NSTemporaryDirectory() + "docket-store-\(UUID().uuidString.prefix(8))"
        path = directory + "/store"
        self.options = options
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try DocketStore.create(at: path)
        store = try DocketStore.open(at: path, options: options)
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// The application layer over this store.
    public var service: DocketService {
        DocketService(store: store, projector: Projector(storeRoot: path, log: store.log, keys: store.personalKeys))
    }

    /// Case `id` folded from the log now.
    public func view(_ id: String) throws -> CaseView { try service.foldedCase(id) }

    /// Closes and opens the store again (a fresh write side, rebuilt from the log).
    public func reopen() throws {
        try store.close()
        store = try DocketStore.open(at: path, options: options)
    }

    @discardableResult
    public func submit(_ line: String) -> CommandOutcome { store.submitAndWait(Array(line.utf8)) }

    /// Submits lines in one call (sharing group commit) and returns outcomes in order.
    public func submit(_ lines: [String]) -> [CommandOutcome] {
        let box = Outcomes(count: lines.count)
        store.submit(lines.map { Array($0.utf8) }) { i, outcome in box.set(i, outcome) }
        return box.wait()
    }
}

public final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [CommandOutcome?]
    private let group = DispatchGroup()

    public init(count: Int) {
        values = Array(repeating: nil, count: count)
        for _ in 0..<count { group.enter() }
    }

    public func set(_ i: Int, _ outcome: CommandOutcome) {
        lock.lock()
        values[i] = outcome
        lock.unlock()
        group.leave()
    }

    public func wait() -> [CommandOutcome] {
        group.wait()
        return values.map { $0! }
    }
}

/// Command lines for tests, in the wire format of SPEC §3.
public enum Line {
    public static let photo = Base64.encode(
        PortraitJPEG.make(width: 295, height: 413, seed: 1, sizeRange: 44_000...78_000)
    )

    public static func command(
        _ name: String,
        id: String? = nil,
        _ target: (String, String),
        at: String,
        actor: (String, String),
        expectedVersion: Int? = nil,
        data: String? = nil
    ) -> String {
        var parts = ["\"command\":\"\(name)\""]
        if let id { parts.append("\"commandId\":\"\(id)\"") }
        parts.append("\"\(target.0)\":\"\(target.1)\"")
        parts.append("\"at\":\"\(at)\"")
        parts.append("\"actor\":{\"id\":\"\(actor.0)\",\"role\":\"\(actor.1)\"}")
        if let expectedVersion { parts.append("\"expectedVersion\":\(expectedVersion)") }
        if let data { parts.append("\"data\":\(data)") }
        return "{" + parts.joined(separator: ",") + "}"
    }

    public static func schedule(
        _ batch: String,
        examStartsAt: String,
        at: String = "2024-01-08T09:00:00+08:00"
    ) -> String {
        command(
            "schedule-batch",
            ("batch", batch),
            at: at,
            actor: ("admin-01", "admin"),
            data: "{\"examStartsAt\":\"\(examStartsAt)\",\"occupations\":[\"blockchain-operator\",\"ai-trainer\"]}"
        )
    }

    public static func apply(
        _ caseID: String,
        id: String? = nil,
        batch: String = "2024-04",
        at: String = "2024-03-02T10:15:00+08:00",
        number: String = "110101199506011232",
        channel: String = "wechat",
        name: String = "张伟",
        address: String = "wx_zhangwei",
        eligibility: String =
            #"{"condition":"graduate","schoolLevel":"undergraduate","major":"computer","evidence":[{"kind":"chsi-verification-code","reference":"A1B2C3D4E5F6"}]}"#
    ) -> String {
        let digits = Array(number)
        let birth =
            digits.count == 18
            ? "\(String(digits[6..<10]))-\(String(digits[10..<12]))-\(String(digits[12..<14]))" : "1995-06-01"
        return command(
            "apply",
            id: id,
            ("case", caseID),
            at: at,
            actor: ("portal-web", "portal"),
            data: """
                {"batch":"\(batch)","occupation":"blockchain-operator","level":4,\
                "candidate":{"name":"\(name)","birthDate":"\(birth)","region":"mainland",\
                "idDocument":{"type":"resident-id-card","number":"\(number)"},\
                "contact":{"channel":"\(channel)","address":"\(address)"}},\
                "photo":{"jpegBase64":"\(photo)"},"eligibility":\(eligibility)}
                """
        )
    }

    public static func on(
        _ caseID: String,
        _ name: String,
        _ role: String,
        at: String,
        id: String? = nil,
        data: String
    ) -> String {
        command(name, id: id, ("case", caseID), at: at, actor: ("\(role)-1", role), data: data)
    }

    public static func approve(_ caseID: String, at: String = "2024-03-04T10:00:00+08:00") -> String {
        on(
            caseID,
            "verify-documents",
            "registrar",
            at: at,
            data:
                "{\"outcome\":\"approved\",\"checks\":{\"identityMatches\":true,\"photoCompliant\":true,\"eligibilityEvidence\":true},\"reasons\":[]}"
        )
    }

    public static func pay(
        _ caseID: String,
        ref: String,
        amount: Int = 160,
        subjects: String = "[\"theory\",\"skill\"]",
        at: String = "2024-03-05T10:00:00+08:00"
    ) -> String {
        on(
            caseID,
            "record-payment",
            "payments",
            at: at,
            data: "{\"paymentRef\":\"\(ref)\",\"amountYuan\":\(amount),\"subjects\":\(subjects)}"
        )
    }

    public static func ticket(_ caseID: String, number: String, at: String = "2024-04-10T10:00:00+08:00") -> String {
        on(caseID, "send-ticket", "examiner", at: at, data: "{\"ticketNumber\":\"\(number)\",\"channel\":\"wechat\"}")
    }

    public static func score(
        _ caseID: String,
        _ subject: String,
        _ score: Int,
        at: String = "2024-04-22T10:00:00+08:00"
    ) -> String {
        on(caseID, "record-score", "examiner", at: at, data: "{\"subject\":\"\(subject)\",\"score\":\(score)}")
    }

    public static func publish(_ batch: String, at: String = "2024-04-30T10:00:00+08:00") -> String {
        command("publish-scores", ("batch", batch), at: at, actor: ("exam-office", "examiner"))
    }

    public static func certify(_ caseID: String, number: String, at: String = "2024-05-10T10:00:00+08:00") -> String {
        on(caseID, "certify", "certifier", at: at, data: "{\"certificateNumber\":\"\(number)\"}")
    }

    public static func withdraw(_ caseID: String, at: String = "2024-03-06T10:00:00+08:00") -> String {
        on(caseID, "withdraw", "portal", at: at, data: "{\"reason\":\"moved away\"}")
    }

    public static func complaint(_ caseID: String, id: String, at: String = "2024-04-25T10:00:00+08:00") -> String {
        on(
            caseID,
            "lodge-complaint",
            "supervisor",
            at: at,
            data: "{\"complaintId\":\"\(id)\",\"channel\":\"phone\",\"category\":\"score\",\"summary\":\"re-mark\"}"
        )
    }

    /// `erase-personal-data` by a privacy officer.
    public static func erase(
        _ caseID: String,
        scope: String = "all",
        at: String = "2026-06-01T10:00:00+08:00",
        role: String = "privacy-officer",
        id: String? = nil
    ) -> String {
        command(
            "erase-personal-data",
            id: id,
            ("case", caseID),
            at: at,
            actor: ("dpo-1", role),
            data: "{\"scope\":\"\(scope)\",\"reason\":\"candidate's request\",\"basis\":\"PIPL art. 47\"}"
        )
    }

    /// `place-hold` or `release-hold` by a privacy officer.
    public static func hold(
        _ caseID: String,
        _ holdID: String,
        release: Bool = false,
        at: String = "2026-05-01T10:00:00+08:00"
    )
        -> String
    {
        on(
            caseID,
            release ? "release-hold" : "place-hold",
            "privacy-officer",
            at: at,
            data: "{\"holdId\":\"\(holdID)\",\"reason\":\"provincial audit\"}"
        )
    }

    /// The lines that take case `caseID` from application to a certificate in batch 2024-04.
    public static func happyPath(_ caseID: String, n: Int, number: String) -> [String] {
        [
            apply(caseID, number: number), approve(caseID), pay(caseID, ref: "PAY-\(n)"),
            ticket(caseID, number: "T-\(n)"), score(caseID, "theory", 78), score(caseID, "skill", 60),
        ]
    }
}

extension CommandOutcome {
    public var code: String? { storeFailure != nil ? "store-failed" : rejection?.code.rawValue }
}

extension Line {
    /// A valid resident ID card number (GB 11643: six region digits, the birth date, three
    /// sequence digits, and the ISO 7064 MOD 11-2 check character), computed here independently
    /// of the code under test.
    public static func residentNumber(region: String = "110101", birth: String, sequence: Int) -> String {
        let body = region + birth + String(format: "%03d", sequence % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }
}

extension ReadPurpose {
    /// The purpose tests read personal data for (recorded in the store's access log like any).
    public static let testing = try! ReadPurpose("test", actorID: "tester", role: "auditor", channel: "cli")
}
