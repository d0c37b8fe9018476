import Foundation

/// Something that happened while talking to the portal (sự kiện), already redacted: passwords,
/// session tokens, keys and checksums never appear, and personal ID numbers are masked. Hand
/// events to your logging or metrics system through a ``PortalEventSink``.
public struct PortalEvent: Sendable, Hashable, CustomStringConvertible {
    /// What kind of event. An open list.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name, e.g. `request`.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// A request is about to be sent.
        public static let request = Kind(rawValue: "request")
        /// A response arrived.
        public static let response = Kind(rawValue: "response")
        /// A request failed without a response.
        public static let failure = Kind(rawValue: "failure")
        /// A request will be sent again.
        public static let retry = Kind(rawValue: "retry")
        /// A login to the portal happened (or failed).
        public static let login = Kind(rawValue: "login")
    }

    /// The kind.
    public let kind: Kind
    /// The operation, e.g. `DongBoHoSoMC`.
    public let operation: String
    /// A one-line summary.
    public let message: String
    /// Details (redacted): `url`, `status`, `body`, `attempt`, `delay`, `durationMs`, …
    public let metadata: [String: String]

    /// Creates an event; the library redacts before it creates one.
    public init(kind: Kind, operation: String, message: String, metadata: [String: String] = [:]) {
        self.kind = kind
        self.operation = operation
        self.message = message
        self.metadata = metadata
    }

    /// `kind operation: message`.
    public var description: String { "\(kind) \(operation): \(message)" }

    static func retry(operation: String, attempt: Int, delay: Duration, reason: String) -> PortalEvent {
        PortalEvent(kind: .retry, operation: operation, message: "attempt \(attempt) failed (\(reason)); retrying in \(delay)",
                    metadata: ["attempt": String(attempt), "delay": String(describing: delay), "reason": reason])
    }
}

/// Receives ``PortalEvent``s. DVCKit never logs by itself; adapt your logger in a few lines:
///
/// ```swift
/// import Logging
/// struct SwiftLogSink: PortalEventSink {
///     let logger: Logger
///     func record(_ event: PortalEvent) {
///         let level: Logger.Level = event.kind == .failure ? .error : event.kind == .retry ? .warning : .debug
///         logger.log(level: level, "\(event.description)",
///                    metadata: event.metadata.mapValues { .string($0) })
///     }
/// }
/// ```
public protocol PortalEventSink: Sendable {
    /// Records one event. Called on whatever task made the request; keep it quick.
    func record(_ event: PortalEvent)
    /// Whether request and response events carry the (redacted) body. Bodies hold personal data
    /// even when masked; return `false` to log only sizes — bodies are then never parsed.
    var wantsBodies: Bool { get }
}

extension PortalEventSink {
    /// Bodies are included, redacted, unless a sink says otherwise.
    public var wantsBodies: Bool { true }
}

/// Reports every request, response and failure to a ``PortalEventSink``, redacted.
public struct EventMiddleware: PortalMiddleware {
    private let sink: any PortalEventSink
    /// How much of a body an event shows.
    public let maximumBodyLength: Int

    /// Creates the middleware.
    public init(sink: any PortalEventSink, maximumBodyLength: Int = 2_048) {
        self.sink = sink
        self.maximumBodyLength = maximumBodyLength
    }

    private func body(_ data: Data) -> String {
        sink.wantsBodies ? Redaction.body(data, limit: maximumBodyLength) : "<\(data.count) bytes>"
    }

    /// Records the request, then its response or failure.
    public func intercept(_ request: PortalRequest, next: @Sendable (PortalRequest) async throws -> PortalResponse) async throws -> PortalResponse {
        sink.record(PortalEvent(kind: .request, operation: request.operation, message: "\(request.method.rawValue) \(Redaction.url(request.url))",
                                metadata: ["url": Redaction.url(request.url), "body": body(request.body),
                                           "headers": Redaction.headers(request.headers)]))
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await next(request)
            let elapsed = clock.now - start
            sink.record(PortalEvent(kind: .response, operation: request.operation, message: "HTTP \(response.status) in \(elapsed)",
                                    metadata: ["status": String(response.status), "durationMs": String(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                                               "body": body(response.body)]))
            return response
        } catch {
            sink.record(PortalEvent(kind: .failure, operation: request.operation, message: Redaction.text(String(describing: error)),
                                    metadata: ["error": String(describing: type(of: error))]))
            throw error
        }
    }
}
