/// `Data` appears in this file's public API.
public import Foundation

/// A request the portal (or anyone) sent to one of the one-stop system's inbound endpoints, as the
/// server framework received it.
public struct InboundRequest: Sendable, Hashable {
    /// The body, as received.
    public var body: Data
    /// The headers, as received (looked up case-insensitively by ``header(_:)``).
    public var headers: [String: String]
    /// The caller's address as the server saw it (after any trusted proxy), when known.
    public var remoteAddress: String?

    /// Creates a request.
    public init(body: Data, headers: [String: String] = [:], remoteAddress: String? = nil) {
        self.body = body
        self.headers = headers
        self.remoteAddress = remoteAddress
    }

    /// The value of the header `name`, whatever its case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.key.lowercased() == wanted }?.value
    }
}

/// Decides whether an inbound request comes from the portal (xác thực bên gọi).
///
/// The portal's own authentication of its pushes is not published (`spec/portal-protocol.md`
/// §12, open question 7), so DVCKit makes the integrator choose one explicitly: a shared
/// secret header, an HMAC of the body, an address allow-list, any combination
/// (``InboundAuthenticators/all(_:)``), or — when a proxy in front already checks a client
/// certificate — ``InboundAuthenticators/delegatedToProxy``.
public protocol InboundAuthenticator: Sendable {
    /// Whether `request` is from the portal.
    func authenticates(_ request: InboundRequest) -> Bool
}

/// The authenticators DVCKit provides.
public enum InboundAuthenticators: Sendable {
    /// A header that must carry a shared secret, compared in constant time.
    public struct SharedSecret: InboundAuthenticator, CustomStringConvertible {
        /// The header's name, e.g. `X-DVC-Secret`.
        public let header: String
        let secret: [UInt8]

        /// Creates the check; `secret` must not be empty.
        public init(header: String, secret: String) {
            self.header = header
            self.secret = Array(secret.utf8)
        }

        /// Whether the header carries the secret.
        public func authenticates(_ request: InboundRequest) -> Bool {
            guard !secret.isEmpty, let value = request.header(header) else { return false }
            return constantTimeEquals(Array(value.utf8), secret)
        }

        /// The header's name, never the secret.
        public var description: String { "SharedSecret(header: \(header), secret: <redacted>)" }
    }

    /// A header carrying the lowercase hex HMAC-SHA256 of the body under a shared key, compared
    /// in constant time: the body cannot be altered on the way.
    public struct BodySignature: InboundAuthenticator, CustomStringConvertible {
        /// The header's name, e.g. `X-DVC-Signature`.
        public let header: String
        let key: [UInt8]

        /// Creates the check; `key` must not be empty.
        public init(header: String, key: String) {
            self.header = header
            self.key = Array(key.utf8)
        }

        /// The signature of `body` (for the sender's side, and for tests).
        public func signature(of body: Data) -> String { hex(HMAC<SHA256>.authenticationCode(for: body, key: key)) }

        /// Whether the header carries the body's signature.
        public func authenticates(_ request: InboundRequest) -> Bool {
            guard !key.isEmpty, let value = request.header(header) else { return false }
            return constantTimeEquals(Array(value.lowercased().utf8), Array(signature(of: request.body).utf8))
        }

        /// The header's name, never the key.
        public var description: String { "BodySignature(header: \(header), key: <redacted>)" }
    }

    /// The caller's address must be one of these (exact match of ``InboundRequest/remoteAddress``).
    public struct AddressAllowList: InboundAuthenticator {
        /// The allowed addresses.
        public let addresses: Set<String>

        /// Creates the list.
        public init(_ addresses: Set<String>) { self.addresses = addresses }

        /// Whether the request came from an allowed address.
        public func authenticates(_ request: InboundRequest) -> Bool {
            request.remoteAddress.map(addresses.contains) ?? false
        }
    }

    /// Every one of several checks must pass.
    public struct All: InboundAuthenticator {
        /// The checks.
        public let checks: [any InboundAuthenticator]

        /// Whether every check passes (and there is at least one).
        public func authenticates(_ request: InboundRequest) -> Bool {
            !checks.isEmpty && checks.allSatisfy { $0.authenticates(request) }
        }
    }

    /// Accepts every request: only for deployments where a proxy in front already authenticated
    /// the portal (mutual TLS, a private link). The choice is explicit so that it is never an accident.
    public struct DelegatedToProxy: InboundAuthenticator {
        /// Accepts.
        public func authenticates(_ request: InboundRequest) -> Bool { true }
    }

    /// Every one of `checks` must pass.
    public static func all(_ checks: [any InboundAuthenticator]) -> All { All(checks: checks) }

    /// Accepts every request; authentication is the proxy's job.
    public static let delegatedToProxy = DelegatedToProxy()
}
