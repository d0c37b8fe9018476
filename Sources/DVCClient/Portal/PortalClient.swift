/// `URL`, `Data`, `Date` and `Duration` appear in this file's public API.
public import Foundation
/// The client takes and returns DVCCore's models.
public import DVCCore

/// Talks to the national portal (or the provincial/ministerial gateway in front of it): one typed
/// async method per service, all of them one pipeline, ``send(_:_:)``, over the deployment's
/// ``PortalDialect``.
///
/// Every call is a ``PortalOperation`` value. The pipeline authenticates (a session or an access
/// token, obtained once and shared), lets the dialect lay the message out (envelope or bare body,
/// URL, query string, headers), sends it through retry (by ``Configuration/retryPolicy``) and
/// events (to ``Configuration/eventSink``, redacted), reads the reply by the dialect's rules, and
/// maps every failure to ``PortalError``.
///
/// ```swift
/// let client = PortalClient(configuration: .init(
///     adapterURL: URL(string: "https://lgsp.example.gov.vn")!,
///     credentials: .init(username: "motcua", password: secret), unitCode: "000.00.00.H20"),
///     transport: HTTPTransport())
/// try await client.syncDossiers([dossier], isUpdating: false)
/// ```
public struct PortalClient: Sendable {
    /// The adapter's username and password. ``description`` never shows the password.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        /// The username.
        public var username: String
        /// The password. Secret.
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// `username:<redacted>`.
        public var description: String { "\(username):<redacted>" }
    }

    /// Where and how to reach the portal (cấu hình kết nối).
    public struct Configuration: Sendable {
        /// The adapter's base URL (`adapter_url`).
        public var adapterURL: URL
        /// How the deployment speaks: the reference contract by default.
        public var dialect: PortalDialect
        /// The adapter account (for token dialects: the client id and secret).
        public var credentials: Credentials
        /// The unit's portal code, sent as `madonvi` (or where the dialect puts it).
        public var unitCode: String
        /// The `dstcode` routing header, when the adapter needs one.
        public var dstcode: String?
        /// How long to wait for each response (OpenCPS uses 6 s).
        public var timeout: Duration
        /// When to send again.
        public var retryPolicy: RetryPolicy
        /// Where events go (`nil`: nowhere).
        public var eventSink: (any PortalEventSink)?
        /// How long a session is reused (a token's own `expires_in`, when shorter, wins).
        public var sessionLifetime: Duration
        /// How an answer that the session is gone is recognised (the adapter's wording varies).
        public var sessionExpiry: SessionExpiryDetector
        /// How long a refused login is remembered, so that calls fail at once instead of logging
        /// in again (adapters lock an account after a few failed logins).
        public var loginCooldown: Duration

        /// Creates a configuration. `authPath`, `integrationPath` and `sharePath`, when given,
        /// replace the dialect's login path, default route and catalogue route (the reference
        /// system's `auth_endpoint`, `integration_endpoint` and `share_endpoint`).
        public init(adapterURL: URL, dialect: PortalDialect = .reference, authPath: String? = nil, integrationPath: String? = nil,
                    sharePath: String? = nil, credentials: Credentials, unitCode: String, dstcode: String? = nil, timeout: Duration = .seconds(6),
                    retryPolicy: RetryPolicy = .default, eventSink: (any PortalEventSink)? = nil, sessionLifetime: Duration = .seconds(600),
                    sessionExpiry: SessionExpiryDetector = .default, loginCooldown: Duration = .seconds(30)) {
            var dialect = dialect
            if let authPath { dialect.authentication.path = authPath }
            if let integrationPath {
                dialect.defaultRoute.path = integrationPath
                dialect.readRoute.path = integrationPath
            }
            if let sharePath {
                for service in [PortalService.procedureCatalogue, .agencyCatalogue, .fieldCatalogue, .lookUpTechID] {
                    dialect.routes[service.rawValue] = PortalDialect.Route(path: sharePath, method: dialect.readRoute.method)
                }
            }
            self.adapterURL = adapterURL
            self.dialect = dialect
            self.credentials = credentials
            self.unitCode = unitCode
            self.dstcode = dstcode
            self.timeout = timeout
            self.retryPolicy = retryPolicy
            self.eventSink = eventSink
            self.sessionLifetime = sessionLifetime
            self.sessionExpiry = sessionExpiry
            self.loginCooldown = loginCooldown
        }

        /// `target` (a path with its query string) under ``adapterURL``.
        func url(_ target: String) -> URL {
            let base = adapterURL.absoluteString.hasSuffix("/") ? String(adapterURL.absoluteString.dropLast()) : adapterURL.absoluteString
            let path = target.hasPrefix("/") ? target : "/" + target
            return URL(string: base + path) ?? adapterURL.appendingPathComponent(path)
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let authenticator: PortalAuthenticator
    private let transport: any Transport

    /// The transport with retry and events in front, for the pipeline.
    var pipelineTransport: any Transport { transport }

    /// The current credential, through the authentication step.
    func authenticatorCredential(replacing stale: String?) async throws -> String? {
        try await authenticator.credential(replacing: stale, via: transport)
    }

    /// Logins (or token requests) this client performed so far (for tests and metrics).
    public var loginCount: Int { get async { await authenticator.store.logins } }

    /// Creates a client sending through `transport`; `sleeper`, `now` and `random` are injectable for tests.
    public init(configuration: Configuration, transport: any Transport, sleeper: any Sleeper = TaskSleeper(),
                now: @escaping @Sendable () -> Date = { Date() }, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.configuration = configuration
        self.authenticator = PortalAuthenticator(
            dialect: configuration.dialect, loginURL: configuration.url(configuration.dialect.authentication.path), credentials: configuration.credentials,
            dstcode: configuration.dstcode, lifetime: configuration.sessionLifetime, loginCooldown: configuration.loginCooldown,
            timeout: configuration.timeout, events: configuration.eventSink, store: SessionStore(now: now))
        // Retry outside events, so events show every attempt — logins included — redacted.
        var middleware: [any PortalMiddleware] = [RetryMiddleware(policy: configuration.retryPolicy, sleeper: sleeper, events: configuration.eventSink, random: random)]
        if let sink = configuration.eventSink { middleware.append(EventMiddleware(sink: sink)) }
        self.transport = MiddlewareTransport(transport, middleware: middleware)
    }

    // MARK: - Dossiers

    /// Creates (`isUpdating: false`) or updates dossiers (`DongBoHoSoMC`). A create of a dossier the
    /// portal already has throws ``PortalError/Code/alreadyExists``.
    public func syncDossiers(_ dossiers: [Dossier], isUpdating: Bool) async throws(PortalError) {
        _ = try await send(.syncDossiers, DossierUpload(dossiers, isUpdating: isUpdating))
    }

    /// Sends progress entries (`CapNhatTienDoHoSoMC`). The portal appends them to the dossier's
    /// history, so this is not idempotent: it is never resent after a timeout or a lost reply (a
    /// caller that resends it — as ``DVCSync`` does, at least once — may make the portal show an
    /// entry twice).
    public func updateProgress(_ entries: [ProgressEntry]) async throws(PortalError) {
        _ = try await send(.updateProgress, entries)
    }

    /// Reports the status of a portal-originated dossier (`DongBoTrangThaiHoSo`, `type` `"2"`);
    /// not resent after a lost reply.
    public func syncPortalDossierStatus(_ update: PortalStatusUpdate) async throws(PortalError) {
        _ = try await send(.syncPortalDossierStatus, update)
    }

    /// Whether the portal knows a dossier (`TraCuuHoSo`): a non-empty result means it does.
    public func dossierIsKnown(_ code: DossierCode) async throws(PortalError) -> Bool {
        try await lookUpDossier(code) != nil
    }

    /// The portal's record of a dossier (`TraCuuHoSo`), or `nil` when it has none: its code and,
    /// when the reply carries it, its status (`TrangThaiHoSo`).
    public func lookUpDossier(_ code: DossierCode) async throws(PortalError) -> PortalDossierRecord? {
        let rows = try await send(.lookUpDossier, code) ?? []
        guard let first = rows.first(where: { $0.code == nil || $0.code == code.rawValue }) ?? rows.first else { return nil }
        return PortalDossierRecord(code: first.code ?? code.rawValue, statusText: first.statusText)
    }

    // MARK: - Procedures and catalogues

    /// A procedure's full record (`LayThuTuc`).
    public func procedure(_ code: ProcedureCode) async throws(PortalError) -> Procedure {
        guard let first = try await send(.procedureDetail, code)?.first else {
            throw PortalError(code: .invalidResponse, operation: PortalService.procedureDetail.rawValue, portalMessage: "no procedure \(code) in the result")
        }
        return first
    }

    /// Public-service configurations with their service levels (`LayDVC`).
    public func publicServices() async throws(PortalError) -> LossyList<PublicService> {
        try await send(.publicServices, ()) ?? LossyList(rows: [])
    }

    /// The procedure catalogue (`LayDanhSachTTHC`). Catalogue reads are lossy: a row that does
    /// not decode is skipped and listed in ``LossyList/skipped``, so one odd row does not cost
    /// the whole catalogue.
    public func procedureCatalogue() async throws(PortalError) -> LossyList<ProcedureSummary> {
        try await send(.procedureCatalogue, ()) ?? LossyList(rows: [])
    }

    /// The agency catalogue (`LayDanhMucCoQuan`).
    public func agencyCatalogue() async throws(PortalError) -> LossyList<Procedure.AgencyReference> {
        try await send(.agencyCatalogue, ()) ?? LossyList(rows: [])
    }

    /// The field catalogue (`LayDanhMucLinhVuc`).
    public func fieldCatalogue() async throws(PortalError) -> LossyList<Procedure.Field> {
        try await send(.fieldCatalogue, ()) ?? LossyList(rows: [])
    }

    /// The portal account id (TechID) of a citizen or business, by personal ID, ID-card number or
    /// tax code (`TraCuuTechID`); `nil` when the portal has no account.
    public func techID(for identifier: String) async throws(PortalError) -> String? {
        try await send(.lookUpTechID, identifier)?.first?.techID
    }

    // MARK: - Questions, ratings, statistics

    /// Questions sent to this unit through the portal (`LayDanhSachHoiDapGuiTuDVCQG`), or the
    /// ministry/unit's own list (`LayDanhSachHoiDapBoCoQuan`) when `fromPortal` is false.
    public func questions(fromPortal: Bool = true) async throws(PortalError) -> LossyList<Question> {
        try await send(fromPortal ? .questionsFromPortal : .unitQuestions, ()) ?? LossyList(rows: [])
    }

    /// The answers to a question (`LayNoiDungTraLoiTheoCauHoi`).
    public func answers(toQuestion id: Int64) async throws(PortalError) -> [PortalAnswer] {
        try await send(.answersToQuestion, id) ?? []
    }

    /// Pushes the unit's questions (`DongBoHoiDap`); not resent after a lost reply (the portal may
    /// list a question twice).
    public func pushQuestions(_ questions: [QuestionPush]) async throws(PortalError) {
        _ = try await send(.pushQuestions, questions)
    }

    /// Pushes answers to portal questions (`DongBoKetQuaHoiDapGuiTuDVCQG`); not resent after a
    /// lost reply.
    public func pushAnswers(_ answers: [AnswerPush]) async throws(PortalError) {
        _ = try await send(.pushAnswers, answers)
    }

    /// Pushes satisfaction summaries (`DongBoDanhGia`).
    public func pushRatings(_ summaries: [SatisfactionSummary]) async throws(PortalError) {
        _ = try await send(.syncRatings, summaries)
    }

    /// Pushes monthly statistics (`DongBoThongKeHoSo`).
    public func pushStatistics(_ months: [MonthlyStatistics]) async throws(PortalError) {
        _ = try await send(.syncStatistics, months)
    }
}
