import Foundation
import DVCCore

/// The authentication step of the request pipeline (bước xác thực): obtains the credential a
/// ``PortalDialect`` asks for — a session from the reference login, or an access token by OAuth2
/// client credentials — caches it, and hands it to the dialect, which puts it where that
/// deployment expects it (the envelope's `session`, `Authorization: Bearer`, an LGSP header).
/// The credential is never spliced into bytes.
///
/// However many calls run at once, only **one** login happens while they all wait for it. When
/// an answer says the credential is gone (``SessionExpiryDetector``), the pipeline asks for a
/// fresh one **once** and resends; concurrent calls that saw the same credential expire share that
/// one login. A login the adapter *refuses* is remembered for the cool-down and later calls fail at
/// once — LGSP gateways lock an account after three to five failed logins.
struct PortalAuthenticator: Sendable {
    let dialect: PortalDialect
    let loginURL: URL
    let credentials: PortalClient.Credentials
    let dstcode: String?
    let lifetime: Duration
    let loginCooldown: Duration
    let timeout: Duration?
    let events: (any PortalEventSink)?
    let store: SessionStore

    /// A valid credential (`nil` for a dialect that sends none): cached, being fetched by another
    /// call, or fetched now by this one through `transport`. With `stale`, that credential is
    /// dropped first.
    func credential(replacing stale: String?, via transport: any Transport) async throws -> String? {
        guard dialect.authentication.scheme != .none else { return nil }
        switch try await store.begin(replacing: stale) {
        case .ready(let token):
            return token
        case .mustLogIn:
            do {
                let (token, expiresIn) = try await login(transport)
                await store.complete(.success(token), lifetime: expiresIn.map { min($0, lifetime) } ?? lifetime)
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

    /// Logs in by the dialect's scheme; the token's own lifetime (`expires_in`) when it says one.
    private func login(_ transport: any Transport) async throws -> (String, Duration?) {
        var headers = ["Accept": "application/json", "Charset": "utf-8"]
        if let dstcode { headers["dstcode"] = dstcode }
        let body: Data
        switch dialect.authentication.scheme {
        case .session, .none:
            headers["Content-Type"] = "application/json"
            body = try JSONEncoder().encode(["username": credentials.username, "password": credentials.password])
        case .clientCredentials, .gatewayToken:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = Data(DialectRequest.formEncoded([.init("grant_type", "client_credentials"), .init("client_id", credentials.username),
                                                    .init("client_secret", credentials.password)]).utf8)
        }
        let response: PortalResponse
        do {
            response = try await Exchange(transport: transport).send(PortalRequest(url: loginURL, headers: headers, body: body, timeout: timeout, operation: "login"))
        } catch {
            // A login that got no answer, or a refusing status, is a failed login (a status < 500 a refused one).
            throw PortalError(code: .loginFailed, operation: "login", httpStatus: error.httpStatus, underlying: error.code == .httpStatus ? nil : error.underlying ?? error)
        }
        if dialect.authentication.scheme == .session {
            struct Reply: Decodable { let session: String?; let error_code: FlexibleCode?; let message: String? }
            guard let reply = try? JSONLimits.standard.decode(Reply.self, from: response.body) else {
                throw PortalError(code: .loginFailed, operation: "login", httpStatus: response.status)
            }
            guard let session = reply.session, !session.isEmpty, reply.error_code?.isSuccess == true else {
                throw PortalError(code: .loginFailed, operation: "login", portalCode: reply.error_code?.text ?? "", portalMessage: reply.message,
                                  httpStatus: response.status)
            }
            return (session, nil)
        }
        struct Token: Decodable { let access_token: String?; let expires_in: FlexibleCode?; let error: String?; let error_description: String? }
        guard let reply = try? JSONLimits.standard.decode(Token.self, from: response.body) else {
            throw PortalError(code: .loginFailed, operation: "login", httpStatus: response.status)
        }
        guard let token = reply.access_token, !token.isEmpty else {
            throw PortalError(code: .loginFailed, operation: "login", portalCode: reply.error ?? "", portalMessage: reply.error_description,
                              httpStatus: response.status)
        }
        // Renew a little before the token's end, as a clock skew of a few seconds would otherwise cost a refusal.
        return (token, reply.expires_in.flatMap { Int($0.text) }.map { .seconds(max(1, $0 - 5)) })
    }
}
