#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Somewhere bytes come from: a file descriptor, or memory in tests.
public protocol ByteInput {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int
}

/// Somewhere bytes go: a file descriptor, or memory in tests.
public protocol ByteOutput {
    /// Writes all of `bytes`.
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

/// Reads a file descriptor (standard input by default), retrying interrupted reads.
public struct FileDescriptorInput: ByteInput, Sendable {
    /// The descriptor read from.
    public let descriptor: Int32

    /// Reads `descriptor`.
    public init(_ descriptor: Int32 = 0) { self.descriptor = descriptor }

    /// Reads once; returns 0 at end of file or on an error that retrying cannot fix.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            #if canImport(Darwin)
            let n = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
            #else
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno != EINTR { return 0 }
        }
    }
}

/// Writes to a file descriptor (standard output by default), retrying short writes.
public struct FileDescriptorOutput: ByteOutput, Sendable {
    /// The descriptor written to.
    public let descriptor: Int32

    /// Writes to `descriptor`.
    public init(_ descriptor: Int32 = 1) { self.descriptor = descriptor }

    /// Writes everything, or stops silently when the reader went away (e.g. `| head`).
    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Darwin)
            let n = Darwin.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            #else
            let n = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            #endif
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}

/// Bytes held in memory, for tests.
public struct MemoryInput: ByteInput, Sendable {
    private let bytes: [UInt8]
    private var position = 0

    /// Reads from `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads from `text`'s UTF-8.
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// Copies the next bytes into `buffer`.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<(position + n)]))
        }
        position += n
        return n
    }
}

/// Collects written bytes in memory, for tests.
public struct MemoryOutput: ByteOutput, Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty output.
    public init() {}

    /// Appends `bytes`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) { self.bytes.append(contentsOf: bytes) }

    /// What was written, as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
