/// The command works on DVCKit's public types, which its own public API exposes.
public import DVCKit
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams `DongBoHoSoMC` files — envelopes or bare arrays — in constant memory, in chunks of
/// decoded dossiers (or the defects that kept them from decoding).
public enum DossierFiles: Sendable {
    /// A file that cannot be read as a batch.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        /// The file.
        public let path: String
        /// Why.
        public let message: String
        /// `path: message`.
        public var description: String { "\(path): \(message)" }
    }

    /// Reads `paths` in order (`-` is standard input), local codes mapped by `mapping`, calling `body` with up to `chunkSize`
    /// elements at a time, checking for cancellation between chunks; dossiers are decoded on up to
    /// `concurrency` threads (`nil`: one per core), handed out in order.
    /// - Throws: ``InputError``, `CancellationError`, or what `body` throws.
    public static func read(_ paths: [String], chunkSize: Int = 1_000, mapping: CodeMapping? = nil,
                            concurrency: Int? = nil,
                            _ body: (_ path: String, _ elements: [DossierBatchReader.Element]) async throws -> Void) async throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        for path in paths {
            let descriptor = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw InputError(path: path, message: "cannot read it: \(String(cString: strerror(errno)))") }
            defer { if descriptor > 0 { close(descriptor) } }
            var input = FileDescriptorInput(descriptor)
            var reader = DossierBatchReader(mapping: mapping, concurrency: concurrency ?? ProcessInfo.processInfo.activeProcessorCount)
            var pending: [DossierBatchReader.Element] = []
            do {
                while true {
                    let count = input.read(into: buffer)
                    if count == 0 { break }
                    try reader.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { pending.append($0) }
                    if pending.count >= chunkSize {
                        try Task.checkCancellation()
                        try await body(path, pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                try reader.finish()
            } catch let error as JSONArrayScanner.FormatError {
                throw InputError(path: path, message: "not a DongBoHoSoMC batch: \(error)")
            }
            if !pending.isEmpty {
                try Task.checkCancellation()
                try await body(path, pending)
            }
        }
    }
}
