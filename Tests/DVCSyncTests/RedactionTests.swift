import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

/// Personal data and secrets must not leave the library in anything a developer prints or logs:
/// events, error and dead-letter descriptions, reports, request and response descriptions. One
/// test drives every path — success, retry, refusal, dead letter — with a dossier full of personal
/// data and a portal that echoes some of it back, and searches everything that came out.
@Suite("Redaction across every path")
struct RedactionTests {
    static let citizenID = "001087012345"
    static let phone = "0912345678"
    static let password = "pa55-s3cret-XYZ"

    static func personalDossier(_ number: Int) throws -> Dossier {
        var dossier = try Fixtures.dossier(number)
        dossier.summary = "Cấp lại CCCD \(citizenID) cho bà Trần Thị Hoa"
        dossier.ownerName = "Trần Thị Hoa"
        dossier.ownerDocumentNumber = citizenID
        dossier.phone = phone
        dossier.email = "hoa.tran@example.vn"
        dossier.note = "Liên hệ \(phone)"
        return dossier
    }

    @Test func nothingPrintedOrLoggedCarriesSecretsOrFullIdentifiers() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let sandbox = PortalSandbox(configuration: .init(accounts: ["sandbox": Self.password]))
        let endpoint = try sandbox.endpoint(.inProcess)
        defer { endpoint.stop() }
        let events = EventLog()
        let calls = CallCounter()
        let recorder = InMemoryTransport { request in
            // Dossier 3 is refused with a message that quotes the citizen; the first call of all fails once.
            if calls.next() == 2 { return PortalResponse(status: 503) }
            if request.operation == "DongBoHoSoMC", String(decoding: request.body, as: UTF8.self).contains("260302-0003") {
                return PortalResponse(status: 200, body: Data(#"{"error_code":-1,"message":"Hồ sơ của công dân \#(Self.citizenID), SĐT \#(Self.phone) bị từ chối"}"#.utf8))
            }
            return try await endpoint.transport.send(request)
        }
        let client = PortalClient(configuration: .init(adapterURL: endpoint.adapterURL, credentials: .init(username: "sandbox", password: Self.password),
                                                       unitCode: "000.00.00.H20", retryPolicy: .exponentialJitter(maximumAttempts: 3, base: .milliseconds(1), cap: .milliseconds(1)),
                                                       eventSink: events),
                                  transport: recorder, sleeper: Immediate())
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal), configuration: .init(dossierBatchSize: 1, concurrency: 1, eventSink: events))
        for n in 1...5 { try await engine.enqueue(try Self.personalDossier(n)) }
        let round = await engine.sync()
        #expect(round.deadLettered == 1 && round.acknowledged == 4)

        let requests = await recorder.requests
        let session = requests.compactMap { $0.header("session") ?? ((try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any])?["session"] as? String }.first
        var printed: [String] = events.events.map { "\($0.description) \($0.metadata)" }
        printed += try await engine.deadLetters.map { "\($0.reason) \($0.reason.message)" }
        printed += ["\(try await engine.report())", "\(try await engine.status())", "\(round)"]
        printed += requests.map { "\($0) \(String(reflecting: $0))" }
        var dumped = ""
        dump(requests.first, to: &dumped)
        printed.append(dumped)
        printed.append("\(HTTPTransport.Failure(reason: .timedOut, url: "https://u:\(Self.password)@portal.example.vn/x?token=abc&cccd=\(Self.citizenID)"))")
        let everything = printed.joined(separator: "\n")

        #expect(everything.contains("001*******45") && everything.contains("091*****78"), "identifiers are masked, not dropped")
        #expect(session != nil && everything.contains("<redacted>"), "the session was sent, and shown only as redacted")
        var secrets = [Self.citizenID, Self.phone, Self.password, "hoa.tran@example.vn", "token=abc"]
        if let session { secrets.append(session) }
        for secret in secrets { #expect(!everything.contains(secret), "\(secret) leaked") }
        #expect(events.events.contains { $0.kind == .retry } && events.count(.deadLettered) == 1, "the failure paths were taken")
    }

    @Test(arguments: [
        (#"{"TrichYeuHoSo":"Cấp lại CCCD 001087012345"}"#, "001087012345"),
        (#"{"HoChieu":"C1234567"}"#, "C1234567"),
        (#"{"MaSoThue":"8012345678"}"#, "8012345678"),
        (#"{"x":{"api_key":"k-123"}}"#, "k-123"),
        (#"{"X-API-Key":"k-123"}"#, "k-123"),
        (#"{"Email":"a.b@example.vn"}"#, "a.b@example.vn"),
        (#"{"list":["so 012345678 cu"]}"#, "012345678"),
    ])
    func bodiesMaskEveryKnownKeyAndDigitRunsInText(body: String, leaked: String) {
        #expect(!Redaction.body(Data(body.utf8)).contains(leaked))
    }

    @Test func formBodiesAndHeadersToo() {
        let form = Redaction.body(Data("grant_type=authorization_code&code=abc123&client_secret=s&pwd=p".utf8))
        #expect(!form.contains("abc123") && !form.contains("=s&") && !form.hasSuffix("=p"))
        let headers = Redaction.headers(["Proxy-Authorization": "Basic xyz", "X-API-Key": "k", "Accept": "*/*"])
        #expect(!headers.contains("xyz") && !headers.contains(": k;") && headers.contains("*/*"))
    }
}

/// Counts calls across tasks.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
}
