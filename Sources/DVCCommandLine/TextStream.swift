#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where a command's text goes — standard output or error, or memory in tests — shared by the
/// command and its progress display: each `write` lands whole, never interleaved with another.
public final class TextStream: @unchecked Sendable {
    private let lock = NSLock()
    private let descriptor: Int32?
    private var buffer = ""

    /// Standard output.
    public static let standardOutput = TextStream(descriptor: 1)
    /// Standard error.
    public static let standardError = TextStream(descriptor: 2)

    /// Whether the stream is a terminal (a person watches it).
    public let isTerminal: Bool

    /// Writes to `descriptor`.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        isTerminal = isatty(descriptor) == 1
    }

    /// Keeps what is written in memory (for tests); `isTerminal` as given.
    public init(terminal: Bool = false) {
        descriptor = nil
        isTerminal = terminal
    }

    /// Writes `text` whole.
    public func write(_ text: String) {
        lock.withLock {
            guard let descriptor else {
                buffer += text
                return
            }
            var output = FileDescriptorOutput(descriptor)
            var text = text
            text.withUTF8 { output.write(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Everything written so far (memory streams only).
    public var text: String { lock.withLock { buffer } }
}
