import ArgumentParser
import Certification
import CertificationWire
import Chronology
import DocketApplication
import DocketJSON
import DocketStore

/// `docket retention plan|apply`: personal data erased when its purpose is over (issue 17).
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Plan and apply the erasure of personal data whose retention period is over.",
        discussion: """
            The policy is <store>/retention.json, or the defaults when there is none:

              {"rules":[{"status":"rejected","afterYears":1,"erase":"all"},
                        {"status":"withdrawn","afterYears":1,"erase":"all"},
                        {"status":"failed","afterYears":3,"erase":"all"},
                        {"status":"certified","afterYears":3,"erase":"details"}]}

            A rule covers the closed cases in its status whose latest event is at least afterYears old; "details" keeps the identity with the certificate record. A case with an open legal hold, an open complaint or a refund still due is held, never erased.

            `plan` lists what is due and what is held (and why); `apply` erases what is due, as a privacy officer, and can be run again: an interrupted run goes on where it stopped, and a finished one finds nothing due.

            Examples:
              docket retention plan
              docket retention plan --all --output csv > retention.csv
              docket retention apply --actor dpo-li
            """,
        subcommands: [Plan.self, Apply.self]
    )

    struct PolicyOption: ParsableArguments {
        @Option(help: ArgumentHelp("A policy file instead of the store's.", valueName: "file"))
        var policy: String?

        func load(_ options: StoreOptions) throws(DocketError) -> RetentionPolicy {
            if let policy { return try RetentionPolicy.load(file: policy) }
            return try RetentionPolicy.load(storeRoot: options.path)
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "List the cases whose personal data is due for erasure, and those held."
        )
        @OptionGroup var options: StoreOptions
        @OptionGroup var policy: PolicyOption
        @Option(help: ArgumentHelp("Plan for this moment instead of now (RFC 3339).", valueName: "time"))
        var at: String?
        @Flag(help: "List every case a rule covers (also those waiting and done).")
        var all = false
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let at, RFC3339.parse(at) == nil {
                throw ValidationError("--at must be an RFC 3339 time, such as 2027-01-01T00:00:00+08:00")
            }
        }

        func run() throws {
            let plan: RetentionPlan
            do {
                let service = try DocketService.open(at: options.path, readOnly: true)
                plan = try service.retentionPlan(try policy.load(options), at: at.flatMap(RFC3339.parse)) { position in
                    Terminal.progress("read \(position) events…")
                }
                Terminal.endProgress()
            } catch {
                throw Terminal.fail(error)
            }
            let shown = all ? plan.items : plan.items.filter { $0.state == .due || $0.state == .held }
            let listing = Listing(
                columns: ["case", "status", "lastEventOn", "dueOn", "erase", "state", "reason"],
                rows: shown.map {
                    [
                        .string($0.caseID), .string($0.status.rawValue), .string($0.lastEventOn.description),
                        .string($0.dueOn.description), .string($0.erase == .all ? "all" : "details"),
                        .string($0.state.rawValue), .optional($0.reason),
                    ]
                }
            )
            switch output.format {
            case .json: print(JSONWriter.string(plan.json))
            case .jsonl, .csv: Output.write(listing.rendered(output.format, csvBOM: output.csvBOM))
            case .table:
                print(listing.rendered(.table), terminator: "")
                let counts = plan.counts
                print(
                    "\(counts[.due] ?? 0) due, \(counts[.held] ?? 0) held, \(counts[.waiting] ?? 0) waiting, \(counts[.done] ?? 0) done (at \(plan.at), log position \(plan.logPosition))"
                )
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Erase the personal data the plan finds due (idempotent, resumable)."
        )
        @OptionGroup var options: StoreOptions
        @OptionGroup var policy: PolicyOption
        @Option(help: ArgumentHelp("Who is acting, recorded on each erasure (default: $USER).", valueName: "id"))
        var actor: String?

        func run() throws {
            let service = try PrivacyCommandSupport.writer(options)
            defer { try? service.store.close() }
            let plan: RetentionPlan
            do {
                plan = try service.retentionPlan(try policy.load(options))
            } catch {
                throw Terminal.fail(error)
            }
            let results = service.applyRetention(plan, actor: PrivacyCommandSupport.officer(actor)) { done, total in
                Terminal.progress("erased \(done) of \(total)…")
            }
            Terminal.endProgress()
            var refused = 0
            var failed = false
            for (caseID, outcome) in results {
                if let failure = outcome.storeFailure {
                    Terminal.error("\(caseID): the store failed: \(failure)")
                    failed = true
                } else if let rejection = outcome.rejection {
                    Terminal.error("\(caseID): refused: \(rejection.code.rawValue): \(rejection.message)")
                    refused += 1
                }
            }
            let held = plan.counts[.held] ?? 0
            print(
                "erased \(results.count - refused) case\(results.count - refused == 1 ? "" : "s"); \(refused) refused; \(held) held"
            )
            if failed { throw ExitStatus.storeFailure }
            if refused > 0 { throw ExitStatus.problem }
        }
    }
}
