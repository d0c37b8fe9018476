import DVCClient
import DVCCore
import DVCTesting
import Foundation
import Testing

/// A scripted portal: logins answer sessions `S1`, `S2`, …; service calls answer `reply(service)`.
final class ScriptedPortal: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions = 0
    var reply: @Sendable (String, [String: Any]) -> (Int, [String: String], String) = { _, _ in (200, [:], #"{"error_code":"0","message":"","result":[]}"#) }

    var logins: Int { lock.withLock { sessions } }

    func handle(_ request: PortalRequest) -> PortalResponse {
        let object = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        if request.operation == "login" || request.url.path.hasSuffix("/auth") {
            let number = lock.withLock { () -> Int in sessions += 1; return sessions }
            return PortalResponse(status: 200, body: Data(#"{"session":"S\#(number)","error_code":0}"#.utf8))
        }
        let (status, headers, body) = reply(object["service"] as? String ?? "", object)
        return PortalResponse(status: status, headers: headers, body: Data(body.utf8))
    }
}

/// Records sleeps instead of sleeping.
final class RecordingSleeper: Sleeper, @unchecked Sendable {
    private let lock = NSLock()
    private var slept: [Duration] = []
    var delays: [Duration] { lock.withLock { slept } }
    func sleep(for duration: Duration) async throws { lock.withLock { slept.append(duration) } }
}

/// A sleeper that really waits (until cancelled) and says when it first starts to.
final class WaitingSleeper: Sleeper, @unchecked Sendable {
    private let lock = NSLock()
    private var started = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func sleep(for duration: Duration) async throws {
        let resume = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            started = true
            defer { waiters = [] }
            return waiters
        }
        resume.forEach { $0.resume() }
        try await Task.sleep(for: .seconds(3_600))
    }

    /// Returns once a sleep has begun.
    func firstSleep() async {
        await withCheckedContinuation { continuation in
            let now = lock.withLock { () -> Bool in
                if started { return true }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// Collects events.
final class CollectingSink: PortalEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [PortalEvent] = []
    var events: [PortalEvent] { lock.withLock { collected } }
    func record(_ event: PortalEvent) { lock.withLock { collected.append(event) } }
}

@Suite("PortalClient")
struct PortalClientTests {
    let portal = ScriptedPortal()
    let sleeper = RecordingSleeper()

    func client(_ transport: InMemoryTransport, sink: (any PortalEventSink)? = nil, retry: RetryPolicy = .default) -> PortalClient {
        PortalClient(configuration: .init(adapterURL: URL(string: "https://lgsp.example.vn/adapter")!,
                                          credentials: .init(username: "motcua", password: "pa55-secret"), unitCode: "000.00.00.H20",
                                          dstcode: "DST-20", retryPolicy: retry, eventSink: sink),
                     transport: transport, sleeper: sleeper, random: { 0.5 })
    }

    func transport() -> InMemoryTransport {
        let portal = self.portal
        return InMemoryTransport { portal.handle($0) }
    }

    static func dossier() throws -> Dossier {
        var dossier = Dossier(code: try DossierCode("000.00.14.H20-200703-0002"), procedureCode: try ProcedureCode("1.001193"),
                              procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
                              applicantType: .citizen, summary: "Khai sinh", receivedAt: try PortalTimestamp("20200703083015"),
                              status: .received, resultDelivery: .atOffice, processingAgencyName: "UBND xã Mỹ Hiệp")
        dossier.ownerIdentifiers = [OwnerIdentifier(kind: .personalID, number: "001087012345")]
        return dossier
    }

    private func body(_ request: PortalRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
    }

    @Test func dossierSyncSendsTheEnvelopeKeyByKey() async throws {
        let transport = transport()
        let client = client(transport)
        try await client.syncDossiers([try Self.dossier()], isUpdating: false)
        let requests = await transport.requests
        #expect(requests.count == 2)
        let login = requests[0]
        #expect(login.url.absoluteString == "https://lgsp.example.vn/adapter/auth")
        #expect(try body(login) as? [String: String] == ["username": "motcua", "password": "pa55-secret"])
        #expect(login.header("dstcode") == "DST-20")
        let sync = requests[1]
        #expect(sync.url.absoluteString == "https://lgsp.example.vn/adapter/api/integration")
        #expect(sync.header("dstcode") == "DST-20" && sync.header("Content-Type") == "application/json")
        let object = try body(sync)
        #expect(Set(object.keys) == ["session", "madonvi", "service", "isUpdating", "data"])
        #expect(object["session"] as? String == "S1")
        #expect(object["madonvi"] as? String == "000.00.00.H20")
        #expect(object["service"] as? String == "DongBoHoSoMC")
        #expect(object["isUpdating"] as? String == "False")
        let data = try #require(object["data"] as? [[String: Any]])
        #expect(data.first?["MaHoSo"] as? String == "000.00.14.H20-200703-0002")
        #expect(data.first?["NgayHenTra"] as? String == "")
        #expect(String(decoding: sync.body, as: UTF8.self).hasPrefix(#"{"session":"S1","madonvi":"000.00.00.H20","data":"#))
    }

    @Test func everyServiceSendsItsNameAndParameters() async throws {
        portal.reply = { service, _ in
            switch service {
            case "LayThuTuc": (200, [:], #"{"error_code":0,"result":[{"MATTHC":"1.001193","TENTTHC":"Khai sinh"}]}"#)
            case "LayDVC": (200, [:], #"{"error_code":"00","result":{"data":[{"MADVC":"1.001193.H20.01","MATTHC":"1.001193","APDUNGDVC":[{"MACOQUANTHUCHIEN":"H20","MUCDO":4}]}]}}"#)
            case "LayDanhSachTTHC": (200, [:], #"{"error_code":0,"result":[{"MATTHC":"1.001193","TENTTHC":"Khai sinh"}]}"#)
            case "LayDanhMucCoQuan": (200, [:], #"{"error_code":0,"result":[{"MADONVI":"000.00.00.H20","TENDONVI":"UBND","CAPDONVI":1}]}"#)
            case "LayDanhMucLinhVuc": (200, [:], #"{"error_code":0,"result":[{"MALINHVUC":"G15-HT01","TENLINHVUC":"Hộ tịch","MANGANH":"G15"}]}"#)
            case "TraCuuTechID": (200, [:], #"{"error_code":0,"result":[{"TECHNICALID":"tech-1"}]}"#)
            case "TraCuuHoSo": (200, [:], #"{"error_code":0,"result":[{"MaHoSo":"x"}]}"#)
            case "LayDanhSachHoiDapGuiTuDVCQG", "LayDanhSachHoiDapBoCoQuan": (200, [:], #"{"error_code":0,"result":[{"HOIDAPID":7,"NOIDUNG":"Hỏi"}]}"#)
            case "LayNoiDungTraLoiTheoCauHoi": (200, [:], #"{"error_code":0,"result":[{"TRALOIID":9,"NOIDUNGTRALOI":"Đáp"}]}"#)
            default: (200, [:], #"{"error_code":"0"}"#)
            }
        }
        let transport = transport()
        let client = client(transport)
        let code = try DossierCode("000.00.14.H20-200703-0002")
        let at = try PortalTimestamp("20200703083015")
        try await client.updateProgress([ProgressEntry(dossierCode: code, actor: "Lê Minh", actedAt: at, status: .processing)])
        try await client.syncPortalDossierStatus(PortalStatusUpdate(portalDossierID: "P1", localDossierCode: code.rawValue, dossierStatus: .returned, processedAt: at))
        #expect(try await client.dossierIsKnown(code))
        #expect(try await client.procedure(try ProcedureCode("1.001193")).name == "Khai sinh")
        #expect(try await client.publicServices().first?.applications.first?.level == .level4)
        #expect(try await client.procedureCatalogue().count == 1)
        #expect(try await client.agencyCatalogue().first?.level == 1)
        #expect(try await client.fieldCatalogue().first?.sector == "G15")
        #expect(try await client.techID(for: "001087012345") == "tech-1")
        #expect(try await client.questions().first?.id == 7)
        #expect(try await client.questions(fromPortal: false).count == 1)
        #expect(try await client.answers(toQuestion: 7).first?.content == "Đáp")
        try await client.pushQuestions([QuestionPush(id: "q1", content: "Hỏi", unitCode: "000.00.00.H20")])
        try await client.pushAnswers([AnswerPush(questionID: "7", unitCode: "000.00.00.H20", answeredBy: "A", answeredOn: at.date, content: "Đáp")])
        try await client.pushRatings([SatisfactionSummary(year: 2020, month: 7, verySatisfied: 1, satisfied: 1, notSatisfied: 0, question: "q", unitCode: "000.00.00.H20")])
        try await client.pushStatistics([MonthlyStatistics(year: 2020, month: 7, unitCode: "000.00.00.H20", received: 1, carriedOver: 0,
                                                           resolvedOnTime: 1, resolvedLate: 0, pendingWithinTime: 0, pendingOverdue: 0)])

        let sent = try await transport.requests.dropFirst().map { try body($0) }
        let expected: [(String, [String: String])] = [
            ("CapNhatTienDoHoSoMC", [:]), ("DongBoTrangThaiHoSo", ["type": "2"]), ("TraCuuHoSo", ["mahoso": code.rawValue]),
            ("LayThuTuc", ["maTTHC": "1.001193"]), ("LayDVC", [:]), ("LayDanhSachTTHC", [:]), ("LayDanhMucCoQuan", [:]),
            ("LayDanhMucLinhVuc", [:]), ("TraCuuTechID", ["provider": "wso2is", "mstorcmnd": "001087012345"]),
            ("LayDanhSachHoiDapGuiTuDVCQG", [:]), ("LayDanhSachHoiDapBoCoQuan", [:]), ("LayNoiDungTraLoiTheoCauHoi", [:]),
            ("DongBoHoiDap", [:]), ("DongBoKetQuaHoiDapGuiTuDVCQG", [:]), ("DongBoDanhGia", [:]), ("DongBoThongKeHoSo", [:]),
        ]
        #expect(sent.count == expected.count)
        for (object, (service, parameters)) in zip(sent, expected) {
            #expect(object["service"] as? String == service)
            #expect(object["session"] as? String == "S1" && object["madonvi"] as? String == "000.00.00.H20", "\(service)")
            for (key, value) in parameters { #expect(object[key] as? String == value, "\(service).\(key)") }
        }
        #expect(sent[11]["cauhoiid"] as? Int == 7)
        #expect((sent[0]["data"] as? [[String: Any]])?.first?["TrangThai"] as? String == "4")
        #expect((sent[1]["data"] as? [String: Any])?["TrangThai"] as? String == "2")
        let shared = await transport.requests.filter { $0.url.path.hasSuffix("/api/share") }.count
        #expect(shared == 4)
        #expect(portal.logins == 1)
    }

    @Test func duplicateCreateIsAlreadyExists() async throws {
        portal.reply = { _, _ in (200, [:], #"{"error_code":"-3","message":"Hồ sơ 000.00.14.H20-200703-0002 đã tồn tại"}"#) }
        let client = client(transport())
        let dossier = try Self.dossier()
        do {
            try await client.syncDossiers([dossier], isUpdating: false)
            Issue.record("accepted a duplicate")
        } catch {
            #expect(error.code == .alreadyExists)
            #expect(error.portalCode == "-3")
            #expect(error.operation == "DongBoHoSoMC")
            #expect(error.description.contains("isUpdating = true"))
        }
        #expect(sleeper.delays.isEmpty, "a portal-level rejection is never retried")
    }

    @Test func rejectionsAndBadResponsesAreTypedErrors() async throws {
        portal.reply = { _, _ in (200, [:], #"{"error_code":-1,"message":"Dữ liệu không hợp lệ"}"#) }
        await #expect(throws: PortalError.self) { try await client(transport()).pushRatings([]) }
        portal.reply = { _, _ in (200, [:], "<html>gateway</html>") }
        do { try await client(transport()).pushRatings([]); Issue.record("an HTML page was taken for a reply") } catch {
            #expect(error.code == .invalidResponse)
        }
        portal.reply = { _, _ in (400, [:], "") }
        do { try await client(transport()).pushRatings([]); Issue.record("HTTP 400 was taken for success") } catch {
            #expect(error.code == .httpStatus && error.httpStatus == 400)
        }
        #expect(sleeper.delays.isEmpty)
    }

    @Test func oneLoginForAHundredConcurrentCalls() async throws {
        let slowPortal = portal
        let transport = InMemoryTransport { request in
            if request.operation == "login" { try await Task.sleep(for: .milliseconds(50)) }
            return slowPortal.handle(request)
        }
        let client = client(transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { try await client.pushRatings([]) } }
            try await group.waitForAll()
        }
        #expect(portal.logins == 1)
        #expect(await client.loginCount == 1)
        #expect(await transport.requests.filter { $0.operation != "login" }.count == 100)
    }

    @Test func anExpiredSessionLeadsToExactlyOneRelogin() async throws {
        portal.reply = { _, body in
            body["session"] as? String == "S1"
                ? (200, [:], #"{"error_code":"-2","message":"Phiên làm việc đã hết hạn"}"#)
                : (200, [:], #"{"error_code":"0"}"#)
        }
        let client = client(transport())
        try await client.pushRatings([])      // logs in (S1), is told it expired, logs in again (S2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { try await client.pushRatings([]) } }
            try await group.waitForAll()
        }
        #expect(portal.logins == 2)
    }

    @Test func retriesFollowThePolicyWithoutRealSleeps() async throws {
        let attempts = Counter()
        portal.reply = { _, _ in
            switch attempts.next() {
            case 1: (503, ["Retry-After": "3"], "")
            case 2, 3: (500, [:], "")
            default: (200, [:], #"{"error_code":0}"#)
            }
        }
        try await client(transport()).pushRatings([])
        // Retry-After: 3 s wins over the jittered 0.25 s; then 0.5 s and 1 s (random fixed at 0.5).
        #expect(sleeper.delays == [.seconds(3), .milliseconds(500), .seconds(1)])
        #expect(attempts.value == 4)
    }

    @Test func retriesStopAtTheLimitAndCancellationStopsThem() async throws {
        portal.reply = { _, _ in (503, [:], "") }
        do { try await client(transport(), retry: .exponentialJitter(maximumAttempts: 3)).pushRatings([]); Issue.record("503 taken for success") } catch {
            #expect(error.code == .httpStatus && error.httpStatus == 503)
        }
        #expect(sleeper.delays.count == 2)
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: Date(timeIntervalSince1970: 1_445_412_470)) == .seconds(10))
    }

    static let retryAfterValues: [(String, Duration?)] = [
        ("120", .seconds(120)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", .seconds(10)),          // IMF-fixdate
        ("Wednesday, 21-Oct-15 07:28:00 GMT", .seconds(10)),      // RFC 850
        ("Wed Oct 21 07:28:00 2015", .seconds(10)),               // asctime
        ("Wed Oct  21 07:27:00 2015", .zero),                     // in the past: no wait
        ("Wed, 21 Oct 2015 07:28:00 CET", nil),
        ("Wed, 31 Feb 2015 07:28:00 GMT", nil),
        ("Wed, 21 Oct 99999999999 07:28:00 GMT", nil),
        ("soon", nil), ("-5", nil), ("", nil),
        ("99999999999999999999999", .seconds(Int.max)),
    ]

    @Test(arguments: retryAfterValues)
    func retryAfterReadsEveryHTTPDateForm(_ value: String, _ expected: Duration?) {
        #expect(RetryPolicy.retryAfter(value, now: Date(timeIntervalSince1970: 1_445_412_470)) == expected)
    }

    /// A server asking for a longer wait than the policy allows is not retried early.
    @Test func aRetryAfterBeyondThePolicyEndsTheCall() async throws {
        let attempts = Counter()
        portal.reply = { _, _ in
            _ = attempts.next()
            return (429, ["Retry-After": "3600"], "")
        }
        do { try await client(transport()).pushRatings([]); Issue.record("429 taken for success") } catch {
            #expect(error.code == .httpStatus && error.httpStatus == 429)
        }
        #expect(attempts.value == 1 && sleeper.delays.isEmpty)
    }

    /// Cancelled while it waits to retry, a call stops there: one attempt, no more.
    @Test func cancellationDuringTheRetryWaitStopsTheCall() async throws {
        portal.reply = { _, _ in (503, [:], "") }
        let waiting = WaitingSleeper()
        let transport = transport()
        let client = PortalClient(configuration: .init(adapterURL: URL(string: "https://lgsp.example.vn/adapter")!,
                                                       credentials: .init(username: "motcua", password: "pa55-secret"), unitCode: "000.00.00.H20",
                                                       retryPolicy: .exponentialJitter(maximumAttempts: 100)),
                                  transport: transport, sleeper: waiting)
        let task = Task { try await client.pushRatings([]) }
        await waiting.firstSleep()
        task.cancel()
        do { try await task.value; Issue.record("a cancelled call succeeded") } catch {
            #expect(error is CancellationError || (error as? PortalError)?.underlying is CancellationError, "\(error)")
        }
        let sent = await transport.requests.filter { $0.operation == "DongBoDanhGia" }
        #expect(sent.count == 1, "no attempt after the cancellation")
    }

    /// `.none` sends once: a 503 is returned as it came, without a wait.
    @Test func noRetryPolicySendsOnce() async throws {
        portal.reply = { _, _ in (503, [:], "") }
        let transport = transport()
        do { try await client(transport, retry: .none).pushRatings([]); Issue.record("503 taken for success") } catch {
            #expect(error.code == .httpStatus)
        }
        #expect(await transport.requests.filter { $0.operation == "DongBoDanhGia" }.count == 1 && sleeper.delays.isEmpty)
    }

    @Test func eventsNeverCarrySecretsOrFullCitizenIDs() async throws {
        portal.reply = { service, _ in
            service == "TraCuuTechID" ? (200, [:], #"{"error_code":0,"result":[{"TECHNICALID":"t","mstorcmnd":"001087012345"}]}"#)
                                      : (500, [:], "")
        }
        let sink = CollectingSink()
        let client = client(transport(), sink: sink, retry: .exponentialJitter(maximumAttempts: 2))
        _ = try? await client.techID(for: "001087012345")
        _ = try? await client.syncDossiers([try Self.dossier()], isUpdating: false)
        let events = sink.events
        #expect(events.contains { $0.kind == .request } && events.contains { $0.kind == .response } && events.contains { $0.kind == .retry })
        let text = events.map { "\($0.description) \($0.metadata)" }.joined(separator: "\n")
        for secret in ["pa55-secret", "\"S1\"", "S1\"", "001087012345"] { #expect(!text.contains(secret), "\(secret) leaked") }
        #expect(text.contains("001*******45"))
        #expect(text.contains("<redacted>"))
        #expect(!PortalClient.Credentials(username: "u", password: "pa55-secret").description.contains("pa55"))
    }
}

/// A thread-safe counter for scripted replies.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func next() -> Int { lock.withLock { count += 1; return count } }
}
