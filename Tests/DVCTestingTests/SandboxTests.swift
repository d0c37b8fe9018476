import DVCClient
import DVCCore
import DVCTesting
import Foundation
import Testing

/// Sleeps for nothing, so retries against the sandbox do not slow the suite.
struct NoSleep: Sleeper {
    func sleep(for duration: Duration) async throws { try Task.checkCancellation() }
}

/// The ways to reach the sandbox: in process (reference dialect), and over HTTP in every shipped dialect.
struct Mode: Sendable, Hashable, CustomTestStringConvertible {
    let route: PortalSandbox.Route
    let dialect: PortalDialect

    static let inProcess = Mode(route: .inProcess, dialect: .reference)
    static let allCases: [Mode] = [.inProcess] + PortalDialect.shipped.map { Mode(route: .loopback, dialect: $0) }

    var testDescription: String { "\(route), \(dialect.name)" }
}

/// A sandbox and a client wired to it in one mode.
final class Harness: @unchecked Sendable {
    let sandbox: PortalSandbox
    let server: LoopbackHTTPServer?
    let transport: any Transport
    let baseURL: URL
    let dialect: PortalDialect

    init(_ mode: Mode, _ configuration: PortalSandbox.Configuration = .init()) throws {
        var configuration = configuration
        configuration.dialect = mode.dialect
        dialect = mode.dialect
        sandbox = PortalSandbox(configuration: configuration)
        let endpoint = try sandbox.endpoint(mode.route)
        server = endpoint.server
        transport = endpoint.transport
        baseURL = endpoint.adapterURL
    }

    deinit { server?.stop() }

    /// A client; the answer timeout is generous (30 s) because the exact login counts these tests
    /// pin would change if a slow answer — dozens of loopback servers under AddressSanitizer — timed
    /// out and was retried. Tests of timeouts pass their own.
    func client(unit: String = "000.00.00.H20", retry: RetryPolicy = .default, timeout: Duration = .seconds(30)) -> PortalClient {
        PortalClient(configuration: .init(adapterURL: baseURL, dialect: dialect, credentials: .init(username: "sandbox", password: "sandbox"), unitCode: unit,
                                          timeout: timeout, retryPolicy: retry),
                     transport: transport, sleeper: NoSleep())
    }

    static func dossier(_ sequence: Int, agency: String = "000.00.14.H20", status: DossierStatus = .received) throws -> Dossier {
        let padded = String(format: "%04d", sequence)
        var dossier = Dossier(code: try DossierCode("\(agency)-260302-\(padded)"), procedureCode: try ProcedureCode("1.001000"),
                              procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
                              applicantType: .citizen, summary: "Khai sinh \(sequence)", receivedAt: try PortalTimestamp("20260302083000"),
                              status: status, resultDelivery: .atOffice, processingAgencyName: "UBND xã")
        dossier.dueAt = try PortalTimestamp("20260305170000")
        return dossier
    }
}

@Suite("Portal sandbox")
struct SandboxTests {
    @Test(arguments: Mode.allCases)
    func aDossierLivesItsWholeLife(_ mode: Mode) async throws {
        let harness = try Harness(mode)
        let client = harness.client()
        var dossier = try Harness.dossier(1)
        try await client.syncDossiers([dossier], isUpdating: false)
        #expect(try await client.dossierIsKnown(dossier.code))
        dossier.status = .processing
        try await client.syncDossiers([dossier], isUpdating: true)
        try await client.updateProgress([ProgressEntry(dossierCode: dossier.code, actor: "Lê Minh", actedAt: try PortalTimestamp("20260302090000"), status: .processing)])
        let state = await harness.sandbox.stateDocument()
        let record = try #require((state["dossiers"] as? [String: Any])?[dossier.code.rawValue] as? [String: Any])
        #expect(record["creates"] as? Int == 1 && record["updates"] as? Int == 1 && record["progress"] as? Int == 1 && record["status"] as? String == "4")
        #expect(await harness.sandbox.loginCount == 1)
    }

    @Test(arguments: Mode.allCases)
    func createOfAKnownDossierAndUpdateOfAnUnknownOneAreRejected(_ mode: Mode) async throws {
        let harness = try Harness(mode)
        let client = harness.client()
        let dossier = try Harness.dossier(2)
        try await client.syncDossiers([dossier], isUpdating: false)
        do { try await client.syncDossiers([dossier], isUpdating: false); Issue.record("duplicate accepted") } catch {
            #expect(error.code == .alreadyExists)
        }
        let unknown = try Harness.dossier(3)
        do { try await client.syncDossiers([unknown], isUpdating: true); Issue.record("update of unknown accepted") } catch {
            #expect(error.code == .rejected && error.portalMessage?.contains("không tồn tại") == true)
        }
    }

    @Test(arguments: Mode.allCases)
    func invalidDataIsRejectedWithAReasonOrFlagged(_ mode: Mode) async throws {
        let outside = try Harness.dossier(4, agency: "000.00.14.H21")
        let strict = try Harness(mode)
        do { try await strict.client().syncDossiers([outside], isUpdating: false); Issue.record("accepted a dossier of another province") } catch {
            #expect(error.code == .rejected && error.portalMessage?.contains("receiving-agency.outside-unit") == true)
        }
        let lenient = try Harness(mode, .init(acceptsInvalid: true))
        try await lenient.client().syncDossiers([outside], isUpdating: false)
        let state = await lenient.sandbox.stateDocument()
        #expect((state["totals"] as? [String: Any])?["flagged"] as? Int == 1)
    }

    @Test(arguments: Mode.allCases)
    func sessionExpiryLeadsToExactlyOneRelogin(_ mode: Mode) async throws {
        var faults = SandboxFaults()
        faults.expireEvery = 2
        let harness = try Harness(mode, .init(faults: faults))
        let client = harness.client()
        try await client.pushRatings([])   // call 1: logs in
        try await client.pushRatings([])   // call 2: every session expires; one re-login; call 3 succeeds
        #expect(await harness.sandbox.loginCount == 2)
        #expect(await client.loginCount == 2)
    }

    @Test(arguments: Mode.allCases)
    func withThirtyPercentErrorsEveryCallEventuallySucceeds(_ mode: Mode) async throws {
        let harness = try Harness(mode, .init(faults: try SandboxFaults("error=0.3"), seed: 7))
        let client = harness.client(retry: .exponentialJitter(maximumAttempts: 12))
        for i in 0..<40 { try await client.syncDossiers([try Harness.dossier(100 + i)], isUpdating: false) }
        let state = await harness.sandbox.stateDocument()
        #expect((state["totals"] as? [String: Any])?["creates"] as? Int == 40)
        #expect(((state["faults"] as? [String: Int])?["error"] ?? 0) > 0)
    }

    @Test(arguments: Mode.allCases)
    func malformedAndDroppedResponsesAreTypedErrors(_ mode: Mode) async throws {
        let malformed = try Harness(mode, .init(faults: try SandboxFaults("malformed=1")))
        do { _ = try await malformed.client(retry: .none).procedureCatalogue(); Issue.record("decoded a malformed body") } catch {
            #expect(error.code == .invalidResponse)
        }
        let dropped = try Harness(mode, .init(faults: try SandboxFaults("drop=1")))
        do { _ = try await dropped.client(retry: .none).procedureCatalogue(); Issue.record("accepted a dropped connection") } catch {
            #expect(error.code == .transport)
        }
        var faults = SandboxFaults()
        faults.timeout = 1
        faults.timeoutDelay = .seconds(2)
        let late = try Harness(mode, .init(faults: faults))
        do { _ = try await late.client(retry: .none, timeout: .milliseconds(300)).procedureCatalogue(); Issue.record("no timeout") } catch {
            #expect(error.code == .transport)
        }
    }

    @Test(arguments: Mode.allCases)
    func catalogueQuestionsAndPushes(_ mode: Mode) async throws {
        let harness = try Harness(mode)
        let client = harness.client()
        let catalogue = try await client.procedureCatalogue()
        #expect(catalogue.count == 36)
        let procedure = try await client.procedure(catalogue[3].code)
        #expect(procedure.fields.count == 1 && procedure.channels.count == 3)
        #expect(try await client.publicServices().compactMap { $0.applications.first?.level }.count == 36)
        #expect(try await client.agencyCatalogue().count == 5)
        #expect(try await client.fieldCatalogue().count == 4)
        #expect(try await client.techID(for: "001087012345") == "tech-citizen-001")
        #expect(try await client.techID(for: "001099000000") == nil)
        #expect(try await client.questions().count == 2)
        try await client.pushStatistics([MonthlyStatistics(year: 2026, month: 2, unitCode: "000.00.00.H20", received: 3, carriedOver: 0,
                                                           resolvedOnTime: 2, resolvedLate: 0, pendingWithinTime: 1, pendingOverdue: 0)])
        try await client.pushRatings([SatisfactionSummary(year: 2026, month: 2, verySatisfied: 3, satisfied: 1, notSatisfied: 0, question: "q", unitCode: "000.00.00.H20")])
        let received = ((await harness.sandbox.stateDocument())["totals"] as? [String: Any])?["received"] as? [String: Int]
        #expect(received?["DongBoThongKeHoSo"] == 1 && received?["DongBoDanhGia"] == 1)
    }

    @Test(arguments: Mode.allCases)
    func paymentsAreSignedAndTamperedCallbacksRejected(_ mode: Mode) async throws {
        let harness = try Harness(mode)
        let payments = PaymentPlatformClient(configuration: .init(endpoint: harness.baseURL.appendingPathComponent("payment"), partnerCode: "SANDBOX",
                                                                  secret: "sandbox-secret", ipAddress: "127.0.0.1"),
                                             transport: harness.transport, sleeper: NoSleep())
        let received = CallbackCollector()
        harness.sandbox.onPaymentConfirmation { await received.append($0) }
        let (reply, payment) = try await payments.initiate(reference: "R-1", amount: 75_000, description: "Le phi", receipt: PaymentReceipt(service: .fees))
        #expect(reply.paymentURL?.hasSuffix("/pay/R-1") == true)
        #expect(try await payments.state(of: "R-1") == .pending)
        await harness.sandbox.completePayment(reference: "R-1")
        #expect(try await payments.state(of: "R-1") == .succeeded)
        let body = try #require(await received.bodies.first)
        let verified = try payments.verifyCallback(body, initiated: { $0 == payment.reference ? payment : nil })
        #expect(verified.amount == 75_000 && verified.isPaid)
        let tampered = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "75000", with: "7500").utf8)
        #expect(throws: PaymentCallbackError(.checksumMismatch)) { try payments.verifyCallback(tampered, initiated: { _ in payment }) }
        // A wrong secret is refused by the platform itself.
        let forger = PaymentPlatformClient(configuration: .init(endpoint: harness.baseURL.appendingPathComponent("payment"), partnerCode: "SANDBOX",
                                                                secret: "guess", ipAddress: "127.0.0.1"), transport: harness.transport)
        await #expect(throws: PortalError.self) { try await forger.initiate(reference: "R-2", amount: 1, description: "x", receipt: PaymentReceipt(service: .fees)) }
    }

    @Test(arguments: Mode.allCases)
    func singleSignOnEndToEnd(_ mode: Mode) async throws {
        let harness = try Harness(mode)
        let sso = SingleSignOn(configuration: .init(server: harness.baseURL, clientID: "sandbox-client", clientSecret: "sandbox-client-secret",
                                                    redirectURI: URL(string: "https://motcua.example.vn/callback")!, issuer: PortalSandbox.defaultIssuer), transport: harness.transport)
        let request = sso.makeAuthorizationRequest()
        let redirect = try await harness.transport.send(PortalRequest(method: .get, url: request.url, operation: "authorize"))
        #expect(redirect.status == 302)
        let location = try #require(redirect.header("Location").flatMap { URLComponents(string: $0) })
        let items = Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        let tokens = try await sso.completeLogin(code: try #require(items["code"]), state: try #require(items["state"]), request: request)
        let identity = try await sso.identity(accessToken: tokens.accessToken)
        #expect(identity.techID == "tech-citizen-001" && identity.personalID?.birthYear == 1987)
        _ = try await sso.validate(accessToken: tokens.accessToken)
        try await sso.revoke(token: tokens.accessToken)
        await #expect(throws: SingleSignOn.Failure.self) { try await sso.identity(accessToken: tokens.accessToken) }
    }

    @Test func stateDocumentPages() async throws {
        let harness = try Harness(.inProcess)
        let client = harness.client()
        try await client.syncDossiers((1...5).map { try Harness.dossier($0) }, isUpdating: false)
        let first = await harness.sandbox.stateDocument(limit: 2)
        #expect((first["dossiers"] as? [String: Any])?.count == 2)
        let next = try #require(first["next"] as? String)
        let rest = await harness.sandbox.stateDocument(after: next, limit: 10)
        #expect((rest["dossiers"] as? [String: Any])?.count == 3 && rest["next"] == nil)
        let http = try harness.sandbox.serve()
        defer { http.stop() }
        let response = try await HTTPTransport(configuration: .init(allowsInsecureLoopback: true))
            .send(PortalRequest(method: .get, url: URL(string: "\(http.baseURL.absoluteString)/_sandbox/state?limit=1")!, operation: "state"))
        let document = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect((document["dossiers"] as? [String: Any])?.count == 1 && (document["totals"] as? [String: Any])?["creates"] as? Int == 5)
    }

    @Test func faultSpecsParse() throws {
        let faults = try SandboxFaults("error=0.2,timeout=0.05,drop=0.01,expire=1000")
        #expect(faults.error == 0.2 && faults.timeout == 0.05 && faults.drop == 0.01 && faults.expireEvery == 1000)
        #expect(throws: SandboxError.self) { try SandboxFaults("error=2") }
        #expect(throws: SandboxError.self) { try SandboxFaults("nonsense=0.1") }
        #expect(throws: SandboxError.self) { try SandboxFaults("error") }
    }
}

actor CallbackCollector {
    private(set) var bodies: [Data] = []
    func append(_ body: Data) { bodies.append(body) }
}

actor InboundMemory: InboundStore {
    private(set) var accepted: [InboundMessage] = []
    private var keys: Set<String> = []
    func accept(_ message: InboundMessage) async throws -> Bool {
        guard keys.insert(message.deduplicationKey).inserted else { return false }
        accepted.append(message)
        return true
    }
}

@Suite("Portal sandbox, the rest of the client")
struct SandboxRestTests {
    @Test(arguments: Mode.allCases)
    func everyRemainingServiceMethod(_ mode: Mode) async throws {
        let harness = try Harness(mode)
        let client = harness.client()
        let at = try PortalTimestamp("20260302090000")
        try await client.syncPortalDossierStatus(PortalStatusUpdate(portalDossierID: "G22.1-7", localDossierCode: "000.00.14.H20-260302-0001",
                                                                    dossierStatus: .returned, processedAt: at))
        #expect(try await client.answers(toQuestion: 90_813).first?.content == "Không quá 15 ngày.")
        try await client.pushQuestions([QuestionPush(id: "q1", content: "Hỏi", unitCode: "000.00.00.H20")])
        try await client.pushAnswers([AnswerPush(questionID: "90812", unitCode: "000.00.00.H20", answeredBy: "Cán bộ", answeredOn: at.date, content: "Đáp")])
        let received = ((await harness.sandbox.stateDocument())["totals"] as? [String: Any])?["received"] as? [String: Int]
        #expect(received?["DongBoTrangThaiHoSo"] == 1 && received?["DongBoHoiDap"] == 1 && received?["DongBoKetQuaHoiDapGuiTuDVCQG"] == 1)
        #expect(received?["LayNoiDungTraLoiTheoCauHoi"] == 1)
        // A progress entry for a dossier the portal never received is refused.
        let unknown = try DossierCode("000.00.14.H20-260302-0999")
        do {
            try await client.updateProgress([ProgressEntry(dossierCode: unknown, actor: "A", actedAt: at, status: .processing)])
            Issue.record("progress of an unknown dossier accepted")
        } catch { #expect(error.code == .rejected) }
    }

    /// Over HTTP the whole payment loop runs through sockets: INIT, the citizen opening the
    /// payment URL, the signed callback POSTed to the one-stop system, which verifies and stores it once.
    @Test func paymentLoopOverHTTPWithDuplicateCallbacks() async throws {
        let payments = PaymentPlatformClient(configuration: .init(endpoint: URL(string: "http://127.0.0.1:1/payment")!, partnerCode: "SANDBOX",
                                                                  secret: "sandbox-secret", ipAddress: "127.0.0.1"),
                                             transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)))
        let store = InboundMemory()
        let initiated = InitiatedPayment(reference: "R-9", amount: 120_000)
        let handler = PortalInboundHandler(store: store, authenticator: InboundAuthenticators.delegatedToProxy, payments: payments) { $0 == "R-9" ? initiated : nil }
        let oneStop = try LoopbackHTTPServer { request in
            let reply = await handler.handlePaymentConfirmation(InboundRequest(body: request.body, headers: request.headers))
            return LoopbackHTTPServer.Response(status: reply.status, body: reply.body)
        }
        oneStop.start()
        defer { oneStop.stop() }
        let sandbox = PortalSandbox(configuration: .init(faults: try SandboxFaults("duplicate=1"), paymentCallbackURL: oneStop.baseURL.appendingPathComponent("callback")))
        let server = try sandbox.serve()
        defer { server.stop() }
        let client = PaymentPlatformClient(configuration: .init(endpoint: server.baseURL.appendingPathComponent("payment"), partnerCode: "SANDBOX",
                                                                secret: "sandbox-secret", ipAddress: "127.0.0.1"),
                                           transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)))
        let (reply, _) = try await client.initiate(reference: "R-9", amount: 120_000, description: "Le phi", receipt: PaymentReceipt(service: .fees))
        let url = try #require(reply.paymentURL.flatMap(URL.init(string:)))
        #expect(url.absoluteString.hasPrefix(server.baseURL.absoluteString))
        let page = try await HTTPTransport(configuration: .init(allowsInsecureLoopback: true)).send(PortalRequest(method: .get, url: url, operation: "pay"))
        #expect(page.status == 200)
        #expect(try await client.state(of: "R-9") == .succeeded)
        let accepted = await store.accepted
        #expect(accepted.count == 1, "two deliveries, stored once")
        let faults = (await sandbox.stateDocument())["faults"] as? [String: Int]
        #expect(faults?["duplicate"] == 1)
    }

    @Test func identityServiceHasCitizensAndBusinesses() async throws {
        let harness = try Harness(.inProcess)
        let sso = SingleSignOn(configuration: .init(server: harness.baseURL, clientID: "sandbox-client", clientSecret: "sandbox-client-secret",
                                                    redirectURI: URL(string: "https://motcua.example.vn/callback")!, issuer: PortalSandbox.defaultIssuer), transport: harness.transport)
        let request = sso.makeAuthorizationRequest()
        var components = try #require(URLComponents(url: request.url, resolvingAgainstBaseURL: false))
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "login_hint", value: "tech-business-001")]
        let redirect = try await harness.transport.send(PortalRequest(method: .get, url: try #require(components.url), operation: "authorize"))
        let items = Dictionary(uniqueKeysWithValues: (URLComponents(string: redirect.header("Location") ?? "")?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        let tokens = try await sso.completeLogin(code: items["code"] ?? "", state: items["state"] ?? "", request: request)
        let identity = try await sso.identity(accessToken: tokens.accessToken)
        #expect(identity.accountType == .business && identity.taxCode?.rawValue == "0100233488" && identity.businessName == "Công ty TNHH Sen Hồng")
        // A code cannot be redeemed twice.
        await #expect(throws: SingleSignOn.Failure.self) { try await sso.completeLogin(code: items["code"] ?? "", state: items["state"] ?? "", request: request) }
        // A client with the wrong secret cannot redeem a code.
        let impostor = SingleSignOn(configuration: .init(server: harness.baseURL, clientID: "sandbox-client", clientSecret: "guess",
                                                         redirectURI: URL(string: "https://motcua.example.vn/callback")!, issuer: PortalSandbox.defaultIssuer),
                                    transport: harness.transport)
        let second = impostor.makeAuthorizationRequest()
        let again = try await harness.transport.send(PortalRequest(method: .get, url: second.url, operation: "authorize"))
        let code = (URLComponents(string: again.header("Location") ?? "")?.queryItems ?? []).first { $0.name == "code" }?.value ?? ""
        do { _ = try await impostor.completeLogin(code: code, state: second.state, request: second); Issue.record("a wrong client secret was accepted") } catch {
            #expect(error.reason == .rejected && error.detail.contains("401"))
        }
    }
}
