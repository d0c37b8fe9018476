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

        /// Creates a configuration; the paths default to the sandbox's (`/auth`, `/api/integration`, `/api/share`).
        public init(adapterURL: URL, authPath: String = "/auth", integrationPath: String = "/api/integration", sharePath: String = "/api/share",
                    credentials: Credentials, unitCode: String, dstcode: String? = nil, timeout: Duration = .seconds(6),
                    retryPolicy: RetryPolicy = .default, eventSink: (any PortalEventSink)? = nil, sessionLifetime: Duration = .seconds(600)) {
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
        }

        func url(_ path: String) -> URL {
            URL(string: adapterURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + path.trimmingCharacters(in: CharacterSet(charactersIn: "/")))
                ?? adapterURL
        }
    }

    /// The configuration.
    public let configuration: Configuration
    /// The session middleware (exposed for its ``SessionMiddleware/loginCount``).
    public let session: SessionMiddleware
    private let transport: any Transport

    /// Creates a client sending through `transport`; `sleeper`, `now` and `random` are injectable for tests.
    public init(configuration: Configuration, transport: any Transport, sleeper: any Sleeper = TaskSleeper(),
                now: @escaping @Sendable () -> Date = { Date() }, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.configuration = configuration
        let session = SessionMiddleware(loginURL: configuration.url(configuration.authPath), credentials: configuration.credentials,
                                        unitCode: configuration.unitCode, dstcode: configuration.dstcode,
                                        lifetime: configuration.sessionLifetime, now: now, events: configuration.eventSink)
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

    /// Sends progress entries (`CapNhatTienDoHoSoMC`).
    public func updateProgress(_ entries: [ProgressEntry]) async throws(PortalError) {
        try await call(.updateProgress, .integration, ["data": .value(entries)])
    }

    /// Reports the status of a portal-originated dossier (`DongBoTrangThaiHoSo`, `type` `"2"`).
    public func syncPortalDossierStatus(_ update: PortalStatusUpdate) async throws(PortalError) {
        try await call(.syncPortalDossierStatus, .integration, ["type": .encoded("2"), "data": .value(update)])
    }

    /// Whether the portal knows a dossier (`TraCuuHoSo`): a non-empty result means it does.
    public func dossierIsKnown(_ code: DossierCode) async throws(PortalError) -> Bool {
        let rows: [AnyJSON] = try await fetch(.lookUpDossier, .integration, ["mahoso": .encoded(code.rawValue)]) ?? []
        return !rows.isEmpty
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
    public func publicServices() async throws(PortalError) -> [PublicService] {
        try await fetch(.publicServices, .integration, [:]) ?? []
    }

    /// The procedure catalogue (`LayDanhSachTTHC`).
    public func procedureCatalogue() async throws(PortalError) -> [ProcedureSummary] {
        try await fetch(.procedureCatalogue, .share, [:]) ?? []
    }

    /// The agency catalogue (`LayDanhMucCoQuan`).
    public func agencyCatalogue() async throws(PortalError) -> [Procedure.AgencyReference] {
        try await fetch(.agencyCatalogue, .share, [:]) ?? []
    }

    /// The field catalogue (`LayDanhMucLinhVuc`).
    public func fieldCatalogue() async throws(PortalError) -> [Procedure.Field] {
        try await fetch(.fieldCatalogue, .share, [:]) ?? []
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
    public func questions(fromPortal: Bool = true) async throws(PortalError) -> [Question] {
        let service = PortalService(rawValue: fromPortal ? "LayDanhSachHoiDapGuiTuDVCQG" : "LayDanhSachHoiDapBoCoQuan")
        return try await fetch(service, .integration, [:]) ?? []
    }

    /// The answers to a question (`LayNoiDungTraLoiTheoCauHoi`): `(TRALOIID, NOIDUNGTRALOI)` pairs.
    public func answers(toQuestion id: Int64) async throws(PortalError) -> [(id: Int64, content: String)] {
        struct Row: Decodable, Sendable { let TRALOIID: Int64?; let NOIDUNGTRALOI: String? }
        let rows: [Row] = try await fetch(PortalService(rawValue: "LayNoiDungTraLoiTheoCauHoi"), .integration, ["cauhoiid": .value(id)]) ?? []
        return rows.map { ($0.TRALOIID ?? 0, $0.NOIDUNGTRALOI ?? "") }
    }

    /// Pushes the unit's questions (`DongBoHoiDap`).
    public func pushQuestions(_ questions: [QuestionPush]) async throws(PortalError) {
        try await call(PortalService(rawValue: "DongBoHoiDap"), .integration, ["data": .value(questions)])
    }

    /// Pushes answers to portal questions (`DongBoKetQuaHoiDapGuiTuDVCQG`).
    public func pushAnswers(_ answers: [AnswerPush]) async throws(PortalError) {
        try await call(PortalService(rawValue: "DongBoKetQuaHoiDapGuiTuDVCQG"), .integration, ["data": .value(answers)])
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

    /// Sends a service whose reply carries no data.
    private func call(_ service: PortalService, _ endpoint: Endpoint, _ parameters: [String: Parameter]) async throws(PortalError) {
        let _: [AnyJSON]? = try await fetch(service, endpoint, parameters)
    }

    /// Sends a service and decodes `result` as `T`.
    private func fetch<T: Decodable & Sendable>(_ service: PortalService, _ endpoint: Endpoint, _ parameters: [String: Parameter]) async throws(PortalError) -> T? {
        let operation = service.rawValue
        let body: Data
        do { body = try Self.body(service, parameters) } catch {
            throw PortalError(code: .invalidRequest, operation: operation, underlying: error)
        }
        let url = configuration.url(endpoint == .integration ? configuration.integrationPath : configuration.sharePath)
        let request = PortalRequest(url: url, headers: ["Accept": "application/json", "Content-Type": "application/json", "Charset": "utf-8"],
                                    body: body, timeout: configuration.timeout, operation: operation)
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
