/// `URL`, `Data` and `Duration` appear in this file's public API.
public import Foundation

/// A request to the portal or to a gateway (yêu cầu), independent of any HTTP library.
///
/// Its ``description`` (what `print`, string interpolation and loggers show) and its mirror (what
/// `dump` shows) are redacted: credentials in headers, secrets and personal data in the body.
public struct PortalRequest: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The HTTP method.
    public enum Method: String, Sendable, Hashable {
        /// `GET`.
        case get = "GET"
        /// `POST` — every portal service call.
        case post = "POST"
    }

    /// The method.
    public var method: Method
    /// The full URL.
    public var url: URL
    /// Header fields; names are case-insensitive on the wire (see ``header(_:)``).
    public var headers: [String: String]
    /// The body bytes.
    public var body: Data
    /// How long to wait for the response; `nil` uses the transport's default.
    public var timeout: Duration?
    /// What the call is for (e.g. `DongBoHoSoMC`), for events and errors.
    public var operation: String
    /// Whether sending it twice does no harm. A request that is not (a progress push appends to
    /// the dossier's history) is resent only when it surely did not arrive — never after a
    /// timeout or a lost reply.
    public var isIdempotent: Bool

    /// Creates a request.
    public init(method: Method = .post, url: URL, headers: [String: String] = [:], body: Data = Data(), timeout: Duration? = nil, operation: String,
                isIdempotent: Bool = true) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.operation = operation
        self.isIdempotent = isIdempotent
    }

    /// The value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// `POST https://… (operation) [headers] body`, redacted.
    public var description: String {
        "\(method.rawValue) \(Redaction.url(url)) (\(operation)) [\(Redaction.headers(headers))] \(Redaction.body(body, limit: 256))"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror showing only redacted values.
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method.rawValue, "url": Redaction.url(url), "headers": Redaction.headers(headers),
                                "body": Redaction.body(body, limit: 256), "operation": operation], displayStyle: .struct)
    }
}

/// A response (phản hồi): status, headers, body. Its ``description`` and mirror are redacted,
/// as ``PortalRequest``'s are.
public struct PortalResponse: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields.
    public var headers: [String: String]
    /// The body bytes.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// `HTTP 200 [headers] body`, redacted.
    public var description: String { "HTTP \(status) [\(Redaction.headers(headers))] \(Redaction.body(body, limit: 256))" }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror showing only redacted values.
    public var customMirror: Mirror {
        Mirror(self, children: ["status": status, "headers": Redaction.headers(headers), "body": Redaction.body(body, limit: 256)], displayStyle: .struct)
    }
}

/// Moves a request to the portal and its response back: HTTP (``HTTPTransport``), in memory
/// (DVCTesting's `InMemoryTransport`), or anything you write. One method, as in
/// swift-openapi-runtime's `ClientTransport`.
public protocol Transport: Sendable {
    /// Sends `request` and returns the response, or throws when no response arrived.
    func send(_ request: PortalRequest) async throws -> PortalResponse
}

/// A step every request passes through on its way to the transport (session login, retry,
/// events). `next` sends the request on through the rest of the chain.
public protocol PortalMiddleware: Sendable {
    /// Handles `request`, calling `next` zero or more times.
    func intercept(_ request: PortalRequest, next: @Sendable (PortalRequest) async throws -> PortalResponse) async throws -> PortalResponse
}

/// A transport with middleware folded in front of it: the first middleware sees the request
/// first and the response last.
public struct MiddlewareTransport: Transport {
    /// The transport at the end of the chain.
    public let transport: any Transport
    /// The middleware, outermost first.
    public let middleware: [any PortalMiddleware]

    /// Wraps `transport` in `middleware`.
    public init(_ transport: any Transport, middleware: [any PortalMiddleware]) {
        self.transport = transport
        self.middleware = middleware
    }

    /// Sends `request` through every middleware, then the transport.
    public func send(_ request: PortalRequest) async throws -> PortalResponse {
        try await Self.fold(request, middleware[...], transport)
    }

    private static func fold(_ request: PortalRequest, _ rest: ArraySlice<any PortalMiddleware>, _ transport: any Transport) async throws -> PortalResponse {
        guard let first = rest.first else { return try await transport.send(request) }
        let remaining = rest.dropFirst()
        return try await first.intercept(request) { try await fold($0, remaining, transport) }
    }
}
