import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

/// The ordinary failures that used to lose or strand dossiers: each scenario ends with every
/// dossier on the portal, created once, its versions in order — or dead-lettered alone, for a reason.
@Suite("Sync resilience")
struct SyncResilienceTests {
    @Test(arguments: Route.allCases)
    func aRefusalStormDeadLettersNothingAndEverythingGoesAfterIt(_ route: Route) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(route, faults: "refuse=1")
        let events = EventLog()
        let engine = SyncEngine(client: portal.client(attempts: 1), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 50, concurrency: 1, eventSink: events))
        for n in 1...60 { try await engine.enqueue(try Fixtures.dossier(n)) }
        // The adapter answers every call "error_code -1": the batch, three dossiers alone, then a
        // fourth as a probe, refused too.
        let storm = await engine.sync()
        #expect(storm.stopReason == .systemicRefusal)
        #expect(storm.deadLettered == 0 && storm.acknowledged == 0 && storm.remaining == 60)
        #expect(storm.calls == 1 + 3 + 1)
        #expect(storm.systemicRefusal?.contains("Hệ thống đang bận") == true)
        #expect(events.count(.systemicRefusal) == 1)
        let again = await engine.sync()
        #expect(again.stopReason == .systemicRefusal && again.deadLettered == 0)
        // The storm passes: everything goes, nothing was ever dead-lettered, no attempt was counted.
        await portal.sandbox.setFaults(SandboxFaults())
        let rounds = await engine.syncUntilDone(maximumBackoff: .milliseconds(10))
        #expect(rounds.last?.remaining == 0)
        #expect(try await engine.deadLetters.isEmpty)
        #expect(try await engine.status().total.acknowledged == 60)
        let records = await portal.sandbox.dossierRecords()
        #expect(records.count == 60 && records.values.allSatisfy { $0.creates == 1 })
    }

    @Test(arguments: ["Phiên đăng nhập không tồn tại", "Token hết hạn", "Unauthorized"])
    func anExpiredSessionInAnyWordingMeansOneMoreLoginNotARefusal(_ wording: String) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(faults: "expire=4,expire-message=\(wording)")
        let client = portal.client(attempts: 1)
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal), configuration: .init(dossierBatchSize: 5, concurrency: 1))
        for n in 1...30 {
            let dossier = try Fixtures.dossier(n)
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 30 && round.deadLettered == 0 && round.remaining == 0, "\(round)")
        #expect(await client.loginCount > 3)
        #expect((await portal.totals())["progress"] == 30)
    }

    @Test func anHTTP200UnauthorizedInPlainTextAlsoMeansLogInAgain() async throws {
        let portal = try Portal()
        final class Once: @unchecked Sendable {
            let lock = NSLock()
            var used = false
            func take() -> Bool { lock.withLock { defer { used = true }; return !used } }
        }
        let once = Once()
        let client = portal.client(attempts: 1) { request in
            guard request.operation == "DongBoHoSoMC", once.take() else { return nil }
            return PortalResponse(status: 200, body: Data("Unauthorized".utf8))
        }
        let engine = SyncEngine(client: client, outbox: InMemoryOutbox())
        try await engine.enqueue(try Fixtures.dossier(1))
        #expect(await engine.sync().acknowledged == 1)
        #expect(await client.loginCount == 2)
    }

    @Test func aRefusedLoginIsTriedOncePerRoundNotFifteenTimes() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let client = PortalClient(configuration: .init(adapterURL: PortalSandbox.inProcessURL, credentials: .init(username: "sandbox", password: "wrong"),
                                                       unitCode: "000.00.00.H20", retryPolicy: .exponentialJitter(maximumAttempts: 5)),
                                  transport: portal.sandbox.transport, sleeper: Immediate())
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal))
        for n in 1...200 { try await engine.enqueue(try Fixtures.dossier(n)) }
        let round = await engine.sync()
        #expect(round.stopReason == .session)
        #expect(round.lastError?.code == .loginFailed)
        #expect(await portal.sandbox.loginAttempts == 1)
        // Within the cool-down, another round does not even ask.
        _ = await engine.sync()
        #expect(await portal.sandbox.loginAttempts == 1)
        #expect(try await engine.status().total.pending == 200)
        #expect(try await engine.deadLetters.isEmpty)
    }

    enum Poison: String, CaseIterable, Sendable {
        case serverError = "HTTP 500", garbage = "a body that is not JSON", tooLarge = "HTTP 413"

        var response: PortalResponse {
            switch self {
            case .serverError: PortalResponse(status: 500, body: Data("java.lang.NullPointerException".utf8))
            case .garbage: PortalResponse(status: 200, body: Data("<html><body>Gateway error</body></html>".utf8))
            case .tooLarge: PortalResponse(status: 413, body: Data())
            }
        }
    }

    @Test(arguments: Poison.allCases)
    func aPoisonDossierIsIsolatedItsBatchMatesGoAndItAloneIsDeadLettered(_ poison: Poison) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let bad = try Fixtures.dossier(20).code.rawValue
        let client = portal.client(attempts: 1) { request in
            guard request.operation == "DongBoHoSoMC", String(decoding: request.body, as: UTF8.self).contains(bad) else { return nil }
            return poison.response
        }
        let events = EventLog()
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 50, concurrency: 2, eventSink: events))
        for n in 1...120 { try await engine.enqueue(try Fixtures.dossier(n)) }
        let first = await engine.sync()
        let second = await engine.sync()
        // Its 119 batch-mates go in the first round or the next.
        #expect(first.acknowledged + second.acknowledged == 119, "\(first) / \(second)")
        #expect(events.count(.batchSplit) >= 5)
        // Alone, it keeps failing while the portal accepts the dossiers that keep coming: that is
        // the evidence that the failure is its own, and after enough of it, it is dead-lettered.
        // (With nothing else accepted it would wait: an outage looks the same.)
        var next = 121
        while try await engine.deadLetters.isEmpty && next < 160 {
            try await engine.enqueue(try Fixtures.dossier(next))
            next += 1
            _ = await engine.sync()
        }
        let dead = try await engine.deadLetters
        #expect(dead.map(\.entry.dossier.code.rawValue) == [bad])
        #expect(dead.first?.reason.kind == (poison == .tooLarge ? .tooLarge : .attemptsExhausted))
        if poison != .tooLarge {
            #expect(dead.first?.entry.delivery.isolatedFailures ?? 0 >= 10)
            #expect(dead.first?.reason.message.contains("attempts failed") == true)
        }
        let delivered = 119 + (next - 121)
        #expect(try await engine.status().total.acknowledged == delivered)
        #expect(try await engine.status().total.pending == 0)
        #expect((await portal.totals())["creates"] == delivered)
    }

    @Test(arguments: Route.allCases)
    func repliesLostAfterThePortalAppliedNeverCreateADossierTwice(_ route: Route) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(route, faults: "applied-then-drop=0.25,applied-then-timeout=0.05", seed: 3, timeoutDelay: .milliseconds(400))
        let engine = SyncEngine(client: portal.client(attempts: 3, timeout: .milliseconds(200)), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 10, maximumConsecutiveFailures: 1_000))
        var expected: [String: [String]] = [:]
        for n in 1...100 {
            var dossier = try Fixtures.dossier(n)
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
            expected[dossier.code.rawValue] = ["2"]
            if n % 3 == 0 {
                dossier.status = .processing
                try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
                expected[dossier.code.rawValue]?.append("4")
            }
        }
        let rounds = await engine.syncUntilDone(maximumBackoff: .milliseconds(10))
        #expect(rounds.last?.remaining == 0, "\(rounds.count) rounds")
        #expect(try await engine.deadLetters.isEmpty)
        let records = await portal.sandbox.dossierRecords()
        #expect(records.count == 100)
        let faults = (await portal.sandbox.stateDocument())["faults"] as? [String: Int] ?? [:]
        #expect((faults["applied-then-drop"] ?? 0) > 0, "the fault must actually have bitten")
        for (code, statuses) in expected {
            let record = try #require(records[code])
            #expect(record.creates == 1, "\(code) created once")
            // Each version arrives at least once, and never after a later one.
            #expect(record.versions.map(\.wireValue) == statuses, "\(code): \(record.statuses)")
            #expect(record.progress >= statuses.count)
        }
    }

    @Test func concurrentBatchesKeepEveryDossiersVersionsInOrder() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(.loopback, latency: .milliseconds(5))
        let gauge = InFlightGauge()
        let engine = SyncEngine(client: portal.client(through: gauge.wrapping(portal.endpoint.transport)), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 10, concurrency: 4))
        var changes: [DossierChange] = []
        for status in [DossierStatus.received, .processing, .awaitingReturn] {
            for n in 1...80 {
                var dossier = try Fixtures.dossier(n)
                dossier.status = status
                changes.append(DossierChange(dossier))
            }
        }
        let outcomes = try await engine.enqueue(contentsOf: changes)
        #expect(outcomes.allSatisfy { if case .appended = $0 { true } else { false } })
        let round = await engine.sync()
        #expect(round.acknowledged == 240 && round.remaining == 0)
        #expect(gauge.maximum >= 2, "batches really were in flight together (at most \(gauge.maximum))")
        let records = await portal.sandbox.dossierRecords()
        #expect(records.count == 80)
        #expect(records.values.allSatisfy { $0.versions == [.received, .processing, .awaitingReturn] }, "in order; a version may arrive twice")
    }

    @Test func cancellingARoundLeavesNothingHalfAcknowledged() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(latency: .milliseconds(10))
        final class Canceller: PortalEventSink, @unchecked Sendable {
            let lock = NSLock()
            var task: Task<SyncEngine.Round, Never>?
            func record(_ event: PortalEvent) {
                if event.kind == .batchSent { lock.withLock { task }?.cancel() }
            }
        }
        let canceller = Canceller()
        let outbox = try FileOutbox(url: scratch.journal)
        let engine = SyncEngine(client: portal.client(), outbox: outbox,
                                configuration: .init(dossierBatchSize: 5, progressBatchSize: 2, concurrency: 2, eventSink: canceller))
        for n in 1...100 {
            let dossier = try Fixtures.dossier(n)
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier, minute: 1), try Fixtures.progress(for: dossier, minute: 2)])
        }
        let task = Task { await engine.sync() }
        canceller.lock.withLock { canceller.task = task }
        let round = await task.value
        #expect(round.cancelled)
        #expect(round.remaining > 0 && round.acknowledged > 0)
        // Every entry is either pending or acknowledged with its dossier and both progress entries on the portal.
        await outbox.close()
        let reopened = try FileOutbox(url: scratch.journal)
        let pending = Set(try await reopened.claim(limit: 1_000, lease: .seconds(60), excluding: []).map(\.dossier.code.rawValue))
        let records = await portal.sandbox.dossierRecords()
        for n in 1...100 {
            let code = try Fixtures.dossier(n).code.rawValue
            if !pending.contains(code) {
                #expect(records[code]?.progress == 2, "\(code) acknowledged, so both progress entries arrived")
            }
        }
        #expect(pending.count == round.remaining)
    }

    @Test func aFaultSoakDeliversEveryEntryExactlyOnce() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(.loopback, faults: "error=0.2,timeout=0.05,expire=500", seed: 21, timeoutDelay: .milliseconds(500))
        let engine = SyncEngine(client: portal.client(attempts: 4, timeout: .milliseconds(250)), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 25, maximumConsecutiveFailures: 1_000))
        var expected: [String: [String]] = [:]
        for n in 1...400 {
            var dossier = try Fixtures.dossier(n, agency: n % 2 == 0 ? "000.00.15.H20" : "000.00.14.H20")
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
            expected[dossier.code.rawValue] = ["2"]
            if n % 4 == 0 {
                dossier.status = .processing
                try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
                expected[dossier.code.rawValue]?.append("4")
            }
        }
        let rounds = await engine.syncUntilDone(maximumBackoff: .milliseconds(10))
        #expect(rounds.last?.remaining == 0)
        #expect(rounds.reduce(0) { $0 + $1.deadLettered } == 0)
        let faults = (await portal.sandbox.stateDocument())["faults"] as? [String: Int] ?? [:]
        #expect((faults["error"] ?? 0) > 0 && (faults["timeout"] ?? 0) > 0, "the faults bit: \(faults)")
        let records = await portal.sandbox.dossierRecords()
        #expect(records.count == 400)
        for (code, statuses) in expected {
            // Every version arrives, in order, each dossier created once. (A version may arrive
            // twice: a client-side timeout on a request the portal did apply is resent.)
            #expect(records[code]?.versions.map(\.wireValue) == statuses, "\(code)")
            #expect(records[code]?.creates == 1, "\(code)")
            #expect((records[code]?.progress ?? 0) >= statuses.count, "\(code)")
        }
        // Each entry acknowledged exactly once: 500 received, 500 acknowledged, nothing else.
        let total = try await engine.status().total
        #expect(total.received == 500 && total.acknowledged == 500 && total.pending == 0 && total.deadLettered == 0)
    }
}

/// Counts requests in flight at once.
final class InFlightGauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var maximum = 0

    func wrapping(_ transport: any Transport) -> any Transport {
        InMemoryTransport { [self] request in
            lock.withLock {
                current += 1
                maximum = max(maximum, current)
            }
            defer { lock.withLock { current -= 1 } }
            return try await transport.send(request)
        }
    }
}
