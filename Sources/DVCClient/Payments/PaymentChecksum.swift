import Foundation

/// The checksums of the three payment gateways (mã xác thực; `spec/portal-protocol.md` §13).
public enum PaymentChecksum: Sendable {
    /// National payment platform (`MaXacThuc`): lowercase hex SHA-256 (UTF-8) of the message's
    /// fields joined by `|`, with the shared secret as the last `|`-separated element.
    public static func platform(_ values: [String], secret: String) -> String {
        SHA256.hexDigest((values + [secret]).joined(separator: "|"))
    }

    /// KeyPay acting for the portal (`check_sum`): lowercase hex HMAC-SHA256 of the fields joined
    /// by `|`, keyed with `hash_key_1` (requests) or `hash_key_2` (callbacks).
    public static func keyPay(_ values: [String], key: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Array(values.joined(separator: "|").utf8), key: Array(key.utf8)))
    }

    /// Provincial PayGov (`checksum`): lowercase hex SHA-256 of
    /// `secretKey + accessKey + partnerCode + orderId + requestCode + amount`, no separators.
    public static func payGov(secretKey: String, accessKey: String, partnerCode: String, orderID: String, requestCode: String, amount: Int) -> String {
        SHA256.hexDigest(secretKey + accessKey + partnerCode + orderID + requestCode + String(amount))
    }

    /// Whether `received` equals `expected`, compared in constant time and case-insensitively
    /// (hex digits).
    public static func matches(_ received: String, _ expected: String) -> Bool {
        constantTimeEquals(Array(received.lowercased().utf8), Array(expected.lowercased().utf8))
    }
}

/// Why a payment callback was refused (xác nhận thanh toán bị từ chối). The reference system
/// computes the platform's checksum and never checks it; DVCKit refuses every callback that does
/// not prove itself.
public struct PaymentCallbackError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason.
    public enum Reason: Sendable, Hashable {
        /// The body is not a callback (missing or malformed fields, listed by path).
        case malformed([String])
        /// The checksum does not match the fields and the shared secret: forged or altered.
        case checksumMismatch
        /// No payment with this reference was initiated (or it belongs to another partner).
        case unknownReference(String)
        /// The amount differs from the amount initiated.
        case amountMismatch(expected: Int, received: Int)
        /// The partner code is not ours.
        case partnerMismatch
    }

    /// The reason.
    public let reason: Reason

    /// Creates the error.
    public init(_ reason: Reason) { self.reason = reason }

    /// Text received from the caller, as it may be shown: letters, digits and `-_./` only, at most
    /// 40 characters — a callback cannot write what it likes into logs or the signed reply.
    static func printable(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./".unicodeScalars.contains($0)) }
        let shown = String(String.UnicodeScalarView(kept.prefix(40)))
        return shown.count < text.unicodeScalars.count ? shown + "…" : shown
    }

    /// A sentence for logs and for the reply's `MoTaLoi`.
    public var description: String {
        switch reason {
        case .malformed(let fields): "malformed callback: \(fields.joined(separator: ", "))"
        case .checksumMismatch: "checksum does not match"
        case .unknownReference(let reference): "no payment was initiated with reference \(Self.printable(reference))"
        case .amountMismatch(let expected, let received): "amount \(received) differs from the \(expected) initiated"
        case .partnerMismatch: "partner code does not match"
        }
    }
}
