import Foundation

/// The bytes of one document being written by the fast encoder, shared by its nested encoders,
/// and whether the encoder met something only Foundation writes the way it does (a floating-point
/// number, a date, a nested container): the caller then encodes the whole value with
/// `JSONEncoder` and discards these bytes.
package final class WireOutput {
    @exclusivity(unchecked) var bytes: WireBytes
    var needsFoundation = false
    /// A copy of an object's bytes while they are laid out again.
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// The encoders in use, one per nesting depth, reused from value to value.
    @exclusivity(unchecked) private var encoders: [WireByteEncoder] = []
    @exclusivity(unchecked) private var depth = 0
    /// The caller's `userInfo`, as given.
    private let info: [CodingUserInfoKey: any Sendable]
    /// The `userInfo` an `Encoder` shows, built only when a type other than DVCCore's models asks.
    private(set) lazy var userInfo: [CodingUserInfoKey: Any] = info
    /// How wire models write their values (``WireWriter`` reads it).
    let style: WireStyle
    /// The key tables this document has used.
    @exclusivity(unchecked) private var tables = WireKeyTables()

    init(userInfo: [CodingUserInfoKey: any Sendable], capacity: Int = 1024) {
        info = userInfo
        style = (userInfo[.dvcWireStyle] as? WireStyle) ?? .canonical
        bytes = WireBytes(capacity: capacity)
    }

    deinit { bytes.deallocate() }

    /// Marks the document for Foundation.
    func foundation() { needsFoundation = true }

    /// The key table of `type`, without the shared cache's lock after the first use.
    func table<Key: CodingKey & CaseIterable>(for type: Key.Type) -> WireKeyTable { tables.table(for: type) }

    /// `text` as a JSON string.
    func write(_ text: String) { Self.appendQuoted(text, to: &bytes) }

    /// `text` as a JSON string, escaped as below (also how the sync journal writes its headers).
    package static func append(quoted text: String, to bytes: inout [UInt8]) { appendQuoted(text, to: &bytes) }

    /// `text` as a JSON string into any sink.
    static func appendQuoted<Sink: WireByteSink>(_ text: String, to bytes: inout Sink) {
        if text.utf8.withContiguousStorageIfAvailable({ append(quoted: $0, to: &bytes) }) == nil {
            var text = text
            text.withUTF8 { append(quoted: $0, to: &bytes) }
        }
    }

    /// A JSON string, escaped as `JSONEncoder` with `.withoutEscapingSlashes` escapes: `"` and
    /// `\`, `\b \t \n \f \r`, other controls as `\u00xx`; everything else as is.
    static func append<Sink: WireByteSink>(quoted utf8: UnsafeBufferPointer<UInt8>, to bytes: inout Sink) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0, i = 0
        while i < utf8.count {
            // Eight bytes at a time to the next byte that needs escaping.
            if i + 8 <= utf8.count, let base = utf8.baseAddress {
                let word = JSONWords.load(UnsafeRawPointer(base), i)
                let marked = JSONWords.quotesOrBackslashes(word) | JSONWords.controls(word)
                guard marked != 0 else {
                    i += 8
                    continue
                }
                i += JSONWords.firstMarked(marked)
            }
            let byte = utf8[i]
            i += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if i - 1 > runStart { bytes.appendBytes(UnsafeBufferPointer(rebasing: utf8[runStart..<(i - 1)])) }
            runStart = i
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            default:
                let hex: StaticString = "0123456789abcdef"
                for escaped in [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]] {
                    bytes.append(escaped)
                }
            }
        }
        if utf8.count > runStart { bytes.appendBytes(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal, as `JSONEncoder` writes it.
    func write<T: FixedWidthInteger>(integer value: T) {
        var magnitude = UInt64(value.magnitude)
        // Digits from the right of a buffer on the stack: at most 20 for a UInt64, and the sign.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var at = buffer.count
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                at -= 1
                buffer[at] = UInt8(ascii: "-")
            }
            bytes.appendBytes(UnsafeBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// A timestamp as a `yyyyMMddHHmmss` JSON string (a year within 0...9999), without making a `String`.
    func write(compactTimestamp timestamp: PortalTimestamp) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            timestamp.writeCompactDigits(into: UnsafeMutableBufferPointer(rebasing: buffer[1..<15]))
            buffer[15] = UInt8(ascii: "\"")
            bytes.appendBytes(UnsafeBufferPointer(buffer))
        }
    }

    /// Literal bytes (`null`, `true`, punctuation).
    func write(_ literal: StaticString) {
        bytes.appendBytes(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Encodes `value` with the encoder of the next depth, reached from `parent` by `key`, or
    /// hands it to Foundation.
    func encode<T: Encodable>(_ value: T, parent: WireByteEncoder?, key: WirePathStep?) throws {
        if WireTapeDecoder.isFoundationSpecial(T.self) {
            foundation()
            return
        }
        if T.self == String.self, let text = value as? String {
            write(text)
            return
        }
        let encoder: WireByteEncoder
        if depth < encoders.count {
            encoder = encoders[depth]
            encoder.reset(parent: parent, key: key)
        } else {
            encoder = WireByteEncoder(self, parent: parent, key: key)
            encoders.append(encoder)
        }
        depth += 1
        defer { depth -= 1 }
        try value.encode(to: encoder)
        encoder.finish()
    }

    /// Ends the document: lets go of the encoders (they refer back to this output).
    func close() { encoders.removeAll() }

    /// Lays the bytes from `start` to the end out again: `fields` calls `emit(start, end)` for
    /// each range, in the new order; the ranges cover those bytes exactly once.
    func reorder(from start: Int, _ fields: ((Int, Int) -> Void) -> Void) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes.buffer[start...]))
        var at = start
        let out = bytes.base
        scratch.withUnsafeBufferPointer { source in
            fields { from, to in
                guard let base = source.baseAddress else { return }
                (out + at).update(from: base + (from - start), count: to - from)
                at += to - from
            }
        }
    }
}
