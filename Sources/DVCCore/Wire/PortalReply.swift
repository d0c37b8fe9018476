import Foundation
/// The portal's reply to a service call: `{error_code, message, result}` (`spec/portal-protocol.md` §3).
///
/// `error_code` is read leniently — `0`, `"0"` and `"00"` all mean success, as different adapter
/// versions send (a documented conflict). Read services return their data under `result`
/// (an array; `LayDVC` nests it as `result.data`, which this type also accepts).
public struct PortalReply<Result: Decodable & Sendable>: Decodable, Sendable {
    enum CodingKeys: String, CodingKey, CaseIterable { case errorCode = "error_code", message, result }
    struct Nested: Decodable {
        let data: Result
    }

    /// The code as sent (`"0"` after normalizing a numeric `0`).
    public let errorCode: String?
    /// The portal's message, e.g. `Hồ sơ đã tồn tại`.
    public let message: String?
    /// The data, when the reply carries any.
    public let result: Result?

    /// Whether the code means success (`0`, `"0"`, `"00"`).
    public var isSuccess: Bool { errorCode.map(PortalReplyCode.isSuccess) ?? false }

    /// Decodes a reply leniently.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? container.decode(String.self, forKey: .errorCode) {
            errorCode = text
        } else if let number = try? container.decode(Int.self, forKey: .errorCode) {
            errorCode = String(number)
        } else {
            errorCode = nil
        }
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        if container.contains(.result), (try? container.decodeNil(forKey: .result)) == false {
            if let direct = try? container.decode(Result.self, forKey: .result) {
                result = direct
            } else if let nested = try? container.decode(Nested.self, forKey: .result) {
                result = nested.data
            } else if errorCode.map(PortalReplyCode.isSuccess) != true {
                // A refusal with an odd `result` (`""`, `{}`): the code and message are what matter.
                result = nil
            } else {
                result = try container.decode(Nested.self, forKey: .result).data
            }
        } else {
            result = nil
        }
    }
}

/// The portal's `error_code` values.
public enum PortalReplyCode {
    /// Whether `code` means success: `0`, `"0"` or `"00"` — the values adapter versions send — and
    /// nothing else (`"-0"`, `"000"` and `"+0"` are not success).
    public static func isSuccess(_ code: String) -> Bool {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        return trimmed == "0" || trimmed == "00"
    }
}
