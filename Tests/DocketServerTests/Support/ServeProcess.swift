import Foundation

/// A real `docket serve` process on a free port, for tests that stop it with a signal.
enum ServeProcess {
    /// Starts `docket serve --store STORE --port 0` and returns it with the port it printed.
    static func start(store: String) async throws -> (process: Process, port: Int) {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: SignalTests.docket)
        server.arguments = ["serve", "--store", store, "--port", "0"]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        // "serving <store> on http://127.0.0.1:<port> (Ctrl-C to stop)"
        let port = try await HTTPTestClient.offPool { () throws -> Int in
            var text = ""
            while !text.contains("\n") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let range = text.range(of: "127.0.0.1:"),
                let port = Int(text[range.upperBound...].prefix { $0.isNumber })
            else { throw HTTPTestClient.Failure("no address in \(text)") }
            return port
        }
        return (server, port)
    }
}
