/// `URL`, `Data` and `Date` appear in this file's public API.
public import Foundation
import DVCCore

/// Logging citizens and businesses in through the portal (đăng nhập một lần, SSO): OpenID
/// Connect authorization-code flow with PKCE (S256), `state` and `nonce` (`spec/portal-protocol.md` §14).
///
/// 1. ``makeAuthorizationRequest()`` → send the browser to its ``AuthorizationRequest/url``; keep
///    the request (its verifier is secret) in the user's server-side session.
/// 2. On the callback, ``completeLogin(code:state:request:)`` checks `state`, exchanges the code,
///    checks the ID token's `nonce`, and returns the tokens.
/// 3. ``identity(accessToken:)`` maps `userinfo` to a ``PortalIdentity``.
///
/// A `state` or `nonce` mismatch is an error, never ignored. The ID token's claims are checked as
/// OpenID Connect Core 1.0 §3.1.3.7 requires — `iss` equals the issuer, `aud` names this client
/// (and `azp` does when there are several audiences), `exp` is in the future and `iat` not in it
/// (within ``Configuration/clockSkew``), `nonce` equals the one sent — and `userinfo`'s `sub`
/// must equal the ID token's (§5.3.2). The ID token's *signature* is not verified (no RSA without
/// a package on Linux): §3.1.3.7 step 6 lets a confidential client rely on TLS to the token
/// endpoint instead, which is how the token is obtained here.
public struct SingleSignOn: Sendable {
    /// The identity service and this application's registration. ``description`` hides the secret.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The identity server (`auth_server`).
        public var server: URL
        /// Endpoint paths (`auth_endpoint`, `accesstoken_endpoint`, `userinfo_endpoint`,
        /// `validatetoken_endpoint`, `revoketoken_endpoint`, `logout_endpoint`).
        public var authorizePath: String, tokenPath: String, userInfoPath: String, validatePath: String, revokePath: String, logoutPath: String
        /// The client id and secret. The secret is secret.
        public var clientID: String, clientSecret: String
        /// Where the identity service sends the browser back (`callback_url`).
        public var redirectURI: URL
        /// Scope and `acr_values`.
        public var scope: String, acrValues: String?
        /// Where the browser lands after logout (`logout_callback_url`).
        public var postLogoutRedirectURI: URL?
        /// Whether the ID token must carry the nonce (default true).
        public var requireNonce: Bool
        /// The issuer the ID token's `iss` must equal (default: ``server`` without a trailing slash).
        public var issuer: String
        /// How far clocks may disagree when `exp` and `iat` are checked (default 5 minutes).
        public var clockSkew: Duration
        /// How long a login may take from ``SingleSignOn/makeAuthorizationRequest(now:)`` to the
        /// callback (default 10 minutes); an older ``AuthorizationRequest`` is refused.
        public var maximumLoginDuration: Duration
        /// How long to wait for the identity service (default 30 s).
        public var timeout: Duration
        /// Where events go (redacted, as the portal client's).
        public var eventSink: (any PortalEventSink)?

        /// Creates a configuration; paths default to the sandbox's (`/oidc/authorize`, `/oidc/token`, …).
        public init(server: URL, clientID: String, clientSecret: String, redirectURI: URL, scope: String = "openid", acrValues: String? = nil,
                    postLogoutRedirectURI: URL? = nil, authorizePath: String = "/oidc/authorize", tokenPath: String = "/oidc/token",
                    userInfoPath: String = "/oidc/userinfo", validatePath: String = "/oidc/validate", revokePath: String = "/oidc/revoke",
                    logoutPath: String = "/oidc/logout", requireNonce: Bool = true, issuer: String? = nil, clockSkew: Duration = .seconds(300),
                    maximumLoginDuration: Duration = .seconds(600), timeout: Duration = .seconds(30), eventSink: (any PortalEventSink)? = nil) {
            self.server = server
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.redirectURI = redirectURI
            self.scope = scope
            self.acrValues = acrValues
            self.postLogoutRedirectURI = postLogoutRedirectURI
            (self.authorizePath, self.tokenPath, self.userInfoPath) = (authorizePath, tokenPath, userInfoPath)
            (self.validatePath, self.revokePath, self.logoutPath) = (validatePath, revokePath, logoutPath)
            self.requireNonce = requireNonce
            var trimmed = server.absoluteString
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            self.issuer = issuer ?? trimmed
            self.clockSkew = clockSkew
            self.maximumLoginDuration = maximumLoginDuration
            self.timeout = timeout
            self.eventSink = eventSink
        }

        /// The server and client id, without the secret.
        public var description: String { "SingleSignOn(\(server.absoluteString), client: \(clientID), secret: <redacted>)" }

        /// `path` under ``server``; the path's characters are escaped, never dropped for the bare server.
        func url(_ path: String) -> URL {
            server.appendingPathComponent(path.trimmingCharacters(in: CharacterSet(charactersIn: "/")))
        }
    }

    /// A login in progress: where to send the browser, and what to check on the way back.
    public struct AuthorizationRequest: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The authorization URL.
        public let url: URL
        /// The `state` sent.
        public let state: String
        /// The `nonce` sent.
        public let nonce: String
        /// The PKCE verifier. Secret: keep it server-side.
        public let codeVerifier: String
        /// When the login started; the callback must come within ``Configuration/maximumLoginDuration``.
        public let issuedAt: Date

        /// The URL, without the verifier.
        public var description: String { "AuthorizationRequest(\(url.absoluteString))" }
    }

    /// The tokens of a completed login. ``description`` hides them.
    public struct Tokens: Sendable, Hashable, CustomStringConvertible {
        /// The access token (for `userinfo`). Secret.
        public let accessToken: String
        /// The ID token (for logout). Secret.
        public let idToken: String?
        /// `expires_in`, when sent.
        public let expiresIn: Int?
        /// The ID token's subject (`sub`), which `userinfo` must match.
        public let subject: String?
        /// `Tokens(<redacted>)`.
        public var description: String { "Tokens(<redacted>)" }
    }

    /// Why a login failed.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What failed.
        public enum Reason: String, Sendable, Hashable {
            /// The `state` coming back is not the one sent: a forged or mixed-up callback.
            case stateMismatch = "state-mismatch"
            /// The ID token's `nonce` is not the one sent (or is missing): a replayed token.
            case nonceMismatch = "nonce-mismatch"
            /// The identity service refused (HTTP status or `error`).
            case rejected
            /// A reply that could not be read.
            case invalidResponse = "invalid-response"
            /// The token belongs to another client or has expired.
            case tokenInvalid = "token-invalid"
            /// An ID token claim fails its check (`iss`, `aud`, `azp`, `exp`, `iat`); the detail names it.
            case idTokenInvalid = "id-token-invalid"
            /// `userinfo` describes another subject than the ID token.
            case subjectMismatch = "subject-mismatch"
            /// The login started longer ago than ``Configuration/maximumLoginDuration``.
            case loginExpired = "login-expired"
            /// No response.
            case transport
        }

        /// What failed.
        public let reason: Reason
        /// Details (no secrets).
        public let detail: String

        /// `reason: detail`.
        public var description: String { "\(reason.rawValue): \(detail)" }
    }

    /// The configuration.
    public let configuration: Configuration
    private let transport: any Transport
    private let random: @Sendable (Int) -> [UInt8]

    /// Creates the client; `random` (a source of secure random bytes) is injectable for tests.
    public init(configuration: Configuration, transport: any Transport,
                random: @escaping @Sendable (Int) -> [UInt8] = { count in
                    var generator = SystemRandomNumberGenerator()
                    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                }) {
        self.configuration = configuration
        self.transport = configuration.eventSink.map { MiddlewareTransport(transport, middleware: [EventMiddleware(sink: $0)]) } ?? transport
        self.random = random
    }

    /// Starts a login: fresh `state`, `nonce` and PKCE verifier (32 random bytes each).
    public func makeAuthorizationRequest(now: Date = Date()) -> AuthorizationRequest {
        let state = Self.base64URL(random(32)), nonce = Self.base64URL(random(32)), verifier = Self.base64URL(random(32))
        var components = URLComponents(url: configuration.url(configuration.authorizePath), resolvingAgainstBaseURL: false)
        var items = [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: configuration.clientID),
            URLQueryItem(name: "redirect_uri", value: configuration.redirectURI.absoluteString), URLQueryItem(name: "scope", value: configuration.scope),
            URLQueryItem(name: "state", value: state), URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: Self.codeChallenge(for: verifier)), URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        if let acr = configuration.acrValues { items.append(URLQueryItem(name: "acr_values", value: acr)) }
        components?.queryItems = items
        return AuthorizationRequest(url: components?.url ?? configuration.server, state: state, nonce: nonce, codeVerifier: verifier, issuedAt: now)
    }

    /// Finishes a login: checks `state` (exactly) and the request's age, exchanges `code` (with the
    /// PKCE verifier), and checks the ID token's claims (see the type's documentation).
    public func completeLogin(code: String, state: String, request: AuthorizationRequest, now: Date = Date()) async throws(Failure) -> Tokens {
        guard !state.isEmpty, Self.exactlyEqual(state, request.state) else {
            throw Failure(reason: .stateMismatch, detail: "the callback's state is not the one this login sent")
        }
        guard now.timeIntervalSince(request.issuedAt) <= Self.seconds(configuration.maximumLoginDuration),
              request.issuedAt.timeIntervalSince(now) <= Self.seconds(configuration.clockSkew) else {
            throw Failure(reason: .loginExpired, detail: "the login started at \(request.issuedAt), longer ago than allowed")
        }
        let body = Self.form(["grant_type": "authorization_code", "code": code, "redirect_uri": configuration.redirectURI.absoluteString,
                              "client_id": configuration.clientID, "client_secret": configuration.clientSecret, "code_verifier": request.codeVerifier])
        let object = try await post(configuration.tokenPath, body: body, bearer: nil, operation: "oidc-token")
        guard let access = object["access_token"] as? String, !access.isEmpty else {
            throw Failure(reason: .invalidResponse, detail: "no access_token in the token response")
        }
        let idToken = object["id_token"] as? String
        var subject: String?
        if let idToken {
            guard let claims = Self.claims(of: idToken) else { throw Failure(reason: .idTokenInvalid, detail: "the ID token is not a JWT") }
            try check(claims, nonce: request.nonce, now: now)
            subject = claims["sub"] as? String
        } else if configuration.requireNonce {
            throw Failure(reason: .nonceMismatch, detail: "no ID token, so no nonce")
        }
        return Tokens(accessToken: access, idToken: idToken, expiresIn: (object["expires_in"] as? NSNumber)?.intValue, subject: subject)
    }

    /// The ID token's claims against OpenID Connect Core §3.1.3.7 steps 2–3, 9–11.
    func check(_ claims: [String: Any], nonce: String, now: Date) throws(Failure) {
        func invalid(_ detail: String) -> Failure { Failure(reason: .idTokenInvalid, detail: detail) }
        guard let issuer = claims["iss"] as? String, issuer == configuration.issuer else { throw invalid("iss is not \(configuration.issuer)") }
        let audiences = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        guard audiences.contains(configuration.clientID) else { throw invalid("aud does not name this client") }
        if audiences.count > 1 || claims["azp"] != nil {
            guard claims["azp"] as? String == configuration.clientID else { throw invalid("azp is not this client") }
        }
        let skew = Self.seconds(configuration.clockSkew)
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue, Date(timeIntervalSince1970: exp + skew) > now else { throw invalid("exp has passed") }
        guard let iat = (claims["iat"] as? NSNumber)?.doubleValue, Date(timeIntervalSince1970: iat - skew) <= now else { throw invalid("iat is in the future") }
        guard let sub = claims["sub"] as? String, !sub.isEmpty else { throw invalid("sub is missing") }
        if configuration.requireNonce || claims["nonce"] != nil {
            guard let sent = claims["nonce"] as? String, Self.exactlyEqual(sent, nonce) else {
                throw Failure(reason: .nonceMismatch, detail: "the ID token's nonce is missing or not the one this login sent")
            }
        }
    }

    /// The logged-in account (`userinfo`, bearer token).
    public func identity(accessToken: String) async throws(Failure) -> PortalIdentity {
        let data = try await postRaw(configuration.userInfoPath, body: Data(), bearer: accessToken, operation: "oidc-userinfo")
        do { return try JSONLimits.standard.decode(PortalIdentity.self, from: data) } catch {
            throw Failure(reason: .invalidResponse, detail: "userinfo could not be read")
        }
    }

    /// The account of a completed login: `userinfo` with the tokens' access token, whose `sub`
    /// must equal the ID token's (OpenID Connect Core §5.3.2) — the way to call it after
    /// ``completeLogin(code:state:request:now:)``.
    public func identity(of tokens: Tokens) async throws(Failure) -> PortalIdentity {
        let identity = try await identity(accessToken: tokens.accessToken)
        if let expected = tokens.subject, identity.subject != expected {
            throw Failure(reason: .subjectMismatch, detail: "userinfo's sub is not the ID token's")
        }
        return identity
    }

    /// Checks a token with the identity service (`token=…&state=0`): it must belong to this client
    /// and not have expired. Returns its expiry.
    public func validate(accessToken: String, now: Date = Date()) async throws(Failure) -> Date {
        let object = try await post(configuration.validatePath, body: Self.form(["token": accessToken, "state": "0"]), bearer: accessToken, operation: "oidc-validate")
        guard object["client_id"] as? String == configuration.clientID else { throw Failure(reason: .tokenInvalid, detail: "the token belongs to another client") }
        guard let exp = (object["exp"] as? NSNumber)?.doubleValue, Date(timeIntervalSince1970: exp) > now else {
            throw Failure(reason: .tokenInvalid, detail: "the token has expired")
        }
        return Date(timeIntervalSince1970: exp)
    }

    /// Revokes a token (`token`, `client_id`, `client_secret`).
    public func revoke(token: String) async throws(Failure) {
        _ = try await postRaw(configuration.revokePath, body: Self.form(["token": token, "client_id": configuration.clientID, "client_secret": configuration.clientSecret]),
                              bearer: nil, operation: "oidc-revoke")
    }

    /// Where to send the browser to log out (`id_token_hint`, `post_logout_redirect_uri`, `state`).
    public func logoutURL(idToken: String, state: String? = nil) -> URL {
        var components = URLComponents(url: configuration.url(configuration.logoutPath), resolvingAgainstBaseURL: false)
        var items = [URLQueryItem(name: "id_token_hint", value: idToken)]
        if let redirect = configuration.postLogoutRedirectURI { items.append(URLQueryItem(name: "post_logout_redirect_uri", value: redirect.absoluteString)) }
        if let state { items.append(URLQueryItem(name: "state", value: state)) }
        components?.queryItems = items
        return components?.url ?? configuration.server
    }

    // MARK: - Helpers

    /// The PKCE S256 challenge of `verifier` (RFC 7636): base64url(SHA-256(verifier)), no padding.
    public static func codeChallenge(for verifier: String) -> String { base64URL(SHA256.hash(Array(verifier.utf8))) }

    /// Byte-for-byte equality in constant time (base64url is case-sensitive).
    static func exactlyEqual(_ a: String, _ b: String) -> Bool { constantTimeEquals(Array(a.utf8), Array(b.utf8)) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The claims of a JWT (payload only; the signature is not checked here).
    static func claims(of jwt: String) -> [String: Any]? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        guard let data = Data(base64Encoded: payload) else { return nil }
        return JSONLimits.standard.jsonObject(data)
    }

    static func form(_ fields: [String: String]) -> Data {
        Data(DialectRequest.formEncoded(fields.sorted { $0.key < $1.key }.map { DialectRequest.QueryItem($0.key, $0.value) }).utf8)
    }

    private func post(_ path: String, body: Data, bearer: String?, operation: String) async throws(Failure) -> [String: Any] {
        let data = try await postRaw(path, body: body, bearer: bearer, operation: operation)
        guard let object = JSONLimits.standard.jsonObject(data) else {
            throw Failure(reason: .invalidResponse, detail: "\(operation): not a JSON object")
        }
        if let error = object["error"] as? String { throw Failure(reason: .rejected, detail: "\(operation): \(error)") }
        return object
    }

    private func postRaw(_ path: String, body: Data, bearer: String?, operation: String) async throws(Failure) -> Data {
        var headers = ["Accept": "application/json"]
        if !body.isEmpty { headers["Content-Type"] = "application/x-www-form-urlencoded" }
        if let bearer { headers["Authorization"] = "Bearer \(bearer)" }
        let request = PortalRequest(url: configuration.url(path), headers: headers, body: body, timeout: configuration.timeout, operation: operation)
        do { return try await Exchange(transport: transport).send(request).body } catch {
            switch error.code {
            case .httpStatus: throw Failure(reason: .rejected, detail: "\(operation): HTTP \(error.httpStatus ?? 0)")
            default: throw Failure(reason: .transport, detail: "\(operation): \(error.underlying.map { "\(type(of: $0))" } ?? "\(error.code)")")
            }
        }
    }
}
