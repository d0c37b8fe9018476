import DVCClient
/// `Data`, `URL` and `Duration` appear in this file's public API.
public import Foundation
/// `DossierStatus` appears in this file's public API.
public import DVCCore

/// A stand-in for the national portal that behaves like it (môi trường thử nghiệm), in process or
/// over real HTTP: sessions, `madonvi`, dossier sync with create/update semantics, progress,
/// lookups, catalogues, Q&A, ratings, statistics, the payment platform and the identity service —
/// validating what it receives with DVCCore, and injecting faults deterministically.
///
/// ```swift
/// let sandbox = PortalSandbox()
/// let client = PortalClient(configuration: .init(adapterURL: PortalSandbox.inProcessURL,
///     credentials: .init(username: "sandbox", password: "sandbox"), unitCode: "000.00.00.H20"),
///     transport: sandbox.transport)
/// ```
///
/// It answers on `POST /auth`, `POST /api/integration`, `POST /api/share`, `POST /payment`,
/// `GET /oidc/authorize`, `POST /oidc/token`, `POST /oidc/userinfo`, `POST /oidc/validate`,
/// `POST /oidc/revoke`, `GET /oidc/logout` and `GET /_sandbox/state`.
public final class PortalSandbox: Sendable {
    /// How the sandbox behaves.
    public struct Configuration: Sendable {
        /// Accounts for `POST /auth` (default `sandbox` / `sandbox`).
        public var accounts: [String: String]
        /// How long a session lives.
        public var sessionLifetime: Duration
        /// Accept invalid data and flag it in the state, as the real portal did with the badly coded
        /// dossiers the audits counted (default: reject it with a reason).
        public var acceptsInvalid: Bool
        /// Faults to inject.
        public var faults: SandboxFaults
        /// The seed of the fault generator.
        public var seed: UInt64
        /// The payment platform's partner code and shared secret.
        public var paymentPartner: String, paymentSecret: String
        /// The identity service's client id.
        public var clientID: String
        /// The identity service's client secret, checked at the token endpoint.
        public var clientSecret: String
        /// The identity service's issuer (`iss` of its ID tokens); configure `SingleSignOn` with it.
        public var issuer: String
        /// Where the identity service may send browsers back (`redirect_uri` must start with one
        /// of these); empty allows any `http`/`https` URI.
        public var redirectPrefixes: [String]
        /// Where confirm callbacks are `POST`ed (the one-stop system's endpoint), besides
        /// ``PortalSandbox/onPaymentConfirmation(_:)``; `nil`: not posted.
        public var paymentCallbackURL: URL?
        /// How long every answer waits, as a distant portal's would (default none).
        public var latency: Duration?
        /// Whether a status transition the inferred table does not list refuses a dossier
        /// (`.error`) or is accepted (`.warning`, the default, as `Dossier.validate` does).
        public var statusTransitionSeverity: ValidationIssue.Severity
        /// The dialect the sandbox speaks (default: the reference contract): its routes, its
        /// authentication (the accounts double as OAuth2 client ids and secrets), its replies.
        public var dialect: PortalDialect

        /// Creates a configuration.
        public init(accounts: [String: String] = ["sandbox": "sandbox"], sessionLifetime: Duration = .seconds(600), acceptsInvalid: Bool = false,
                    faults: SandboxFaults = SandboxFaults(), seed: UInt64 = 1, paymentPartner: String = "SANDBOX", paymentSecret: String = "sandbox-secret",
                    clientID: String = "sandbox-client", paymentCallbackURL: URL? = nil, latency: Duration? = nil,
                    statusTransitionSeverity: ValidationIssue.Severity = .warning, issuer: String = PortalSandbox.defaultIssuer,
                    redirectPrefixes: [String] = [], clientSecret: String = "sandbox-client-secret", dialect: PortalDialect = .reference) {
            self.dialect = dialect
            self.clientSecret = clientSecret
            self.issuer = issuer
            self.redirectPrefixes = redirectPrefixes
            self.accounts = accounts
            self.sessionLifetime = sessionLifetime
            self.acceptsInvalid = acceptsInvalid
            self.faults = faults
            self.seed = seed
            self.paymentPartner = paymentPartner
            self.paymentSecret = paymentSecret
            self.clientID = clientID
            self.paymentCallbackURL = paymentCallbackURL
            self.latency = latency
            self.statusTransitionSeverity = statusTransitionSeverity
        }
    }

    /// An answer: status, headers, body, and the fault decorations.
    public struct Reply: Sendable {
        /// The HTTP status.
        public var status: Int
        /// Header fields.
        public var headers: [String: String] = [:]
        /// The body.
        public var body: Data
        /// Wait this long before answering.
        public var delay: Duration?
        /// Close the connection mid-response.
        public var drops = false
    }

    /// The base URL to give a client using ``transport`` (any host works in process).
    public static let inProcessURL = URL(string: "https://sandbox.dvckit.invalid") ?? URL(fileURLWithPath: "/")

    /// The configuration.
    public let configuration: Configuration
    let state: SandboxState
    private let callbacks: CallbackBox

    /// The issuer the sandbox's identity service signs its ID tokens as, by default.
    public static let defaultIssuer = "https://sso.sandbox.dvckit.invalid"

    /// Creates a sandbox.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.state = SandboxState(configuration: configuration)
        self.callbacks = CallbackBox()
    }

    /// A transport that hands every request to this sandbox in process. Each access makes a new
    /// transport with its own request log: keep the one you use.
    public var transport: InMemoryTransport {
        InMemoryTransport { [self] request in
            let reply = await self.handle(method: request.method.rawValue, target: Self.target(request.url), headers: request.headers, body: request.body)
            if let delay = reply.delay {
                if let timeout = request.timeout, delay > timeout {
                    try await Task.sleep(for: timeout)
                    throw SandboxTransportError.timedOut
                }
                try await Task.sleep(for: delay)
            }
            if reply.drops { throw SandboxTransportError.connectionClosed }
            return PortalResponse(status: reply.status, headers: reply.headers, body: reply.body)
        }
    }

    /// Starts serving over HTTP on `host:port` (port 0 picks one; read it from the server).
    /// A host outside 127.0.0.0/8 must be asked for with `allowsNonLoopback`.
    public func serve(host: String = "127.0.0.1", port: UInt16 = 0, limits: LoopbackHTTPServer.Limits = .init(),
                      allowsNonLoopback: Bool = false) throws -> LoopbackHTTPServer {
        let server = try LoopbackHTTPServer(host: host, port: port, limits: limits, allowsNonLoopback: allowsNonLoopback) { [self] request in
            let reply = await self.handle(method: request.method, target: request.target, headers: request.headers, body: request.body)
            if let delay = reply.delay { try? await Task.sleep(for: delay) }
            return LoopbackHTTPServer.Response(status: reply.status, headers: reply.headers, body: reply.body, closesConnectionMidway: reply.drops)
        }
        server.start()
        return server
    }

    /// Where confirmed payments are delivered (the one-stop system's callback), in process.
    public func onPaymentConfirmation(_ deliver: @escaping @Sendable (Data) async -> Void) {
        callbacks.set(deliver)
    }

    /// Changes the faults while the sandbox serves (e.g. a refusal storm that ends).
    public func setFaults(_ faults: SandboxFaults) async { await state.setFaults(faults) }

    /// The state document of `GET /_sandbox/state`, parsed.
    public func stateDocument(after: String? = nil, limit: Int? = nil) async -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: await state.snapshot(after: after, limit: limit))) as? [String: Any] ?? [:]
    }

    /// Every dossier the sandbox holds, by code: what it received of each.
    public func dossierRecords() async -> [String: SandboxDossierRecord] { await state.records() }

    /// Logins performed so far.
    public var loginCount: Int { get async { await state.logins } }

    /// Logins tried so far, refused ones included.
    public var loginAttempts: Int { get async { await state.loginAttempts } }

    // MARK: - Dispatch

    /// Answers one request (both transports call this).
    public func handle(method: String, target: String, headers: [String: String], body: Data) async -> Reply {
        var reply = await dispatch(method: method, target: target, headers: headers, body: body)
        if let latency = configuration.latency { reply.delay = (reply.delay ?? .zero) + latency }
        return reply
    }

    private func dispatch(method: String, target: String, headers: [String: String], body: Data) async -> Reply {
        let path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
        let query = LoopbackHTTPServer.Request.queryItems(of: target)
        switch (method, path) {
        case ("GET", "/_sandbox/state"):
            return Reply(status: 200, body: await state.snapshot(after: query["after"], limit: query["limit"].flatMap(Int.init)))
        case ("POST", configuration.dialect.authentication.path) where configuration.dialect.authentication.scheme != .none:
            return await login(body, headers: headers)
        case ("POST", "/payment"):
            return await payment(body, host: headers.first { $0.key.lowercased() == "host" }?.value)
        case (_, let p) where p.hasPrefix("/pay/"):
            // The payment page: visiting it plays the citizen (`?result=failed` to fail).
            let reference = String(p.dropFirst("/pay/".count))
            guard await completePayment(reference: reference, paid: query["result"] != "failed") != nil else {
                return Reply(status: 404, body: Data("unknown payment".utf8))
            }
            return Reply(status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data("payment \(reference) done\n".utf8))
        case (_, let p) where p.hasPrefix("/oidc/"):
            return await identity(method: method, path: p, query: query, headers: headers, body: body)
        default:
            guard let call = configuration.dialect.recognise(method: method, target: target, headers: headers, body: body) else {
                return Reply(status: 404, body: Data(#"{"error_code":"-1","message":"no such endpoint"}"#.utf8))
            }
            return await operational(call)
        }
    }

    /// The login (session) or token (client credentials, from a form or JSON body) endpoint.
    private func login(_ body: Data, headers: [String: String]) async -> Reply {
        let dialect = configuration.dialect
        if dialect.authentication.scheme == .session {
            struct Login: Decodable { let username: String?; let password: String? }
            guard let request = try? JSONLimits.standard.decode(Login.self, from: body), let user = request.username, let password = request.password,
                  let token = await state.login(username: user, password: password) else {
                return Self.json(["error_code": "-1", "message": "Sai tên đăng nhập hoặc mật khẩu (invalid credentials)"])
            }
            return Self.json(["error_code": 0, "session": token, "message": "Thành công"])
        }
        var fields = LoopbackHTTPServer.Request.formItems(String(decoding: body, as: UTF8.self))
        if let object = JSONLimits.standard.jsonObject(body) { fields = object.compactMapValues { $0 as? String } }
        guard fields["grant_type"] == "client_credentials", let id = fields["client_id"], let secret = fields["client_secret"],
              let token = await state.login(username: id, password: secret) else {
            return Reply(status: 401, headers: ["Content-Type": "application/json"],
                         body: Data(#"{"error":"invalid_client","error_description":"unknown client or wrong secret"}"#.utf8))
        }
        return Self.json(["access_token": token, "token_type": "Bearer", "expires_in": Int(configuration.sessionLifetime.inSeconds)])
    }

    private func operational(_ call: DialectCall) async -> Reply {
        let dialect = configuration.dialect
        await state.countCall()
        let fault = await state.drawFault()
        let faults = await state.faultSettings
        switch fault {
        case "error":
            return await state.coin() < 0.5 ? Reply(status: 500, body: Data("internal error".utf8))
                                              : Reply(status: 503, headers: ["Retry-After": "1"], body: Data())
        case "timeout": return Reply(status: 504, body: Data(), delay: faults.timeoutDelay)
        case "drop": return Reply(status: 200, body: Data(String(repeating: " ", count: 256).utf8), drops: true)
        case "malformed": return Reply(status: 200, body: Data(#"{"error_code":0,"result":[{"MATTHC":"#.utf8))
        case "refuse": return answer(.refused("Hệ thống đang bận, vui lòng thử lại sau (adapter unavailable)"), call)
        default: break
        }
        guard await state.isValid(session: call.credential) else {
            let message = faults.expireMessage ?? "Phiên làm việc đã hết hạn hoặc không hợp lệ (session expired or invalid)"
            if dialect.authentication.scheme == .session { return answer(.refused(message), call) }
            return Reply(status: 401, headers: ["WWW-Authenticate": "Bearer"], body: Data("Unauthorized".utf8))
        }
        guard let unit = call.unitCode, AgencyCode.isValid(unit) else {
            return answer(.refused("madonvi thiếu hoặc không hợp lệ (missing or invalid unit code)"), call)
        }
        var reply = answer(await perform(call, unit: unit), call)
        switch fault {
        case "applied-then-drop":
            reply.drops = true
        case "applied-then-timeout":
            reply.delay = faults.timeoutDelay
        default:
            if await state.drawSlow() { reply.delay = faults.slowDelay }
        }
        return reply
    }

    /// An answer in the sandbox's dialect; a success without data to a write is plain text where
    /// the dialect answers so.
    private func answer(_ answer: SandboxAnswer, _ call: DialectCall) -> Reply {
        let dialect = configuration.dialect
        switch answer {
        case .success(let result):
            let plain = result == nil && call.service == .updateProgress
            return Reply(status: 200, body: dialect.replyBody(.success, message: plain ? "Cập nhật thành công" : "Thành công", result: result, plainText: plain))
        case .alreadyExists(let message):
            return Reply(status: 200, body: dialect.replyBody(.alreadyExists, message: message))
        case .refused(let message):
            return Reply(status: 200, body: dialect.replyBody(.refused, message: message))
        }
    }

    // MARK: - Helpers

    static func json(_ object: [String: Any]) -> Reply {
        Reply(status: 200, body: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }

    static func target(_ url: URL) -> String {
        url.path.isEmpty ? "/" : url.path + (url.query.map { "?\($0)" } ?? "")
    }

    func deliverCallback(_ body: Data) async {
        let times = await state.drawDuplicate() ? 2 : 1
        for _ in 0..<times {
            if let deliver = callbacks.get() { await deliver(body) }
            if let url = configuration.paymentCallbackURL {
                let transport = HTTPTransport(configuration: .init(timeout: .seconds(10), allowsInsecureLoopback: true))
                _ = try? await transport.send(PortalRequest(url: url, headers: ["Content-Type": "application/json"], body: body, operation: "payment-callback"))
            }
        }
    }
}

/// What the sandbox received of one dossier (hồ sơ trên môi trường thử nghiệm).
public struct SandboxDossierRecord: Sendable, Hashable {
    /// `DongBoHoSoMC` creates that stored it (more than one would be a duplicate).
    public let creates: Int
    /// Updates that stored it.
    public let updates: Int
    /// Progress entries received.
    public let progress: Int
    /// Its status now.
    public let status: DossierStatus?
    /// Every status it was sent with, in arrival order (a resent version appears twice).
    public let statuses: [DossierStatus]
    /// Defects it was accepted with (`acceptsInvalid`), as `path: rule`.
    public let flagged: [String]

    /// `statuses` with consecutive repeats collapsed: the versions, in the order they first arrived.
    public var versions: [DossierStatus] { statuses.reduce(into: []) { if $0.last != $1 { $0.append($1) } } }
}

/// A transport failure the in-process sandbox simulates.
public enum SandboxTransportError: Error, Sendable {
    /// No answer before the request's timeout.
    case timedOut
    /// The connection closed mid-response.
    case connectionClosed
}

final class CallbackBox: @unchecked Sendable {
    private let lock = NSLock()
    private var deliver: (@Sendable (Data) async -> Void)?
    func set(_ value: @escaping @Sendable (Data) async -> Void) { lock.withLock { deliver = value } }
    func get() -> (@Sendable (Data) async -> Void)? { lock.withLock { deliver } }
}

