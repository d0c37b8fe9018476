/// `URL`, `Data`, `Date` and `Duration` appear in this file's public API.
public import Foundation
/// The client takes and returns DVCCore's models.
public import DVCCore

/// Talks to the national portal (or the provincial/ministerial adapter in front of it): one typed
/// async method per service (`spec/portal-protocol.md` §4).
///
/// Every call goes through retry (by ``Configuration/retryPolicy``), events (to
/// ``Configuration/eventSink``, redacted) and the session (login once, `session` and `madonvi` in
/// every body, `dstcode` in every header) before the transport. Failures throw ``PortalError``.
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
        /// The login path (`auth_endpoint`).
        public var authPath: String
        /// The operational services' path (`integration_endpoint`).
        public var integrationPath: String
        /// The shared catalogues' path (`share_endpoint`).
        public var sharePath: String
        /// The adapter account.
        public var credentials: Credentials
        /// The unit's portal code, sent as `madonvi`.
        public var unitCode: String
        /// The `dstcode` routing header, when the adapter needs one.
        public var dstcode: String?
        /// How long to wait for each response (OpenCPS uses 6 s).
        public var timeout: Duration
        /// When to send again.
        public var retryPolicy: RetryPolicy
        /// Where events go (`nil`: nowhere).
        public var eventSink: (any PortalEventSink)?
        /// How long a session is reused.
        public var sessionLifetime: Duration
        /// How an answer that the session is gone is recognised (the adapter's wording varies).
        public var sessionExpiry: SessionExpiryDetector
        /// How long a refused login is remembered, so that calls fail at once instead of logging
        /// in again (adapters lock an account after a few failed logins).
        public var loginCooldown: Duration

        /// Creates a configuration; the paths default to the sandbox's (`/auth`, `/api/integration`, `/api/share`).
        public init(adapterURL: URL, authPath: String = "/auth", integrationPath: String = "/api/integration", sharePath: String = "/api/share",
                    credentials: Credentials, unitCode: String, dstcode: String? = nil, timeout: Duration = .seconds(6),
                    retryPolicy: RetryPolicy = .default, eventSink: (any PortalEventSink)? = nil, sessionLifetime: Duration = .seconds(600),
                    sessionExpiry: SessionExpiryDetector = .default, loginCooldown: Duration = .seconds(30)) {
            self.adapterURL = adapterURL
            self.authPath = authPath
            self.integrationPath = integrationPath
            self.sharePath = sharePath
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

        /// `path` under ``adapterURL``; its characters are escaped, never dropped for the bare adapter URL.
        func url(_ path: String) -> URL {
            adapterURL.appendingPathComponent(path.trimmingCharacters(in: CharacterSet(charactersIn: "/")))
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let session: SessionMiddleware
    private let transport: any Transport

    /// Logins this client performed so far (for tests and metrics).
    public var loginCount: Int { get async { await session.loginCount } }

    /// Creates a client sending through `transport`; `sleeper`, `now` and `random` are injectable for tests.
    public init(configuration: Configuration, transport: any Transport, sleeper: any Sleeper = TaskSleeper(),
                now: @escaping @Sendable () -> Date = { Date() }, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.configuration = configuration
        let session = SessionMiddleware(loginURL: configuration.url(configuration.authPath), credentials: configuration.credentials,
                                        unitCode: configuration.unitCode, dstcode: configuration.dstcode, lifetime: configuration.sessionLifetime,
                                        loginCooldown: configuration.loginCooldown, expiry: configuration.sessionExpiry, timeout: configuration.timeout,
                                        now: now, events: configuration.eventSink)
        self.session = session
        // Retry outermost (each attempt logs in again if needed); events innermost, so they show
        // the bytes actually sent — logins included — redacted.
        var middleware: [any PortalMiddleware] = [RetryMiddleware(policy: configuration.retryPolicy, sleeper: sleeper, events: configuration.eventSink, random: random), session]
        if let sink = configuration.eventSink { middleware.append(EventMiddleware(sink: sink)) }
        self.transport = MiddlewareTransport(transport, middleware: middleware)
    }

    // MARK: - Dossiers

    /// Creates (`isUpdating: false`) or updates dossiers (`DongBoHoSoMC`). A create of a dossier the
    /// portal already has throws ``PortalError/Code/alreadyExists``.
    public func syncDossiers(_ dossiers: [Dossier], isUpdating: Bool) async throws(PortalError) {
        try await call(.syncDossiers, .integration, ["isUpdating": .encoded(isUpdating ? "True" : "False"), "data": .value(dossiers)])
    }

    /// Sends progress entries (`CapNhatTienDoHoSoMC`). The portal appends them to the dossier's
    /// history, so this is not idempotent: it is never resent after a timeout or a lost reply (a
    /// caller that resends it — as ``DVCSync`` does, at least once — may make the portal show an
    /// entry twice).
    public func updateProgress(_ entries: [ProgressEntry]) async throws(PortalError) {
        try await call(.updateProgress, .integration, ["data": .value(entries)], idempotent: false)
    }

    /// Reports the status of a portal-originated dossier (`DongBoTrangThaiHoSo`, `type` `"2"`);
    /// not resent after a lost reply.
    public func syncPortalDossierStatus(_ update: PortalStatusUpdate) async throws(PortalError) {
        try await call(.syncPortalDossierStatus, .integration, ["type": .encoded("2"), "data": .value(update)], idempotent: false)
    }

    /// Whether the portal knows a dossier (`TraCuuHoSo`): a non-empty result means it does.
    public func dossierIsKnown(_ code: DossierCode) async throws(PortalError) -> Bool {
        try await lookUpDossier(code) != nil
    }

    /// The portal's record of a dossier (`TraCuuHoSo`), or `nil` when it has none: its code and,
    /// when the reply carries it, its status (`TrangThaiHoSo`).
    public func lookUpDossier(_ code: DossierCode) async throws(PortalError) -> PortalDossierRecord? {
        let rows: [PortalDossierRecord] = try await fetch(.lookUpDossier, .integration, ["mahoso": .encoded(code.rawValue)]) ?? []
        guard let first = rows.first(where: { $0.code == nil || $0.code == code.rawValue }) ?? rows.first else { return nil }
        return PortalDossierRecord(code: first.code ?? code.rawValue, statusText: first.statusText)
    }

    // MARK: - Procedures and catalogues

    /// A procedure's full record (`LayThuTuc`).
    public func procedure(_ code: ProcedureCode) async throws(PortalError) -> Procedure {
        let procedures: [Procedure] = try await fetch(.procedureDetail, .integration, ["maTTHC": .encoded(code.rawValue)]) ?? []
        guard let first = procedures.first else {
            throw PortalError(code: .invalidResponse, operation: PortalService.procedureDetail.rawValue, portalMessage: "no procedure \(code) in the result")
        }
        return first
    }

    /// Public-service configurations with their service levels (`LayDVC`).
    public func publicServices() async throws(PortalError) -> LossyList<PublicService> {
        try await fetch(.publicServices, .integration, [:]) ?? LossyList(rows: [])
    }

    /// The procedure catalogue (`LayDanhSachTTHC`). Catalogue reads are lossy: a row that does
    /// not decode is skipped and listed in ``LossyList/skipped``, so one odd row does not cost
    /// the whole catalogue.
    public func procedureCatalogue() async throws(PortalError) -> LossyList<ProcedureSummary> {
        try await fetch(.procedureCatalogue, .share, [:]) ?? LossyList(rows: [])
    }

    /// The agency catalogue (`LayDanhMucCoQuan`).
    public func agencyCatalogue() async throws(PortalError) -> LossyList<Procedure.AgencyReference> {
        try await fetch(.agencyCatalogue, .share, [:]) ?? LossyList(rows: [])
    }

    /// The field catalogue (`LayDanhMucLinhVuc`).
    public func fieldCatalogue() async throws(PortalError) -> LossyList<Procedure.Field> {
        try await fetch(.fieldCatalogue, .share, [:]) ?? LossyList(rows: [])
    }

    /// The portal account id (TechID) of a citizen or business, by personal ID, ID-card number or
    /// tax code (`TraCuuTechID`); `nil` when the portal has no account.
    public func techID(for identifier: String) async throws(PortalError) -> String? {
        struct Row: Decodable, Sendable { let TECHNICALID: String? }
        let rows: [Row] = try await fetch(.lookUpTechID, .share, ["provider": .encoded("wso2is"), "mstorcmnd": .encoded(identifier)]) ?? []
        return rows.first?.TECHNICALID.flatMap { $0.isEmpty ? nil : $0 }
    }

    // MARK: - Questions, ratings, statistics

    /// Questions sent to this unit through the portal (`LayDanhSachHoiDapGuiTuDVCQG`), or the
    /// ministry/unit's own list (`LayDanhSachHoiDapBoCoQuan`) when `fromPortal` is false.
    public func questions(fromPortal: Bool = true) async throws(PortalError) -> LossyList<Question> {
        let service = PortalService(rawValue: fromPortal ? "LayDanhSachHoiDapGuiTuDVCQG" : "LayDanhSachHoiDapBoCoQuan")
        return try await fetch(service, .integration, [:]) ?? LossyList(rows: [])
    }

    /// The answers to a question (`LayNoiDungTraLoiTheoCauHoi`): `(TRALOIID, NOIDUNGTRALOI)` pairs.
    public func answers(toQuestion id: Int64) async throws(PortalError) -> [(id: Int64, content: String)] {
        struct Row: Decodable, Sendable { let TRALOIID: Int64?; let NOIDUNGTRALOI: String? }
        let rows: [Row] = try await fetch(PortalService(rawValue: "LayNoiDungTraLoiTheoCauHoi"), .integration, ["cauhoiid": .value(id)]) ?? []
        return rows.map { ($0.TRALOIID ?? 0, $0.NOIDUNGTRALOI ?? "") }
    }

    /// Pushes the unit's questions (`DongBoHoiDap`); not resent after a lost reply (the portal may
    /// list a question twice).
    public func pushQuestions(_ questions: [QuestionPush]) async throws(PortalError) {
        try await call(PortalService(rawValue: "DongBoHoiDap"), .integration, ["data": .value(questions)], idempotent: false)
    }

    /// Pushes answers to portal questions (`DongBoKetQuaHoiDapGuiTuDVCQG`); not resent after a
    /// lost reply.
    public func pushAnswers(_ answers: [AnswerPush]) async throws(PortalError) {
        try await call(PortalService(rawValue: "DongBoKetQuaHoiDapGuiTuDVCQG"), .integration, ["data": .value(answers)], idempotent: false)
    }

    /// Pushes satisfaction summaries (`DongBoDanhGia`).
    public func pushRatings(_ summaries: [SatisfactionSummary]) async throws(PortalError) {
        try await call(.syncRatings, .integration, ["data": .value(summaries)])
    }

    /// Pushes monthly statistics (`DongBoThongKeHoSo`).
    public func pushStatistics(_ months: [MonthlyStatistics]) async throws(PortalError) {
        try await call(.syncStatistics, .integration, ["data": .value(months)])
    }

    // MARK: - Calls

    enum Endpoint { case integration, share }

    /// A body parameter: a value to encode, or a string/number already decided.
    enum Parameter {
        case value(any Encodable & Sendable)
        case encoded(String)
    }

    /// Sends a service whose reply carries no data: whatever `result` holds (`""`, `{}`, `"OK"`,
    /// as adapters answer) is ignored.
    private func call(_ service: PortalService, _ endpoint: Endpoint, _ parameters: [String: Parameter], idempotent: Bool = true) async throws(PortalError) {
        let _: AnyJSON? = try await fetch(service, endpoint, parameters, idempotent: idempotent)
    }

    /// Sends a service and decodes `result` as `T`.
    private func fetch<T: Decodable & Sendable>(_ service: PortalService, _ endpoint: Endpoint, _ parameters: [String: Parameter],
                                                idempotent: Bool = true) async throws(PortalError) -> T? {
        let operation = service.rawValue
        let body: Data
        do { body = try Self.body(service, parameters) } catch {
            throw PortalError(code: .invalidRequest, operation: operation, underlying: error)
        }
        let url = configuration.url(endpoint == .integration ? configuration.integrationPath : configuration.sharePath)
        let request = PortalRequest(url: url, headers: ["Accept": "application/json", "Content-Type": "application/json", "Charset": "utf-8"],
                                    body: body, timeout: configuration.timeout, operation: operation, isIdempotent: idempotent)
        let response: PortalResponse
        do { response = try await transport.send(request) } catch let error as PortalError {
            throw error
        } catch {
            throw PortalError(code: .transport, operation: operation, underlying: error)
        }
        guard (200...299).contains(response.status) else {
            throw PortalError(code: .httpStatus, operation: operation, httpStatus: response.status)
        }
        let reply: PortalReply<T>
        do { reply = try PortalJSON.decode(PortalReply<T>.self, from: response.body) } catch {
            throw PortalError(code: .invalidResponse, operation: operation, httpStatus: response.status, underlying: error)
        }
        guard reply.isSuccess else {
            let exists = (reply.message ?? "").lowercased().contains("đã tồn tại") || (reply.message ?? "").lowercased().contains("da ton tai")
            throw PortalError(code: exists ? .alreadyExists : .rejected, operation: operation, portalCode: reply.errorCode,
                              portalMessage: reply.message, httpStatus: response.status)
        }
        return reply.result
    }

    /// `{"service": …, parameters…}` with keys in byte order, values in canonical wire form.
    static func body(_ service: PortalService, _ parameters: [String: Parameter]) throws -> Data {
        let encoder = PortalJSON.encoder()
        var all = parameters
        all["service"] = .encoded(service.rawValue)
        var text = "{"
        for (index, key) in all.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
            if index > 0 { text += "," }
            text += String(decoding: try encoder.encode(key), as: UTF8.self) + ":"
            switch all[key] {
            case .value(let value)?: text += String(decoding: try encoder.encode(value), as: UTF8.self)
            case .encoded(let string)?: text += String(decoding: try encoder.encode(string), as: UTF8.self)
            case nil: text += "null"
            }
        }
        return Data((text + "}").utf8)
    }
}

/// Any JSON value, kept only to count or skip it.
struct AnyJSON: Decodable, Sendable {
    init(from decoder: any Decoder) throws {}
}

/// The portal's record of a dossier, as `TraCuuHoSo` answers (hồ sơ trên Cổng).
public struct PortalDossierRecord: Sendable, Hashable, Decodable {
    /// The dossier code (`MaHoSo`).
    public let code: String?
    /// The status as the portal holds it (`TrangThaiHoSo`), when the reply carries it.
    public let statusText: String?

    /// The status, when the reply carries a known one.
    public var status: DossierStatus? { statusText.flatMap { DossierStatus(wireValue: $0) } }

    /// Creates a record.
    public init(code: String?, statusText: String?) {
        self.code = code
        self.statusText = statusText
    }

    /// Reads `MaHoSo`/`TrangThaiHoSo` in any letter case, as string or number.
    public init(from decoder: any Decoder) throws {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let container = try decoder.container(keyedBy: Key.self)
        func text(_ name: String) -> String? {
            guard let key = container.allKeys.first(where: { $0.stringValue.lowercased() == name }) else { return nil }
            if let string = try? container.decode(String.self, forKey: key) { return string }
            return (try? container.decode(Int.self, forKey: key)).map(String.init)
        }
        code = text("mahoso")
        statusText = text("trangthaihoso") ?? text("trangthai")
    }
}
