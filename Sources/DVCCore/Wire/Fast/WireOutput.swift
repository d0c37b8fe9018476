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

    init(userInfo: [CodingUserInfoKey: any Sendable], capacity: Int = 1024) {
        self.userInfo = userInfo
        style = (userInfo[.dvcWireStyle] as? WireStyle) ?? .canonical
        bytes.reserveCapacity(capacity)
    }

    /// Marks the document for Foundation.
    func foundation() { needsFoundation = true }

    /// `text` as a JSON string, escaped as `JSONEncoder` with `.withoutEscapingSlashes` escapes:
    /// `"` and `\`, `\b \t \n \f \r`, other controls as `\u00xx`; everything else as is.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { write(quoted: $0) }
    }

    func write(quoted utf8: UnsafeBufferPointer<UInt8>) {
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
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        if utf8.count > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal, as `JSONEncoder` writes it.
    func write<T: FixedWidthInteger>(integer value: T) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt64, Bool) = (UInt64(value.magnitude), value < 0)
        if digits.1 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        while digits.0 > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(digits.0 % 10))
            digits.0 /= 10
        }
        bytes[start...].reverse()
    }

    /// Encodes `value` with a nested encoder under `path`, or hands it to Foundation.
    func encode<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
        if WireTapeDecoder.isFoundationSpecial(T.self) {
            foundation()
            return
        }
        if T.self == String.self, let text = value as? String {
            write(text)
            return
        }
        let encoder = WireByteEncoder(self, codingPath: path)
        try value.encode(to: encoder)
        encoder.finish()
    }
}
