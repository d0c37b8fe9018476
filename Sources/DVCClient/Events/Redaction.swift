/// `Data` and `URL` appear in this file's public API.
public import Foundation
import DVCCore

/// Removes secrets and masks personal identifiers before anything leaves the library in an event
/// or an error description (che thông tin nhạy cảm).
///
/// Redacted entirely: passwords, session tokens, access/ID/refresh tokens, API keys, client
/// secrets, OAuth codes, payment keys and checksums (`MaXacThuc`, `check_sum`, `checksum`), PKCE
/// verifiers, authorization headers. Masked to their first three and last two characters:
/// personal identifiers and contact data under Decree 13/2023/NĐ-CP (ID, ID-card and passport
/// numbers, personal tax codes, names, phones, e-mails, addresses, birth dates), every whole value
/// of 9, 10 or 12 digits, and every run of 9, 10 or 12 digits inside free text
/// (`"Cấp lại CCCD 001087012345"` → `"Cấp lại CCCD 001*******45"`).
public enum Redaction: Sendable {
    /// Keys whose values are replaced by `<redacted>` (compared case-insensitively).
    public static let secretKeys: Set<String> = [
        "password", "matkhau", "pass", "pwd", "passwd", "session", "access_token", "id_token", "refresh_token", "token", "client_secret",
        "client_assertion", "code", "otp", "pin", "api_key", "apikey", "x-api-key", "private_key", "privatekey",
        "maxacthuc", "check_sum", "checksum", "code_verifier", "hash_key_1", "hash_key_2", "secretkey", "secret",
        "accesskey", "lgspaccesstoken", "authorization", "proxy-authorization", "cookie", "set-cookie",
    ]
    /// Keys whose values are personal data, masked.
    public static let personalKeys: Set<String> = [
        "sodinhdanh", "socmnd", "mstorcmnd", "sogiaytochuhoso", "socmndnguoinop", "cccd", "mahoso_cccd", "hochieu", "sohochieu", "passport",
        "masothue", "masothuecanhan", "hoten", "hotennguoinop", "hotennguoinoptien", "tennguoinop", "chuhoso", "tennguoivipham",
        "nguoilienhe", "dienthoai", "sodienthoai", "dienthoaichuhoso", "email", "emailchuhoso", "diachi", "diachinguoinop", "diachichitiet",
        "diachichuhoso", "ngaysinh", "fax", "thongtintra", "phone_number", "phone", "name", "given_name", "family_name", "birthdate", "address",
    ]

    /// A JSON or form body as text with secrets removed, at most `limit` characters.
    public static func body(_ data: Data, limit: Int = 2_048) -> String {
        guard !data.isEmpty else { return "" }
        var text: String
        if (try? JSONLimits.standard.check(data)) != nil, let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
           let clean = try? JSONSerialization.data(withJSONObject: redact(object), options: [.sortedKeys, .fragmentsAllowed]) {
            text = String(decoding: clean, as: UTF8.self)
        } else if let form = String(data: data, encoding: .utf8), form.contains("="), !form.contains("{") {
            text = formBody(form)
        } else {
            return "<\(data.count) bytes>"
        }
        if text.count > limit { text = String(text.prefix(limit)) + "…" }
        return text
    }

    /// A URL with its password and secret query values removed and identifiers masked.
    public static func url(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<unreadable URL>" }
        if components.password != nil { components.password = "redacted" }
        components.queryItems = components.queryItems?.map { item in
            URLQueryItem(name: item.name, value: item.value.map { Self.value(for: item.name.lowercased(), value: $0) ?? $0 })
        }
        return components.string ?? "<unreadable URL>"
    }

    /// ``url(_:)`` for a URL held as text.
    public static func url(_ text: String) -> String {
        URL(string: text).map { url($0) } ?? Self.text(text)
    }

    /// Header fields with credentials removed, as `name: value; …` sorted by name.
    public static func headers(_ headers: [String: String]) -> String {
        headers.sorted { $0.key.lowercased() < $1.key.lowercased() }
            .map { "\($0.key): \(secretKeys.contains($0.key.lowercased()) ? "<redacted>" : $0.value)" }
            .joined(separator: "; ")
    }

    /// Free text (e.g. an error description, a dossier summary) with runs of 9, 10 or 12 digits
    /// masked.
    public static func text(_ text: String) -> String {
        var result = ""
        var digits = ""
        func flush() {
            result += identifierLengths.contains(digits.count) ? mask(digits) : digits
            digits = ""
        }
        for character in text {
            if character.isASCII, character.isNumber { digits.append(character) } else { flush(); result.append(character) }
        }
        flush()
        return result
    }

    /// Keeps the first three and last two characters.
    public static func mask(_ value: String) -> String {
        guard value.count > 5 else { return String(repeating: "*", count: value.count) }
        return value.prefix(3) + String(repeating: "*", count: value.count - 5) + value.suffix(2)
    }

    private static func redact(_ object: Any) -> Any {
        switch object {
        case let dictionary as [String: Any]:
            var copy: [String: Any] = [:]
            for (key, value) in dictionary {
                if let string = value as? String, let replaced = Self.value(for: key.lowercased(), value: string) {
                    copy[key] = replaced
                } else if secretKeys.contains(key.lowercased()) {
                    copy[key] = "<redacted>"
                } else {
                    copy[key] = redact(value)
                }
            }
            return copy
        case let array as [Any]:
            return array.map(redact)
        case let string as String:
            return isIdentifierLike(string) ? mask(string) : text(string)
        default:
            return object
        }
    }

    /// The replacement for `value` under `key`, or `nil` to keep it.
    static func value(for key: String, value: String) -> String? {
        if secretKeys.contains(key) { return "<redacted>" }
        if personalKeys.contains(key) || isIdentifierLike(value) { return mask(value) }
        let masked = text(value)
        return masked == value ? nil : masked
    }

    private static func formBody(_ text: String) -> String {
        text.split(separator: "&").map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts.first ?? ""), raw = parts.count > 1 ? String(parts[1]) : ""
            let decoded = raw.removingPercentEncoding ?? raw
            return "\(key)=\(value(for: key.lowercased(), value: decoded) ?? raw)"
        }.joined(separator: "&")
    }

    /// The lengths of digit runs treated as personal numbers: 9 (old ID card), 10 (personal tax
    /// code, mobile number), 12 (citizen ID).
    static let identifierLengths: Set<Int> = [9, 10, 12]

    private static func isIdentifierLike(_ value: String) -> Bool {
        identifierLengths.contains(value.utf8.count) && value.utf8.allSatisfy { $0 &- 0x30 < 10 }
    }
}
