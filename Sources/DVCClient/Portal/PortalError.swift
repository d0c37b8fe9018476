/// Why a portal call failed (lỗi), with everything needed to act on it: the operation, the
/// portal's own code and message, the HTTP status, the underlying error.
public struct PortalError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. An open list.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name.
        public let rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// A create of a dossier the portal already has ("đã tồn tại"): send it as an update.
        public static let alreadyExists = Code(rawValue: "already-exists")
        /// The portal rejected the data (non-zero `error_code`); do not retry unchanged.
        public static let rejected = Code(rawValue: "rejected")
        /// Login failed: wrong credentials, or the adapter refused.
        public static let loginFailed = Code(rawValue: "login-failed")
        /// The session expired and a fresh login did not help.
        public static let sessionExpired = Code(rawValue: "session-expired")
        /// An HTTP status other than 2xx, after retries.
        public static let httpStatus = Code(rawValue: "http-status")
        /// No response: connection, timeout, cancellation (see ``PortalError/underlying``).
        public static let transport = Code(rawValue: "transport")
        /// A response that is not what the service returns.
        public static let invalidResponse = Code(rawValue: "invalid-response")
        /// A request DVCKit refused to send (e.g. it failed validation, or a URL is not https).
        public static let invalidRequest = Code(rawValue: "invalid-request")
    }

    /// What went wrong.
    public var code: Code
    /// The operation, e.g. `DongBoHoSoMC`.
    public var operation: String
    /// The portal's `error_code`, when it sent one.
    public var portalCode: String?
    /// The portal's `message`, when it sent one.
    public var portalMessage: String?
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The error underneath (transport, decoding).
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, operation: String, portalCode: String? = nil, portalMessage: String? = nil, httpStatus: Int? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.operation = operation
        self.portalCode = portalCode
        self.portalMessage = portalMessage
        self.httpStatus = httpStatus
        self.underlying = underlying
    }

    /// A sentence a developer can act on (personal ID numbers masked).
    public var description: String {
        var text: String
        switch code {
        case .alreadyExists: text = "\(operation): the portal already has this dossier; send it again with isUpdating = true"
        case .rejected: text = "\(operation): the portal rejected the data"
        case .loginFailed: text = "\(operation): login to the portal failed; check the username, password and dstcode"
        case .sessionExpired: text = "\(operation): the portal session expired and a new login did not help"
        case .httpStatus: text = "\(operation): HTTP \(httpStatus.map(String.init) ?? "?") from the portal adapter"
        case .transport: text = "\(operation): no response from the portal adapter"
        case .invalidResponse: text = "\(operation): the portal's response could not be read"
        case .invalidRequest: text = "\(operation): the request was not sent"
        default: text = "\(operation): \(code)"
        }
        if let portalCode { text += " (error_code \(portalCode))" }
        if let portalMessage, !portalMessage.isEmpty { text += ": \(portalMessage)" }
        if let underlying { text += " [\(underlying)]" }
        return Redaction.text(text)
    }
}
