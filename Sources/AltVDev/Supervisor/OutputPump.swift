import FoundationEssentials
import Glibc

/// Receives a child's output line by line, on the pump's own thread.
public protocol LineHandler: AnyObject, Sendable {
    /// One line without its newline; `truncated` when it was cut at the length limit.
    func handle(line: UnsafeRawBufferPointer)
    /// A piece of a line not ended yet (it waited 150 ms, or is longer than the limit): the next
    /// piece or line continues it.
    func handle(piece: UnsafeRawBufferPointer)
    /// One read's bytes, before its lines are handed over one by one (a chance to look at all of them at once).
    func startOfChunk(_ chunk: UnsafeRawBufferPointer)
    /// Every complete line of one read together, each ending in `\n`; false to have them one by one instead.
    func handle(lines: UnsafeRawBufferPointer) -> Bool
    /// The end of one read: a good moment to write out what was batched.
    func endOfChunk()
    /// End of file: the child closed its output.
    func finished()
    /// How many bytes at the end of a piece passed on before its line ends to keep back for the next
    /// read (the start of a secret, which must be masked whole).
    func keptBack(atEndOf piece: UnsafeRawBufferPointer) -> Int
}

extension LineHandler {
    public func startOfChunk(_ chunk: UnsafeRawBufferPointer) {}
    public func handle(lines: UnsafeRawBufferPointer) -> Bool { false }
    public func keptBack(atEndOf piece: UnsafeRawBufferPointer) -> Int { 0 }
    public func handle(piece: UnsafeRawBufferPointer) { handle(line: piece) }
}

/// Reads a descriptor on a dedicated thread and splits it into lines, with bounded memory.
///
/// A line longer than `maximumLineLength` is passed on in pieces, so a server printing megabytes
/// without a newline cannot grow this process without bound.
public enum OutputPump {
    public static let maximumLineLength = 64 * 1024
    /// A last line without a newline is passed on after this long without more output (a prompt,
    /// or a ready line printed without one), rather than held until the child exits.
    public static let partialLineDelay: Int32 = 150

    public static func start(descriptor: Int32, name: String, handler: LineHandler) {
        OSThread.start(name: "altv-dev output \(name)") {
            pump(descriptor: descriptor, handler: handler)
            close(descriptor)
            handler.finished()
        }
    }

    static func pump(descriptor: Int32, handler: LineHandler) {
        let chunkSize = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize + maximumLineLength, alignment: 1)
        defer { buffer.deallocate() }
        var pending = 0
        while true {
            let count = read(descriptor, buffer.baseAddress! + pending, chunkSize)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            let end = pending + count
            handler.startOfChunk(UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            var lineStart = 0
            var index = pending
            let base = buffer.baseAddress!
            // From the end: only the unfinished last line is looked at (memrchr is not in Swift's Glibc).
            if let last = buffer[pending..<end].lastIndex(of: 0x0A),
                handler.handle(lines: UnsafeRawBufferPointer(rebasing: buffer[...last]))
            {
                lineStart = last + 1
                index = end
            }
            // memchr finds each newline at C speed; this loop runs once per line, not per byte.
            while index < end, let found = memchr(base + index, 0x0A, end - index) {
                let newline = base.distance(to: found)
                var lineEnd = newline
                if lineEnd > lineStart, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                handler.handle(line: UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd]))
                lineStart = newline + 1
                index = newline + 1
            }
            pending = end - lineStart
            if pending >= maximumLineLength {
                pending = passPiece(buffer, from: lineStart, to: end, handler)
            } else if lineStart > 0, pending > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + lineStart, byteCount: pending)
            }
            handler.endOfChunk()
            if pending > 0, !moreOutputComes(descriptor, within: partialLineDelay) {
                pending = passPiece(buffer, from: 0, to: pending, handler)
                handler.endOfChunk()
            }
        }
        if pending > 0 { handler.handle(line: UnsafeRawBufferPointer(rebasing: buffer[0..<pending])) }
        handler.endOfChunk()
    }

    /// Passes `buffer[from..<to]` on as a piece of a line, but for what the handler keeps back, which
    /// moves to the buffer's start; returns how many bytes are pending now.
    static func passPiece(_ buffer: UnsafeMutableRawBufferPointer, from: Int, to: Int, _ handler: LineHandler) -> Int {
        let kept = handler.keptBack(atEndOf: UnsafeRawBufferPointer(rebasing: buffer[from..<to]))
        guard kept < to - from else {
            if from > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + from, byteCount: kept) }
            return kept
        }
        handler.handle(piece: UnsafeRawBufferPointer(rebasing: buffer[from..<(to - kept)]))
        buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + to - kept, byteCount: kept)
        return kept
    }

    /// Whether the descriptor becomes readable (data or end of file) within `milliseconds`.
    static func moreOutputComes(_ descriptor: Int32, within milliseconds: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&request, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            return ready != 0
        }
    }
}
