/// `Data` and `CodingUserInfoKey` appear in this file's public API.
public import Foundation

/// What a reply means (kết quả của lời gọi).
public enum PortalReplyVerdict: String, Sendable, Hashable {
    /// The call succeeded.
    case success
    /// The dossier already exists (a create that should have been an update).
    case alreadyExists
    /// Any other refusal.
    case refused
}

/// A reply read by a dialect's rules (phản hồi): the verdict, the code and message as sent, and
/// the data.
public struct DialectReply<Result: Sendable>: Sendable {
    /// What the reply means.
    public typealias Verdict = PortalReplyVerdict

    /// What the reply means.
    public var verdict: Verdict
    /// The code as sent (a number as its digits), when there is one.
    public var code: String?
    /// The message, when there is one.
    public var message: String?
    /// The data, when the reply carries any.
    public var result: Result?

    /// Creates a reply.
    public init(verdict: Verdict, code: String?, message: String?, result: Result?) {
        self.verdict = verdict
        self.code = code
        self.message = message
        self.result = result
    }
}

extension PortalDialect {
    /// Reads a 2xx reply's body by ``replies``: its code and message, its verdict, and its data
    /// decoded as `type` (leniently; a refusal's odd data is ignored).
    /// - Throws: when the body is neither a JSON object nor, where the dialect allows it, plain
    ///   text; or when a success's data does not decode as `type`.
    public func interpret<Result: Decodable & Sendable>(_ type: Result.Type, body: Data, limits: JSONLimits = .standard) throws -> DialectReply<Result> {
        if !Self.looksLikeJSONObject(body) {
            guard replies.acceptsPlainText, let text = String(data: body, encoding: .utf8) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the reply is not a JSON object"))
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return DialectReply(verdict: verdict(code: nil, message: trimmed, plainText: true), code: nil, message: trimmed, result: nil)
        }
        let object = try PortalJSON.decode(ReplyObject<Result>.self, bytes: Array(body),
                                           userInfo: [.dvcWireStrictness: WireStrictness.lenient, .dvcReplyRules: replies], limits: limits)
        return DialectReply(verdict: verdict(code: object.code, message: object.message, plainText: false), code: object.code,
                            message: object.message, result: object.result)
    }

    /// The message of a refusal, or `nil` when `body` is a success or says nothing readable: a
    /// reply's message, or a short plain-text body (`Unauthorized`).
    public func refusalMessage(_ body: Data) -> String? {
        if Self.looksLikeJSONObject(body) {
            guard let reply = try? interpret(SkippedResult.self, body: body), reply.verdict != .success else { return nil }
            return reply.message ?? ""
        }
        guard body.count <= 256, let text = String(data: body, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.hasPrefix("["), !(replies.acceptsPlainText && verdict(code: nil, message: trimmed, plainText: true) == .success) else { return nil }
        return trimmed
    }

    private func verdict(code: String?, message: String?, plainText: Bool) -> PortalReplyVerdict {
        let lowered = (message ?? "").lowercased()
        let phrase = replies.successPhrases.isEmpty || replies.successPhrases.contains { lowered.contains($0.lowercased()) }
        if plainText {
            if !replies.successPhrases.isEmpty, phrase { return .success }
        } else if let code, replies.successCodes.contains(code.trimmingCharacters(in: .whitespaces)), phrase {
            return .success
        }
        let existsByPhrase = replies.alreadyExistsPhrases.contains { lowered.contains($0.lowercased()) }
        let existsByCode = code.map { replies.alreadyExistsCodes.contains($0.trimmingCharacters(in: .whitespaces)) } ?? false
        switch (replies.alreadyExistsCodes.isEmpty, replies.alreadyExistsPhrases.isEmpty) {
        case (true, false) where existsByPhrase, (false, true) where existsByCode, (false, false) where existsByCode && existsByPhrase:
            return .alreadyExists
        default:
            return .refused
        }
    }

    static func looksLikeJSONObject(_ body: Data) -> Bool {
        body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "{")
    }
}

extension CodingUserInfoKey {
    /// The reply rules a dialect's reply is read by.
    static let dvcReplyRules: CodingUserInfoKey = .dvc("reply-rules")
}

/// Any reply data, kept only to be skipped.
struct SkippedResult: Decodable, Sendable {
    init(from decoder: any Decoder) {}
}

/// A reply object read by the rules in `userInfo`; keys compared without regard to case.
struct ReplyObject<Result: Decodable>: Decodable {
    let code: String?
    let message: String?
    let result: Result?

    private struct Nested: Decodable { let data: Result }

    init(from decoder: any Decoder) throws {
        let rules = decoder.userInfo[.dvcReplyRules] as? PortalDialect.Replies ?? PortalDialect.Replies()
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        func key(_ name: String, in container: KeyedDecodingContainer<AnyCodingKey>) -> AnyCodingKey? {
            let lowered = name.lowercased()
            return container.allKeys.first { $0.stringValue == name } ?? container.allKeys.first { $0.stringValue.lowercased() == lowered }
        }
        func scalar(_ name: String) -> String? {
            var current = container
            let parts = name.split(separator: ".").map(String.init)
            for part in parts.dropLast() {
                guard let next = key(part, in: current), let nested = try? current.nestedContainer(keyedBy: AnyCodingKey.self, forKey: next) else { return nil }
                current = nested
            }
            guard let last = parts.last, let found = key(last, in: current) else { return nil }
            if let text = try? current.decode(String.self, forKey: found) { return text }
            return (try? current.decode(Int64.self, forKey: found)).map(String.init)
        }
        code = rules.codeKeys.lazy.compactMap(scalar).first
        message = rules.messageKeys.lazy.compactMap(scalar).first
        let success = code.map { rules.successCodes.contains($0.trimmingCharacters(in: .whitespaces)) } ?? false
        var found: Result?
        for name in rules.resultKeys {
            guard let resultKey = key(name, in: container), (try? container.decodeNil(forKey: resultKey)) == false else { continue }
            if let direct = try? container.decode(Result.self, forKey: resultKey) {
                found = direct
            } else if let nested = try? container.decode(Nested.self, forKey: resultKey) {
                found = nested.data
            } else if success {
                // Decode again to throw the data's own defects.
                found = try container.decode(Result.self, forKey: resultKey)
            }
            break
        }
        result = found
    }
}
