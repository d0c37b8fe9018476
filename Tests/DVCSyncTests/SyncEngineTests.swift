import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

@Suite("Sync engine")
struct SyncEngineTests {
    @Test(arguments: Route.allCases)
    func everyDossierAndItsProgressReachThePortalInBatches(_ route: Route) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(route)
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 50, progressBatchSize: 10, concurrency: 1))
        for n in 1...120 {
            let dossier = try Fixtures.dossier(n, agency: n % 3 == 0 ? "000.00.15.H20" : "000.00.14.H20")
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 120)
        #expect(round.remaining == 0 && round.deadLettered == 0 && round.transientFailures == 0 && round.stopReason == nil)
        // 3 create batches of ≤ 50, each followed by its progress in chunks of 10: 3 + 12 calls, not 240.
        #expect(round.calls == 3 + 12)
        let totals = await portal.totals()
        #expect(totals["dossiers"] == 120 && totals["creates"] == 120 && totals["updates"] == 0 && totals["progress"] == 120)

        let report = try await engine.report()
        #expect(report.agencies.map(\.agency) == ["000.00.14.H20", "000.00.15.H20"])
        #expect(report.agencies.map(\.synced) == [80, 40])
        #expect(report.total.pending == 0 && report.total.rejected == 0)
        #expect(report.description.contains("000.00.15.H20  received 40  synced 40  pending 0  rejected 0"))
        let status = try await engine.status()
        #expect(status.total.acknowledged == 120 && status.oldestPendingAge == nil)
        // A second round has nothing to do.
        #expect(await engine.sync().calls == 0)
    }

    @Test func laterVersionsGoAsUpdatesInTheOrderTheyWereEnqueued() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        var dossier = try Fixtures.dossier(1)
        try await engine.enqueue(dossier)
        #expect(await engine.sync().acknowledged == 1)
        // Three versions before the next round: each must reach the portal, in order, as an update.
        for status in [DossierStatus.processing, .awaitingReturn, .returned] {
            dossier.status = status
            if status == .returned { dossier.returnedAt = try PortalTimestamp("20260304100000") }
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 3 && round.deadLettered == 0)
        let record = try #require(await portal.record(dossier.code.rawValue))
        #expect(record.creates == 1 && record.updates == 3 && record.progress == 3)
        #expect(record.statuses == [.received, .processing, .awaitingReturn, .returned])
    }

    @Test func enqueueingTheSameVersionTwiceAppendsItOnce() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let engine = SyncEngine(client: try Portal().client(), outbox: try FileOutbox(url: scratch.journal))
        let dossier = try Fixtures.dossier(1)
        let first = try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
        #expect(first == .appended(sequence: 1))
        #expect(try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)]) == .unchanged(sequence: 1))
        #expect(await engine.sync().acknowledged == 1)
        // Still unchanged once acknowledged; a different version is new.
        #expect(try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)]) == .unchanged(sequence: 1))
        var later = dossier
        later.status = .processing
        #expect(try await engine.enqueue(later) == .appended(sequence: 2))
    }

    @Test func aCreateThePortalAlreadyHasIsResentAsAnUpdate() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        var dossier = try Fixtures.dossier(1)
        // The portal got the create, but the journal never learnt it (the reply was lost).
        try await portal.client().syncDossiers([dossier], isUpdating: false)
        dossier.status = .processing
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        try await engine.enqueue(dossier)
        try await engine.enqueue(try Fixtures.dossier(2))
        let round = await engine.sync()
        #expect(round.acknowledged == 2 && round.deadLettered == 0)
        let record = try #require(await portal.record(dossier.code.rawValue))
        #expect(record.creates == 1 && record.updates == 1 && record.status == .processing)
        #expect(try await engine.outbox.knownToPortal([dossier.code]) == [dossier.code])
    }

    @Test func oneRefusedDossierIsDeadLetteredAndTheRestOfItsBatchGoesThrough() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(strictTransitions: true)
        // The portal already holds dossier 3 as withdrawn (status 7, final); this journal does not
        // know, so it accepts "received" — which the portal must refuse.
        var withdrawn = try Fixtures.dossier(3)
        try await portal.client().syncDossiers([withdrawn], isUpdating: false)
        withdrawn.status = .withdrawn
        try await portal.client().syncDossiers([withdrawn], isUpdating: true)

        let events = EventLog()
        // Batches of two, one at a time: refused in [3, 4], the portal accepts 4, refused again
        // first in [3, 5, 6], the portal accepts 5 and 6 — the refusal is dossier 3's own.
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 2, concurrency: 1, eventSink: events))
        for n in 1...8 { try await engine.enqueue(try Fixtures.dossier(n)) }
        let round = await engine.sync()
        #expect(round.acknowledged == 7)
        #expect(round.deadLettered == 1)
        let dead = try await engine.deadLetters
        #expect(dead.map(\.entry.dossier.code) == [withdrawn.code])
        #expect(dead.first?.reason.kind == .refused)
        #expect(dead.first?.reason.message.contains("DongBoHoSoMC error_code -1") == true)
        #expect(dead.first?.reason.message.contains("status.transition") == true)
        #expect(events.count(.deadLettered) == 1 && events.count(.roundStarted) == 1 && events.count(.roundFinished) == 1)
        let report = try await engine.report()
        #expect(report.total.rejected == 1 && report.total.synced == 7)
        #expect(report.total.rejections.first?.dossierCode == withdrawn.code.rawValue)
        #expect((await portal.totals())["dossiers"] == 8)
        // The refusal does not block the dossier: a later version that fixes it goes through.
        withdrawn.status = .withdrawn
        try await engine.enqueue(withdrawn)
        #expect(await engine.sync().acknowledged == 1)
    }

    @Test func aDeadLetterRequeuedAfterTheCauseIsFixedGoesThrough() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let refusing = Refusing(code: try Fixtures.dossier(2).code.rawValue)
        // Small batches, one at a time: the refused dossier is confirmed in the next batch, ahead
        // of dossiers the portal accepts after it.
        let engine = SyncEngine(client: portal.client(filter: refusing.answer), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 2, concurrency: 1))
        for n in 1...6 { try await engine.enqueue(try Fixtures.dossier(n)) }
        #expect(await engine.sync().deadLettered == 1)
        refusing.enabled = false                     // the portal's side was fixed
        #expect(try await engine.outbox.requeue(matching: .init(dossierCodes: [refusing.code])) == 1)
        let round = await engine.sync()
        #expect(round.acknowledged == 1 && round.deadLettered == 0)
        #expect(try await engine.deadLetters.isEmpty)
        #expect(try await engine.status().total.acknowledged == 6)
        #expect((await portal.record(refusing.code))?.creates == 1)
    }

    @Test func anInvalidDossierIsRefusedAtTheDoorNamingFieldAndRule() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let engine = SyncEngine(client: try Portal().client(), outbox: try FileOutbox(url: scratch.journal))
        var dossier = try Fixtures.dossier(1)
        dossier.dueAt = try PortalTimestamp("20260301080000")    // before it was received
        let error = await #expect(throws: SyncError.self) { try await engine.enqueue(dossier) }
        #expect(error?.code == .invalid)
        #expect(error?.issues.contains { $0.rule == .datesOutOfOrder } == true)

        let good = try Fixtures.dossier(2), other = try Fixtures.dossier(3)
        let mismatch = await #expect(throws: SyncError.self) { try await engine.enqueue(good, progress: [try Fixtures.progress(for: other)]) }
        #expect(mismatch?.issues.map(\.path) == ["progress[0].MaHoSo"])
        #expect(mismatch?.issues.first?.rule == .progressDossierMismatch)
        #expect(mismatch?.description.contains("was not accepted") == true)
        // Nothing refused was written.
        #expect(try await engine.status().total.received == 0)
    }

    @Test func aBacklogIsEnqueuedInOneWriteAndInvalidVersionsAreLeftOutWithTheirIssues() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        var first = try Fixtures.dossier(1)
        var late = try Fixtures.dossier(2)
        late.dueAt = try PortalTimestamp("20260301080000")
        var changes = [DossierChange(first, progress: [try Fixtures.progress(for: first)]), DossierChange(late)]
        first.status = .processing                      // checked against the version above
        changes.append(DossierChange(first, progress: [try Fixtures.progress(for: first)]))
        changes.append(DossierChange(try Fixtures.dossier(3)))
        let results = try await engine.enqueue(contentsOf: changes)
        #expect(results.count == 4)
        #expect(results[0] == .appended(sequence: 1) && results[2] == .appended(sequence: 2) && results[3] == .appended(sequence: 3))
        guard case .invalid(let issues) = results[1] else {
            Issue.record("the late dossier was accepted: \(results[1])")
            return
        }
        #expect(issues.map(\.rule) == [.datesOutOfOrder])
        #expect(await engine.sync().acknowledged == 3)
        #expect(try await engine.enqueue(contentsOf: []).isEmpty)
        let record = try #require(await portal.record(first.code.rawValue))
        #expect(record.status == .processing && record.updates == 1)
    }

    /// A backlog large enough to be encoded on several threads is stored as the same entries, in
    /// the same order, as the same changes enqueued a hundred at a time.
    @Test func aLargeBacklogIsStoredAsSmallOnesAre() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        var changes: [DossierChange] = []
        for number in 1...600 {
            let dossier = try Fixtures.dossier(number, status: number % 3 == 0 ? .processing : .received)
            changes.append(DossierChange(dossier, progress: number % 2 == 0 ? [try Fixtures.progress(for: dossier)] : []))
        }
        let whole = try FileOutbox(url: scratch.journal), pieces = try FileOutbox(url: scratch.directory.appendingPathComponent("pieces.journal"))
        let wholeResults = try await SyncEngine(client: portal.client(), outbox: whole).enqueue(contentsOf: changes)
        var pieceResults: [AppendOutcome] = []
        for start in stride(from: 0, to: changes.count, by: 100) {
            pieceResults += try await SyncEngine(client: portal.client(), outbox: pieces).enqueue(contentsOf: Array(changes[start..<(start + 100)]))
        }
        #expect(wholeResults == pieceResults)
        #expect(wholeResults.allSatisfy { if case .appended = $0 { true } else { false } })
        let stored = try await whole.claim(limit: 1_000, lease: .seconds(60), excluding: [])
        let expected = try await pieces.claim(limit: 1_000, lease: .seconds(60), excluding: [])
        #expect(stored.map(\.change) == changes)
        #expect(stored.map(\.change) == expected.map(\.change) && stored.map(\.sequence) == expected.map(\.sequence))
    }

    @Test func progressThePortalRefusesDeadLettersOnlyItsOwnEntry() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let refused = try Fixtures.dossier(2)
        // The portal accepts every dossier but refuses any progress batch naming dossier 2.
        let client = portal.client { request in
            guard request.operation == "CapNhatTienDoHoSoMC", String(decoding: request.body, as: UTF8.self).contains(refused.code.rawValue) else { return nil }
            return PortalResponse(status: 200, body: Data(#"{"error_code":"-1","message":"Tiến độ không hợp lệ"}"#.utf8))
        }
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal), configuration: .init(dossierBatchSize: 2, concurrency: 1))
        for n in 1...8 {
            let dossier = try Fixtures.dossier(n)
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
        }
        // Refused, then the portal accepts others' progress, refused again, accepted again: its own.
        let round = await engine.sync()
        #expect(round.acknowledged == 7 && round.deadLettered == 1 && round.remaining == 0)
        let dead = try #require(try await engine.deadLetters.first)
        #expect(dead.entry.dossier.code == refused.code)
        #expect(dead.reason.kind == .progressRefused)
        #expect(dead.reason.message.hasPrefix("CapNhatTienDoHoSoMC error_code -1"))
        #expect(dead.entry.delivery.dossierDelivered)
        // The dossier itself is on the portal, so its next version goes as an update.
        #expect(try await engine.outbox.knownToPortal([refused.code]) == [refused.code])
        #expect((await portal.totals())["progress"] == 7)
    }

    @Test func theEngineCompactsTheJournalOnceEnoughHistoryPilesUp() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let outbox = try FileOutbox(url: scratch.journal)
        let engine = SyncEngine(client: portal.client(), outbox: outbox, configuration: .init(dossierBatchSize: 10, compactionThreshold: 20))
        for n in 1...20 { try await engine.enqueue(try Fixtures.dossier(n)) }
        let first = await engine.sync()
        #expect(first.acknowledged == 20)
        #expect(first.compacted, "\(first) \(String(describing: first.compactionError))")
        #expect(await outbox.reclaimableRecords < 20)
        var later = try Fixtures.dossier(1)
        later.status = .processing
        try await engine.enqueue(later)
        let second = await engine.sync()
        #expect(second.acknowledged == 1 && !second.compacted)
        let record = try #require(await portal.record(later.code.rawValue))
        #expect(record.updates == 1, "still known to the portal after compaction, so sent as an update")
        #expect(try await engine.report().total.synced == 21)
    }

    @Test func anUpdateOfADossierThePortalNoLongerHasIsResentAsACreate() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()     // a portal whose data was reset: it has none of our dossiers
        let outbox = try FileOutbox(url: scratch.journal)
        let dossier = try Fixtures.dossier(1)
        try await outbox.acknowledge([], known: [dossier.code])
        let engine = SyncEngine(client: portal.client(), outbox: outbox)
        try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
        let round = await engine.sync()
        #expect(round.acknowledged == 1 && round.deadLettered == 0)
        // The update batch (refused), the same update alone (refused), the create, the progress.
        #expect(round.calls == 4)
        let record = try #require(await portal.record(dossier.code.rawValue))
        #expect(record.creates == 1 && record.progress == 1)
    }

    @Test func concurrentRoundsShareOneRoundAndSendNothingTwice() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(.loopback)
        // The first call waits at a gate, so the second sync() surely starts while the first round runs.
        let gate = Gate()
        let inner = portal.endpoint.transport
        let gated = InMemoryTransport { request in
            if request.operation == "DongBoHoSoMC" { await gate.pass() }
            return try await inner.send(request)
        }
        let engine = SyncEngine(client: portal.client(through: gated), outbox: try FileOutbox(url: scratch.journal), configuration: .init(dossierBatchSize: 5))
        for n in 1...30 { try await engine.enqueue(try Fixtures.dossier(n)) }
        let first = Task { await engine.sync() }
        await gate.waitForArrival()
        let second = Task { await engine.sync() }
        try await Task.sleep(for: .milliseconds(50))
        await gate.open()
        let rounds = [await first.value, await second.value]
        #expect(rounds.map(\.acknowledged) == [30, 30], "the second caller shares the first round rather than starting its own")
        #expect(rounds[0].calls == rounds[1].calls)
        let totals = await portal.totals()
        #expect(totals["creates"] == 30 && totals["updates"] == 0)
    }

    @Test func anEngineOnTheInMemoryOutboxSyncsTheSame() async throws {
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: InMemoryOutbox(), configuration: .init(dossierBatchSize: 7))
        for n in 1...30 {
            var dossier = try Fixtures.dossier(n)
            try await engine.enqueue(dossier, progress: [try Fixtures.progress(for: dossier)])
            dossier.status = .processing
            try await engine.enqueue(dossier)
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 60 && round.remaining == 0)
        #expect((await portal.record(try Fixtures.dossier(17).code.rawValue))?.statuses == [.received, .processing])
    }
}

/// Refuses `DongBoHoSoMC` for one dossier while enabled, as a portal with a data problem would.
final class Refusing: @unchecked Sendable {
    let code: String
    private let lock = NSLock()
    private var on = true

    init(code: String) { self.code = code }

    var enabled: Bool {
        get { lock.withLock { on } }
        set { lock.withLock { on = newValue } }
    }

    var answer: @Sendable (PortalRequest) -> PortalResponse? {
        { [self] request in
            guard enabled, request.operation == "DongBoHoSoMC", String(decoding: request.body, as: UTF8.self).contains(code) else { return nil }
            return PortalResponse(status: 200, body: Data(#"{"error_code":"-1","message":"Dữ liệu hồ sơ không hợp lệ"}"#.utf8))
        }
    }
}

/// Holds callers until opened, and says when the first one arrives.
actor Gate {
    private var isOpen = false
    private var arrived = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var arrivals: [CheckedContinuation<Void, Never>] = []

    func pass() async {
        arrived = true
        arrivals.forEach { $0.resume() }
        arrivals = []
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func waitForArrival() async {
        if arrived { return }
        await withCheckedContinuation { arrivals.append($0) }
    }

    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting = []
    }
}
