import Evidence
import Foundation

// docket-evidence-verify: verifies a Docket case evidence bundle with nothing but the file and
// the public key you trust — no store, no server, no `docket`. It links only the Evidence
// module (the Merkle proofs, the signed note, the record format and the domain's fold), so it
// shows that docs/EVIDENCE.md is enough to check a bundle. Exit 0 verified, 1 not, 64 usage.

let usage = """
    usage: docket-evidence-verify BUNDLE [--key KEY] [--json]

    Checks the checkpoint's signature, every event's Merkle inclusion proof, that the events are
    the case's whole stream from version 1, the consistency proof to a later checkpoint if the
    bundle has one, then folds the events with Docket's rules and prints what is proven and what
    is not. KEY is the public key you trust (`docket key show` prints it), as text or a file.

    """

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage, terminator: "")
    exit(0)
}
var key: String?
var json = false
var file: String?
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--key":
        guard !arguments.isEmpty else {
            FileHandle.standardError.write(Data("--key needs a value\n\(usage)".utf8))
            exit(64)
        }
        key = arguments.removeFirst()
    case "--json": json = true
    default:
        guard file == nil, !argument.hasPrefix("-") else {
            FileHandle.standardError.write(Data("unexpected argument \(argument)\n\(usage)".utf8))
            exit(64)
        }
        file = argument
    }
}
guard let file, let bytes = FileManager.default.contents(atPath: file) else {
    FileHandle.standardError.write(Data("give a readable bundle file\n\(usage)".utf8))
    exit(64)
}
var trusted: NoteVerifier?
if let key {
    do {
        trusted = try NoteVerifier(textOrFile: key)
    } catch {
        FileHandle.standardError.write(Data("--key: \(error)\n".utf8))
        exit(64)
    }
}
let report = BundleVerifier.verify(Array(bytes), trusting: trusted)
if json {
    var out: [UInt8] = []
    EvidenceReport.write(report.json, into: &out)
    print(String(decoding: out, as: UTF8.self))
} else {
    print(report.text, terminator: "")
}
exit(report.ok ? 0 : 1)
