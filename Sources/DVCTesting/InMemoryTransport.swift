/// The client's transport types appear in this file's public API.
public import DVCClient

/// A ``Transport`` that hands every request to a closure instead of a network (truyền tải trong
/// bộ nhớ), and records what was sent — for unit tests of code that talks to the portal.
///
/// ```swift
/// let transport = InMemoryTransport { request in
///     PortalResponse(status: 200, body: Data(#"{"error_code":0,"session":"s"}"#.utf8))
/// }
/// let client = PortalClient(configuration: configuration, transport: transport)
/// ```
public struct InMemoryTransport: Transport {
    /// Answers a request.
    public typealias Handler = @Sendable (PortalRequest) async throws -> PortalResponse

    private let handler: Handler
    private let log: RequestLog

    /// Creates a transport answering with `handler`, remembering the last `keeping` requests
    /// (default 10,000, so a long benchmark does not grow without bound). The requests are kept
    /// as sent — passwords and tokens included — for tests to inspect; never use it in production.
    public init(keeping: Int = 10_000, _ handler: @escaping Handler) {
        self.handler = handler
        self.log = RequestLog(limit: keeping)
    }

    /// Records `request` and returns the handler's answer.
    public func send(_ request: PortalRequest) async throws -> PortalResponse {
        await log.append(request)
        return try await handler(request)
    }

    /// The requests sent so far (the last `keeping` of them), in order.
    public var requests: [PortalRequest] { get async { await log.requests } }
}

actor RequestLog {
    private(set) var requests: [PortalRequest] = []
    let limit: Int
    init(limit: Int) { self.limit = max(0, limit) }
    func append(_ request: PortalRequest) {
        requests.append(request)
        if requests.count > limit { requests.removeFirst(requests.count - limit) }
    }
}
