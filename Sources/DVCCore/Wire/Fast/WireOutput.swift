import Foundation

/// The bytes of one document being written by the fast encoder, shared by its nested encoders,
/// and whether the encoder met something only Foundation writes the way it does (a floating-point
/// number, a date, a nested container): the caller then encodes the whole value with
/// `JSONEncoder` and discards these bytes.
final class WireOutput {
    var bytes: [UInt8] = []
    var needsFoundation = false
    let userInfo: [CodingUserInfoKey: Any]
    /// How wire models write their values (``WireWriter`` reads it).
    let style: WireStyle
    /// The key tables used so far (a handful of model types per document).
    private var tables: [(id: ObjectIdentifier, table: WireKeyTable)] = []

    init(userInfo: [CodingUserInfoKey: any Sendable], capacity: Int = 1024) {
        self.userInfo = userInfo
        style = (userInfo[.dvcWireStyle] as? WireStyle) ?? .canonical
        bytes.reserveCapacity(capacity)
    }

    /// Marks the document for Foundation.
    func foundation() { needsFoundation = true }

    /// The key table of `type`, without the shared cache's lock after the first use.
    func table<Key: CodingKey & CaseIterable>(for type: Key.Type) -> WireKeyTable {
        let id = ObjectIdentifier(type)
        for entry in tables where entry.id == id { return entry.table }
        let table = WireKeyTable.table(for: type)
        tables.append((id, table))
        return table
    }

    /// `text` as a JSON string.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { Self.append(quoted: $0, to: &bytes) }
    }

    /// A JSON string, escaped as `JSONEncoder` with `.withoutEscapingSlashes` escapes: `"` and
    /// `\`, `\b \t \n \f \r`, other controls as `\u00xx`; everything else as is.
    static func append(quoted utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<utf8.count {
            let byte = utf8[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if i > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
            runStart = i + 1
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
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0xF)]])
            }
        }
        if utf8.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal, as `JSONEncoder` writes it.
    func write<T: FixedWidthInteger>(integer value: T) {
        var magnitude = UInt64(value.magnitude)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
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
            return buffer.count - at
        }
        withUnsafeBytes(of: &digits) { bytes.append(contentsOf: $0.suffix(count)) }
    }

    /// Literal bytes (`null`, `true`, punctuation).
    func write(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Encodes `value` with a nested encoder reached from `parent` by `key`, or hands it to Foundation.
    func encode<T: Encodable>(_ value: T, parent: WireByteEncoder?, key: WireTapeDecoder.PathKey?) throws {
        if WireTapeDecoder.isFoundationSpecial(T.self) {
            foundation()
            return
        }
        if T.self == String.self, let text = value as? String {
            write(text)
            return
        }
        let encoder = WireByteEncoder(self, parent: parent, key: key)
        try value.encode(to: encoder)
        encoder.finish()
    }
}
