import Foundation
/// `PortalDialect` appears in this file's public API.
public import DVCCore

/// How an adapter's answer shows that the session is gone (phiên hết hạn) — so the client logs
/// in once more and resends before judging the answer.
///
/// The portal's wording is not published, and adapters differ: "Phiên làm việc đã hết hạn",
/// "Phiên đăng nhập không tồn tại" (after an adapter restart), "Token hết hạn", HTTP 200 with
/// "Unauthorized". The default therefore treats as an expired session HTTP 401, and any refusal
/// (a non-zero `error_code`, or a short plain-text body) whose message *names* the session or the
/// token — a wrong guess costs one login, a missed one costs a refused dossier. Configure it per
/// adapter when yours words it otherwise.
///
/// ```swift
/// var configuration = PortalClient.Configuration(…)
/// configuration.sessionExpiry = .init(phrases: ["hết phiên"], statuses: [401, 403])
/// ```
public struct SessionExpiryDetector: Sendable {
    /// Lower-case fragments of a refusal's message that name the session or its token.
    public var phrases: [String]
    /// HTTP statuses that always mean the session is gone.
    public var statuses: Set<Int>
    /// A check of your own, consulted after the others (e.g. a vendor's dedicated error code).
    public var custom: (@Sendable (PortalResponse) -> Bool)?

    /// Creates a detector.
    public init(phrases: [String] = SessionExpiryDetector.defaultPhrases, statuses: Set<Int> = [401],
                custom: (@Sendable (PortalResponse) -> Bool)? = nil) {
        self.phrases = phrases.map { $0.lowercased() }
        self.statuses = statuses
        self.custom = custom
    }

    /// `session`, `phiên`, `phien`, `token`, `unauthorized`, `unauthorised`, `đăng nhập`, `dang nhap`, `login`.
    public static let defaultPhrases = ["session", "phiên", "phien", "token", "unauthorized", "unauthorised", "đăng nhập", "dang nhap", "login"]

    /// The default detector (see the type's documentation).
    public static let `default` = SessionExpiryDetector()

    /// Whether `response` says the session is gone, reading its body by `dialect`'s reply rules.
    public func isExpired(_ response: PortalResponse, in dialect: PortalDialect = .reference) -> Bool {
        if statuses.contains(response.status) { return true }
        if (200...299).contains(response.status), let message = dialect.refusalMessage(response.body), names(message) { return true }
        return custom?(response) ?? false
    }

    /// Whether `message` names the session or its token.
    public func names(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return phrases.contains { lowered.contains($0) }
    }
}

/// `error_code` as a number or a string.
struct FlexibleCode: Decodable, Sendable {
    let text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = String(try container.decode(Int.self))
        }
    }
    /// `0`, `"0"`, `"00"` (the portal's success codes), nothing else.
    var isSuccess: Bool { PortalReplyCode.isSuccess(text) }
}
