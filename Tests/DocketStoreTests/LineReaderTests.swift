import DocketStore
import Foundation
import Testing

/// Lines read from a pipe that delivers them in pieces: whole, in order, however long, and a
/// reader asking whether the next line is ready never waits for it. (Serialized: each test
/// puts a pipe in place of the process's standard input.)
@Suite(.serialized) struct LineReaderTests {
    /// A pipe's read end (as the reader's standard input) and its write end.
    static func pipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        precondition(Glibc.pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    /// Puts `fd` in place of standard input; returns what puts it back (and closes `fd`).
    static func standardInput(_ fd: Int32) -> () -> Void {
        let saved = dup(0)
        dup2(fd, 0)
        return {
            dup2(saved, 0)
            close(saved)
            close(fd)
        }
    }

    @Test func linesArrivingInPiecesComeOutWholeWhateverTheirLength() throws {
        let (r, w) = Self.pipe()
        let long = String(repeating: "x", count: 3 << 20)  // longer than a read's 1 MiB
        let text = "first\r\n" + long + "\nthird\nlast"
        let writer = Thread {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = min(7_919, bytes.count - offset)  // pieces smaller than a pipe's buffer
                _ = bytes[offset..<(offset + n)].withUnsafeBytes { write(w, $0.baseAddress!, n) }
                offset += n
            }
            close(w)
        }
        writer.start()
        let restore = Self.standardInput(r)
        defer { restore() }
        var lines = LineReader.standardInput()
        var out: [String] = []
        while let line = lines.next() { out.append(String(decoding: line, as: UTF8.self)) }
        #expect(out.count == 4)
        #expect(out == ["first", long, "third", "last"], "lengths \(out.map(\.count))")
        #expect(lines.lineNumber == 4)
    }

    @Test func askingWhetherTheNextLineIsReadyNeverWaits() throws {
        let (r, w) = Self.pipe()
        let restore = Self.standardInput(r)
        defer { restore() }
        var lines = LineReader.standardInput()
        var ready = lines.nextLineIsReady()
        #expect(!ready)  // nothing written: no wait, no line
        _ = Array("one\ntw".utf8).withUnsafeBytes { write(w, $0.baseAddress!, $0.count) }
        ready = lines.nextLineIsReady()
        #expect(ready)
        #expect(lines.next().map { String(decoding: $0, as: UTF8.self) } == "one")
        ready = lines.nextLineIsReady()
        #expect(!ready)  // half a line: not ready, and no wait for the rest
        _ = Array("o\n".utf8).withUnsafeBytes { write(w, $0.baseAddress!, $0.count) }
        ready = lines.nextLineIsReady()
        #expect(ready)
        close(w)
        #expect(lines.next().map { String(decoding: $0, as: UTF8.self) } == "two")
        #expect(lines.next() == nil)
    }
}
