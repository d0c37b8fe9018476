import Foundation

extension PortalDialect {
    /// Lays `message` out as this dialect sends it, with `credential` (the session or token, when
    /// the dialect authenticates) and the syncing unit's code where the dialect puts them.
    ///
    /// An envelope body writes the credential and `madonvi` first (where the reference system
    /// puts them), then every other key in byte order; payload values follow ``style``.
    /// - Throws: when the payload cannot be encoded.
    public func request(for message: PortalMessage, credential: String?, unitCode: String) throws -> DialectRequest {
        let route = route(for: message.service, isRead: message.isRead)
        var request = DialectRequest(method: route.method, path: route.path)
        var front: [(String, [UInt8])] = [], rest: [(String, [UInt8])] = []

        func place(_ field: Field, _ value: String, first: Bool = true) throws {
            switch field.placement {
            case .body where framing == .envelope && route.method == .post:
                if first { front.append((field.key, try Self.json(value))) } else { rest.append((field.key, try Self.json(value))) }
            case .body, .query: request.query.append(.init(field.key, value))
            case .header: request.headers[field.key] = value
            case .omitted: break
            }
        }

        if let credential {
            switch authentication.scheme {
            case .none: break
            case .session: try place(Field(.body, key: authentication.key), credential)
            case .clientCredentials: request.headers["Authorization"] = "Bearer \(credential)"
            case .gatewayToken: request.headers[authentication.key] = credential
            }
        }
        try place(self.unitCode, unitCode)
        if let isUpdating = message.isUpdating {
            if isUpdating, let updatePath = route.updatePath {
                request.path = updatePath
            } else if route.updatePath == nil {
                try place(updatingFlag.field, isUpdating ? updatingFlag.trueText : updatingFlag.falseText, first: false)
            }
        }
        let inBody = framing == .envelope && route.method == .post
        for (name, value) in message.parameters {
            if inBody {
                switch value {
                case .text(let text): rest.append((name, try Self.json(text)))
                case .number(let number): rest.append((name, Array(String(number).utf8)))
                }
            } else {
                request.query.append(.init(name, value.text))
            }
        }
        if inBody {
            rest.append(("service", try Self.json(message.service.rawValue)))
            if let payload = message.payload { rest.append(("data", Array(try PortalJSON.encode(payload, style: style)))) }
            rest.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            var body: [UInt8] = [UInt8(ascii: "{")]
            for (index, field) in (front + rest).enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += try Self.json(field.0) + [UInt8(ascii: ":")] + field.1
            }
            body.append(UInt8(ascii: "}"))
            request.body = body
        } else if route.method == .post {
            request.body = Array(try message.payload.map { try PortalJSON.encode($0, style: style) } ?? Data("[]".utf8))
        }
        request.query.sort { $0.name < $1.name }
        request.headers["Accept"] = "application/json"
        if route.method == .post {
            request.headers["Content-Type"] = "application/json"
            request.headers["Charset"] = "utf-8"
        }
        return request
    }

    /// A string as a JSON string literal.
    static func json(_ text: String) throws -> [UInt8] {
        Array(try PortalJSON.encode(text))
    }
}
