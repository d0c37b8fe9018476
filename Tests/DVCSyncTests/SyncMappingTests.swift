import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

@Suite("Sync engine, code mapping")
struct SyncMappingTests {
    /// Codes are mapped before the engine validates and stores them: what reaches the portal is national.
    @Test func enqueuedDossiersAreMappedBeforeTheyAreValidatedAndSent() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let sent = Sent()
        let client = portal.client { request in
            if request.operation == PortalService.syncDossiers.rawValue { sent.append(String(decoding: request.body, as: UTF8.self)) }
            return nil
        }
        let mapping = try CodeMapping([.procedure: ["1.001000.000.00.00.H20": "1.001000"], .status: ["2": "4"]])
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal), configuration: .init(codeMapping: mapping))
        var dossier = try Fixtures.dossier(1)
        dossier.procedureCode = try ProcedureCode("1.001000.000.00.00.H20")
        try await engine.enqueue(dossier)
        #expect(await engine.sync().acknowledged == 1)
        let body = try #require(sent.all.first)
        #expect(body.contains(#""MaTTHC":"1.001000""#) && body.contains(#""TrangThaiHoSo":"4""#), "\(body)")
        #expect(await portal.record(dossier.code.rawValue)?.status == .processing)
    }
}

/// Request bodies seen, shared with a transport closure.
final class Sent: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [String] = []
    func append(_ body: String) { lock.withLock { bodies.append(body) } }
    var all: [String] { lock.withLock { bodies } }
}
