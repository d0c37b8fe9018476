/// Splits a byte input into lines in constant memory: a fixed buffer is refilled as lines are
/// consumed, so a million-line input costs the same memory as a ten-line one.
///
/// Lines end at `\n`; a trailing `\r` is dropped; a last line without `\n` still counts. A line
/// longer than `maximumLineLength` is cut there and reported as truncated, and the rest of it
/// is skipped, so one runaway line can neither exhaust memory nor stop the stream.
///
/// Not generic on purpose: the input is read once per 64 KiB, so an existential costs nothing,
/// while a generic reader called from another module would pay runtime generic lookups per line.
public final class LineReader {
    /// The longest line handed out whole.
    public let maximumLineLength: Int
    private var input: any ByteInput
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var start = 0
    private var end = 0
    private var finished = false

    /// Reads lines from `input`.
    public init(_ input: any ByteInput, maximumLineLength: Int = 4_096, bufferSize: Int = 1 << 16) {
        self.input = input
        self.maximumLineLength = maximumLineLength
        self.capacity = max(bufferSize, maximumLineLength * 2)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with each line's bytes and whether it was truncated, until the input ends.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, _ truncated: Bool) -> Void) {
        var skippingRest = false
        while true {
            // Hand out every complete line in the buffer.
            while let newline = indexOfNewline() {
                if skippingRest {
                    skippingRest = false
                } else {
                    body(line(start, newline), false)
                }
                start = newline + 1
            }
            if finished {
                if start < end && !skippingRest { body(line(start, end), false) }
                start = end
                return
            }
            if end - start >= maximumLineLength {
                if !skippingRest { body(line(start, start + maximumLineLength), true) }
                skippingRest = true
                start = end
            }
            refill()
        }
    }

    private func indexOfNewline() -> Int? {
        var i = start
        while i < end {
            if buffer[i] == UInt8(ascii: "\n") { return i }
            i += 1
        }
        return nil
    }

    private func line(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
        var to = to
        if to > from && buffer[to - 1] == UInt8(ascii: "\r") { to -= 1 }
        return UnsafeBufferPointer(start: buffer + from, count: to - from)
    }

    private func refill() {
        if start > 0 {
            let count = end - start
            // copyMemory allows overlapping regions (a memmove).
            if count > 0 { UnsafeMutableRawPointer(buffer).copyMemory(from: buffer + start, byteCount: count) }
            start = 0
            end = count
        }
        let n = input.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 { finished = true } else { end += n }
    }
}

/// Buffers output and writes it in large blocks: one system call per 64 KiB, not per line.
///
/// A non-generic struct used `inout`: the hot path appends bytes without runtime generic
/// lookups or the dynamic exclusivity checks a class's stored array would need.
public struct BufferedOutput {
    private var output: any ByteOutput
    private var bytes: [UInt8] = []
    private let capacity: Int

    /// Buffers writes to `output`.
    public init(_ output: any ByteOutput, capacity: Int = 1 << 16) {
        self.output = output
        self.capacity = capacity
        bytes.reserveCapacity(capacity + 4_096)
    }

    /// Appends raw bytes.
    public mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
        if bytes.count >= capacity { flush() }
    }

    /// Appends text as UTF-8.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        if bytes.count >= capacity { flush() }
    }

    /// Appends ASCII text known at compile time.
    public mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends one byte.
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends a non-negative integer in decimal, zero-padded to `width`.
    public mutating func append(decimal value: Int, width: Int = 1) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = max(value, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while (rest > 0 || count < width) && count < 20
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    /// Writes what is buffered.
    public mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { output.write($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Flushes and returns the underlying output (for tests that read a ``MemoryOutput``).
    public mutating func finish() -> any ByteOutput {
        flush()
        return output
    }
}
