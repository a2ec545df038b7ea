import Foundation

/// `docket-fuzz`: built with `-sanitize=fuzzer -D DOCKET_FUZZING` (see `Tools/fuzz`), it hands
/// its arguments to libFuzzer, which drives the target named by `DOCKET_FUZZ_TARGET`; built as
/// usual, `docket-fuzz TARGET FILE_OR_DIRECTORY…` replays inputs through a target (a corpus, or
/// a crash a fuzzing run saved).
@main
struct DocketFuzz {
    static func main() {
        #if DOCKET_FUZZING
        let name = ProcessInfo.processInfo.environment["DOCKET_FUZZ_TARGET"] ?? ""
        guard FuzzTarget(rawValue: name) != nil else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set DOCKET_FUZZ_TARGET to one of \(names)\n".utf8))
            exit(64)
        }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        replay(Array(CommandLine.arguments.dropFirst()))
        #endif
    }

    static func replay(_ arguments: [String]) {
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: docket-fuzz \(names) FILE_OR_DIRECTORY…\n".utf8))
            exit(64)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files =
                isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { target.run($0.bindMemory(to: UInt8.self)) }
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed")
    }
}

#if DOCKET_FUZZING
/// The target, read once.
let fuzzTarget = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["DOCKET_FUZZ_TARGET"] ?? "") ?? .json

/// One input from libFuzzer (the symbol its runtime calls).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    fuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// libFuzzer's driver (LLVM 11 and later): runs the fuzzing loop with the given arguments.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
