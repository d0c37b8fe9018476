/// `Data` appears in this file's public API.
public import Foundation

/// A request as a dialect's server side reads it (lời gọi nhận được): which service, for which
/// unit, with which credential and parameters, and its payload — what a stand-in portal needs
/// to answer it. DVCTesting's sandbox serves every dialect through this.
public struct DialectCall: Sendable {
    /// The service.
    public var service: PortalService
    /// For dossier sync: update or create, when the request says.
    public var isUpdating: Bool?
    /// The unit code, when the request carries one.
    public var unitCode: String?
    /// The session or token, when the request carries one.
    public var credential: String?
    /// The other named parameters, as text.
    public var parameters: [String: String]
    /// The body.
    public var body: Data
    /// Whether the payload is the envelope's `data` or the whole body.
    public var framing: PortalDialect.Framing

    /// Decodes the payload (`data` of an envelope, or the whole body) as `type`; wire paths of
    /// defects start at `data` for an envelope and at the array for a bare body.
    public func payload<T: Decodable>(_ type: T.Type, strictness: WireStrictness = .lenient) throws -> T {
        switch framing {
        case .bare: return try PortalJSON.decode(T.self, from: body, strictness: strictness)
        case .envelope: return try PortalJSON.decode(EnvelopeData<T>.self, from: body, strictness: strictness).data
        }
    }

    private struct EnvelopeData<Payload: Decodable>: Decodable { let data: Payload }
}

extension PortalDialect {
    /// Reads a request this dialect's client would send; `nil` when it is not one (unknown path,
    /// an envelope that is not a JSON object). The login or token endpoint is not a call.
    public func recognise(method: String, target: String, headers: [String: String], body: Data) -> DialectCall? {
        let (path, query) = Self.split(target)
        func header(_ name: String) -> String? { headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value }
        var call = DialectCall(service: PortalService(rawValue: ""), parameters: [:], body: body, framing: framing)
        var named: [String: String] = query
        if framing == .envelope && method == "POST" {
            guard let texts = Self.topLevelTexts(body) else { return nil }
            named.merge(texts) { $1 }
            guard let service = named.removeValue(forKey: "service"), routesAll.contains(path) else { return nil }
            call.service = PortalService(rawValue: service)
        } else {
            guard let (service, isUpdate) = service(atPath: path, method: method) else { return nil }
            call.service = service
            if let isUpdate { call.isUpdating = isUpdate }
        }
        switch authentication.scheme {
        case .none: break
        case .session: call.credential = named.removeValue(forKey: authentication.key) ?? header(authentication.key)
        case .clientCredentials:
            call.credential = header("Authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        case .gatewayToken: call.credential = header(authentication.key)
        }
        switch unitCode.placement {
        case .body, .query: call.unitCode = named.removeValue(forKey: unitCode.key)
        case .header: call.unitCode = header(unitCode.key)
        case .omitted: break
        }
        if call.isUpdating == nil, updatingFlag.field.placement != .omitted, let flag = named.removeValue(forKey: updatingFlag.field.key) {
            call.isUpdating = flag.caseInsensitiveCompare(updatingFlag.trueText) == .orderedSame || flag == "1" || flag.lowercased() == "true"
        }
        named.removeValue(forKey: "data")
        call.parameters = named
        return call
    }

    /// The strings and numbers (as text) among the members of a JSON object within the standard
    /// limits; `nil` when `body` is not one. Read from the token tape without building the
    /// payload (a batch of fifty dossiers is most of the body); JSON the tape does not vouch for
    /// is read by `JSONSerialization`, with the same answer.
    static func topLevelTexts(_ body: Data) -> [String: String]? {
        if case .parsed(let tape) = WireTape.parse([UInt8](body), limits: .standard), let texts = tape.topLevelTexts() { return texts }
        guard let object = JSONLimits.standard.jsonObject(body) else { return nil }
        var texts: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String { texts[key] = text } else if let number = value as? NSNumber, !(value is Bool) { texts[key] = number.stringValue }
        }
        return texts
    }

    /// The body of a reply in this dialect: the first code and result keys of ``replies``, a
    /// code for the verdict (success: the first success code; already exists: the first
    /// already-exists code, else `-3`; refused: `-1`), and `result` — JSON already encoded —
    /// when there is one. With `plainText` (and a dialect that takes it), a success is the
    /// message alone.
    public func replyBody(_ verdict: PortalReplyVerdict, message: String, result: Data? = nil, plainText: Bool = false) -> Data {
        if plainText, replies.acceptsPlainText, result == nil {
            return Data(message.utf8)
        }
        let code: String
        switch verdict {
        case .success: code = replies.successCodes.first ?? "0"
        case .alreadyExists: code = replies.alreadyExistsCodes.first ?? "-3"
        case .refused: code = "-1"
        }
        let codeKey = replies.codeKeys.first { !$0.contains(".") } ?? "error_code"
        var body = "{" + Self.literal(codeKey) + ":" + Self.literal(code) + "," + Self.literal(replies.messageKeys.first ?? "message") + ":" + Self.literal(message)
        if let result { body += "," + Self.literal(replies.resultKeys.first ?? "result") + ":" + String(decoding: result, as: UTF8.self) }
        return Data((body + "}").utf8)
    }

    /// Every path a request of this dialect may use (envelope dialects: the route paths).
    private var routesAll: Set<String> {
        Set([defaultRoute.path, readRoute.path] + routes.values.flatMap { [$0.path] + ($0.updatePath.map { [$0] } ?? []) })
    }

    /// The service a bare request's path names, and whether the path itself says update (`true`)
    /// or create (`false`).
    private func service(atPath path: String, method: String) -> (PortalService, Bool?)? {
        for (name, route) in routes.sorted(by: { $0.key < $1.key }) {
            if route.path == path, route.method.rawValue == method { return (PortalService(rawValue: name), route.updatePath == nil ? nil : false) }
            if route.updatePath == path, route.method.rawValue == method { return (PortalService(rawValue: name), true) }
        }
        for route in [defaultRoute, readRoute] where route.method.rawValue == method {
            let parts = route.path.components(separatedBy: "{service}")
            guard parts.count == 2, path.hasPrefix(parts[0]), path.hasSuffix(parts[1]), path.count > parts[0].count + parts[1].count else { continue }
            let name = String(path.dropFirst(parts[0].count).dropLast(parts[1].count))
            guard !name.contains("/"), routes[name] == nil else { continue }
            return (PortalService(rawValue: name), nil)
        }
        return nil
    }

    /// A target's path and its query items, percent-decoded (`+` as a space).
    static func split(_ target: String) -> (path: String, query: [String: String]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let sides = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ text: Substring) -> String { (text.replacingOccurrences(of: "+", with: " ")).removingPercentEncoding ?? String(text) }
                guard let name = sides.first.map(decode), !name.isEmpty else { continue }
                query[name] = sides.count == 2 ? decode(sides[1]) : ""
            }
        }
        return (String(parts.first ?? ""), query)
    }

    private static func literal(_ text: String) -> String {
        (try? json(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
