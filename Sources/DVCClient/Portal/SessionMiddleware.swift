/// `URL`, `Data`, `Date` and `Duration` appear in this file's public API.
public import Foundation
import DVCCore

/// Logs in to the portal adapter (`auth_endpoint`, `{username, password}` → `session`) and puts
/// the session and the unit code `madonvi` into every request body, and `dstcode` into every
/// request's headers (the reference system's session envelope).
///
/// The session is cached for ``lifetime`` (the adapter's real lifetime is not published; the
/// reference system uses 10 minutes). However many calls run at once, only **one** login happens
/// while they all wait for it. When an answer says the session is gone (``SessionExpiryDetector``),
/// the middleware logs in again **once** and resends; concurrent calls that saw the same session
/// expire share that one re-login.
///
/// A login the adapter *refuses* (wrong password, locked account) is never retried by the client
/// and, for ``loginCooldown``, later calls fail at once without asking again — adapters of the
/// LGSP kind lock an account after three to five failed logins.
public struct SessionMiddleware: PortalMiddleware {
    /// The login endpoint.
    public let loginURL: URL
    /// The unit code injected as `madonvi`.
    public let unitCode: String
    /// The `dstcode` header value, if any.
    public let dstcode: String?
    /// How long a session is reused.
    public let lifetime: Duration
    /// How long a refused login is remembered: calls fail at once instead of logging in again.
    public let loginCooldown: Duration
    /// How an expired session is recognised.
    public let expiry: SessionExpiryDetector
    private let credentials: PortalClient.Credentials
    private let store: SessionStore
    private let events: (any PortalEventSink)?
    private let timeout: Duration?

    /// Creates the middleware; `timeout` bounds the login request itself.
    public init(loginURL: URL, credentials: PortalClient.Credentials, unitCode: String, dstcode: String? = nil,
                lifetime: Duration = .seconds(600), loginCooldown: Duration = .seconds(30), expiry: SessionExpiryDetector = .default,
                timeout: Duration? = nil, now: @escaping @Sendable () -> Date = { Date() }, events: (any PortalEventSink)? = nil) {
        self.loginURL = loginURL
        self.credentials = credentials
        self.unitCode = unitCode
        self.dstcode = dstcode
        self.lifetime = lifetime
        self.loginCooldown = loginCooldown
        self.expiry = expiry
        self.timeout = timeout
        self.store = SessionStore(now: now)
        self.events = events
    }

    /// Injects the session and unit, logging in first when needed.
    public func intercept(_ request: PortalRequest, next: @Sendable (PortalRequest) async throws -> PortalResponse) async throws -> PortalResponse {
        let token = try await session(replacing: nil, next)
        let response = try await next(inject(token, into: request))
        guard expiry.isExpired(response) else { return response }
        let fresh = try await session(replacing: token, next)
        let retried = try await next(inject(fresh, into: request))
        if expiry.isExpired(retried) {
            throw PortalError(code: .sessionExpired, operation: request.operation, portalMessage: SessionExpiryDetector.refusalMessage(retried.body),
                              httpStatus: retried.status)
        }
        return retried
    }

    /// Logins performed so far (for tests and metrics).
    public var loginCount: Int { get async { await store.logins } }

    /// A valid session: cached, being fetched by another call, or fetched now by this one.
    private func session(replacing stale: String?, _ next: @Sendable (PortalRequest) async throws -> PortalResponse) async throws -> String {
        switch try await store.begin(replacing: stale) {
        case .ready(let token):
            return token
        case .mustLogIn:
            do {
                let token = try await login(next)
                await store.complete(.success(token), lifetime: lifetime)
                events?.record(PortalEvent(kind: .login, operation: "login", message: stale == nil ? "logged in" : "logged in again after an expired session",
                                           metadata: ["user": credentials.username]))
                return token
            } catch {
                let refused = (error as? PortalError)?.isRefusedLogin == true
                await store.complete(.failure(error), lifetime: lifetime, cooldown: refused ? loginCooldown : nil)
                events?.record(PortalEvent(kind: .login, operation: "login", message: "login failed: \(error)", metadata: ["user": credentials.username]))
                throw error
            }
        }
    }

    private func login(_ next: @Sendable (PortalRequest) async throws -> PortalResponse) async throws -> String {
        let body = try JSONEncoder().encode(["username": credentials.username, "password": credentials.password])
        var headers = ["Accept": "application/json", "Content-Type": "application/json", "Charset": "utf-8"]
        if let dstcode { headers["dstcode"] = dstcode }
        let response: PortalResponse
        do {
            response = try await next(PortalRequest(url: loginURL, headers: headers, body: body, timeout: timeout, operation: "login"))
        } catch {
            throw PortalError(code: .loginFailed, operation: "login", underlying: error)
        }
        struct Reply: Decodable { let session: String?; let error_code: FlexibleCode?; let message: String? }
        guard (200...299).contains(response.status), let reply = try? JSONLimits.standard.decode(Reply.self, from: response.body) else {
            throw PortalError(code: .loginFailed, operation: "login", httpStatus: response.status)
        }
        guard let session = reply.session, !session.isEmpty, reply.error_code?.isSuccess == true else {
            throw PortalError(code: .loginFailed, operation: "login", portalCode: reply.error_code?.text ?? "", portalMessage: reply.message,
                              httpStatus: response.status)
        }
        return session
    }

    /// Puts `"session"` and `"madonvi"` first in the JSON object body (where the reference system
    /// puts them), leaving the rest of the body's bytes as the client wrote them, and sets `dstcode`.
    func inject(_ session: String, into request: PortalRequest) -> PortalRequest {
        var request = request
        if let dstcode { request.headers["dstcode"] = dstcode }
        var bytes = [UInt8](request.body)
        guard let open = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), bytes[open] == UInt8(ascii: "{") else {
            return request
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let sessionJSON = (try? encoder.encode(session)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        let unitJSON = (try? encoder.encode(unitCode)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        let rest = bytes[(open + 1)...].drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let separator = rest.first == UInt8(ascii: "}") ? "" : ","
        bytes = Array(bytes[...open]) + Array("\"session\":\(sessionJSON),\"madonvi\":\(unitJSON)\(separator)".utf8) + Array(rest)
        request.body = Data(bytes)
        return request
    }
}

extension PortalError {
    /// A login the adapter answered and refused (credentials, a locked account) — not one that got
    /// no answer, or an answer of a broken server.
    var isRefusedLogin: Bool { code == .loginFailed && underlying == nil && (httpStatus.map { $0 < 500 } ?? false) }
}

/// The cached session, shared by every call: one caller logs in while the others wait for it.
actor SessionStore {
    enum Step { case ready(String), mustLogIn }

    private var token: String?
    private var expiresAt: Date?
    private var loggingIn = false
    private var refusal: (error: any Error, until: Date)?
    private var waiters: [CheckedContinuation<Result<String, any Error>, Never>] = []
    private let now: @Sendable () -> Date
    private(set) var logins = 0

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The cached session, or the outcome of the login in progress, or `.mustLogIn` for the one
    /// caller that performs the login. With `replacing`, the cached session is dropped if it is
    /// still that one, so callers that saw the same expired session cause a single re-login. A
    /// refused login is thrown again, without asking, until its cool-down ends.
    func begin(replacing stale: String?) async throws -> Step {
        if let stale, token == stale {
            token = nil
            expiresAt = nil
        }
        if let token, let expiresAt, now() < expiresAt { return .ready(token) }
        if let refusal, now() < refusal.until { throw refusal.error }
        if loggingIn {
            let outcome = await withCheckedContinuation { waiters.append($0) }
            return .ready(try outcome.get())
        }
        loggingIn = true
        logins += 1
        return .mustLogIn
    }

    /// Ends the login in progress and wakes every waiting caller with its outcome; a refused
    /// login is remembered for `cooldown`.
    func complete(_ outcome: Result<String, any Error>, lifetime: Duration, cooldown: Duration? = nil) {
        switch outcome {
        case .success(let fresh):
            token = fresh
            expiresAt = now().addingTimeInterval(lifetime.inSeconds)
            refusal = nil
        case .failure(let error):
            if let cooldown { refusal = (error, now().addingTimeInterval(cooldown.inSeconds)) }
        }
        loggingIn = false
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume(returning: outcome) }
    }
}
