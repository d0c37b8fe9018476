import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

/// Retries without waiting, so fault-injection tests stay fast.
struct Immediate: Sleeper {
    func sleep(for duration: Duration) async throws { try Task.checkCancellation() }
}

/// A fresh journal path in a directory of its own, removed by `cleanUp()`.
struct Scratch {
    let directory: URL
    var journal: URL { directory.appendingPathComponent("outbox.jsonl") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvcsync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// How a test reaches the sandbox: in process (reference dialect), or over loopback HTTP in each
/// shipped dialect.
struct Route: Sendable, Hashable, CustomTestStringConvertible {
    let way: PortalSandbox.Route
    let dialect: PortalDialect

    static let inProcess = Route(way: .inProcess, dialect: .reference)
    static let loopback = Route(way: .loopback, dialect: .reference)
    /// In process, then over loopback HTTP in every shipped dialect.
    static let allCases: [Route] = [.inProcess] + PortalDialect.shipped.map { Route(way: .loopback, dialect: $0) }

    var testDescription: String { "\(way), \(dialect.name)" }
}

/// A sandbox reached by one route, and clients for it.
final class Portal: @unchecked Sendable {
    let sandbox: PortalSandbox
    let endpoint: PortalSandbox.Endpoint
    let dialect: PortalDialect
    private var transport: any Transport { endpoint.transport }
    private var url: URL { endpoint.adapterURL }

    init(_ route: Route = .inProcess, faults: String = "", seed: UInt64 = 1, latency: Duration? = nil, timeoutDelay: Duration? = nil,
         strictTransitions: Bool = false) throws {
        var faults = try SandboxFaults(faults)
        if let timeoutDelay { faults.timeoutDelay = timeoutDelay }
        sandbox = PortalSandbox(configuration: .init(faults: faults, seed: seed, latency: latency,
                                                     statusTransitionSeverity: strictTransitions ? .error : .warning, dialect: route.dialect))
        endpoint = try sandbox.endpoint(route.way)
        dialect = route.dialect
    }

    deinit { endpoint.stop() }

    /// A client whose requests pass through `filter` first: it may answer instead of the sandbox.
    func client(attempts: Int = 6, timeout: Duration = .seconds(6), filter: @escaping @Sendable (PortalRequest) -> PortalResponse?) -> PortalClient {
        let sandbox = transport
        return client(attempts: attempts, timeout: timeout, through: InMemoryTransport { request in
            if let answer = filter(request) { return answer }
            return try await sandbox.send(request)
        })
    }

    func client(attempts: Int = 6, timeout: Duration = .seconds(6), through custom: (any Transport)? = nil) -> PortalClient {
        PortalClient(configuration: .init(adapterURL: url, dialect: dialect, credentials: .init(username: "sandbox", password: "sandbox"), unitCode: "000.00.00.H20",
                                          timeout: timeout, retryPolicy: .exponentialJitter(maximumAttempts: attempts, base: .milliseconds(1), cap: .milliseconds(1))),
                     transport: custom ?? transport, sleeper: Immediate())
    }

    /// The sandbox's view of one dossier.
    func record(_ code: String) async -> SandboxDossierRecord? { await sandbox.dossierRecords()[code] }

    func totals() async -> [String: Int] {
        ((await sandbox.stateDocument())["totals"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
    }
}

/// `FileOutbox` as a conformance subject: each check gets a journal in a directory of its own.
final class FileOutboxSubject: OutboxConformanceSubject, @unchecked Sendable {
    private let lock = NSLock()
    private var scratches: [Scratch] = []

    func make() async throws -> any Outbox {
        let scratch = try Scratch()
        lock.withLock { scratches.append(scratch) }
        return try FileOutbox(url: scratch.journal)
    }

    func reopen(_ outbox: any Outbox) async throws -> any Outbox {
        guard let file = outbox as? FileOutbox else { throw OutboxError(.invalidRequest, "not a FileOutbox") }
        await file.close()
        return try FileOutbox(url: file.url)
    }

    func cleanUp() async {
        for scratch in lock.withLock({ scratches }) { scratch.cleanUp() }
    }
}

/// Records every event, for tests that check what the engine reports.
final class EventLog: PortalEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [PortalEvent] = []

    func record(_ event: PortalEvent) { lock.withLock { recorded.append(event) } }
    var events: [PortalEvent] { lock.withLock { recorded } }
    func count(_ kind: PortalEvent.Kind) -> Int { events.filter { $0.kind == kind }.count }
}

extension SyncEngine {
    /// The dead letters, oldest first.
    var deadLetters: [DeadLetter] { get async throws { try await outbox.deadLetters(matching: .all) } }
}
