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
                                configuration: .init(dossierBatchSize: 50, progressBatchSize: 10))
        var dossiers: [Dossier] = []
        for n in 1...120 {
            let dossier = try Make.dossier(n, agency: n % 3 == 0 ? "000.00.15.H20" : "000.00.14.H20")
            dossiers.append(dossier)
            try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 120)
        #expect(round.remaining == 0 && round.deadLettered == 0 && round.transientFailures == 0)
        // 3 create batches of ≤ 50, then 12 progress chunks of 10: 15 calls, not 240.
        #expect(round.calls == 3 + 12)
        let totals = await portal.totals()
        #expect(totals["dossiers"] == 120 && totals["creates"] == 120 && totals["updates"] == 0 && totals["progress"] == 120)

        let report = await engine.report()
        #expect(report.agencies.map(\.agency) == ["000.00.14.H20", "000.00.15.H20"])
        #expect(report.agencies.map(\.synced) == [80, 40])
        #expect(report.total.pending == 0 && report.total.rejected == 0)
        #expect(report.description.contains("000.00.15.H20  received 40  synced 40  pending 0  rejected 0"))
        // A second round has nothing to do.
        #expect(await engine.sync().calls == 0)
    }

    @Test func laterVersionsGoAsUpdatesInTheOrderTheyWereEnqueued() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        var dossier = try Make.dossier(1)
        try await engine.enqueue(dossier)
        #expect(await engine.sync().acknowledged == 1)
        // Three versions before the next round: each must reach the portal, in order, as an update;
        // received → awaitingReturn directly would be refused by nobody, but
        // processing → returned would be, so order matters.
        for status in [DossierStatus.processing, .awaitingReturn, .returned] {
            dossier.status = status
            if status == .returned { dossier.returnedAt = try PortalTimestamp("20260304100000") }
            try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 3 && round.deadLettered == 0)
        let record = try #require(await portal.record(dossier.code.rawValue))
        #expect(record["creates"] as? Int == 1 && record["updates"] as? Int == 3 && record["progress"] as? Int == 3)
        #expect(record["status"] as? String == "10")
    }

    @Test func aCreateThePortalAlreadyHasIsResentAsAnUpdate() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        var dossier = try Make.dossier(1)
        // The portal got the create, but the journal never learnt it (the reply was lost).
        try await portal.client().syncDossiers([dossier], isUpdating: false)
        dossier.status = .processing
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        try await engine.enqueue(dossier)
        try await engine.enqueue(try Make.dossier(2))
        let round = await engine.sync()
        #expect(round.acknowledged == 2 && round.deadLettered == 0)
        let record = try #require(await portal.record(dossier.code.rawValue))
        #expect(record["creates"] as? Int == 1 && record["updates"] as? Int == 1 && record["status"] as? String == "4")
        #expect(await engine.outbox.isKnownToPortal(dossier.code))
    }

    @Test func oneRefusedDossierIsDeadLetteredAndTheRestOfItsBatchGoesThrough() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        // The portal already holds dossier 3 as withdrawn (status 7, final); this journal does not
        // know, so it accepts "received" — which the portal must refuse.
        var withdrawn = try Make.dossier(3)
        try await portal.client().syncDossiers([withdrawn], isUpdating: false)
        withdrawn.status = .withdrawn
        try await portal.client().syncDossiers([withdrawn], isUpdating: true)

        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        for n in 1...5 { try await engine.enqueue(try Make.dossier(n)) }
        let round = await engine.sync()
        #expect(round.acknowledged == 4)
        #expect(round.deadLettered == 1)
        let dead = await engine.outbox.deadLetters
        #expect(dead.map(\.entry.dossier.code) == [withdrawn.code])
        #expect(dead.first?.reason.contains("DongBoHoSoMC error_code -1") == true)
        #expect(dead.first?.reason.contains("status.transition") == true)
        let report = await engine.report()
        #expect(report.total.rejected == 1 && report.total.synced == 4)
        #expect(report.total.rejections.first?.dossierCode == withdrawn.code.rawValue)
        #expect((await portal.totals())["dossiers"] == 5)
        // The refusal does not block the dossier: a later version that fixes it goes through.
        withdrawn.status = .withdrawn
        try await engine.enqueue(withdrawn)
        #expect(await engine.sync().acknowledged == 1)
    }

    @Test func anInvalidDossierIsRefusedAtTheDoorNamingFieldAndRule() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        var dossier = try Make.dossier(1)
        dossier.dueAt = try PortalTimestamp("20260301080000")    // before it was received
        let error = await #expect(throws: SyncError.self) { try await engine.enqueue(dossier) }
        #expect(error?.code == .invalid)
        #expect(error?.issues.contains { $0.rule == .datesOutOfOrder } == true)

        let good = try Make.dossier(2), other = try Make.dossier(3)
        let mismatch = await #expect(throws: SyncError.self) { try await engine.enqueue(good, progress: [try Make.progress(for: other)]) }
        #expect(mismatch?.issues.map(\.path) == ["progress[0].MaHoSo"])
        #expect(mismatch?.issues.first?.rule == .progressDossierMismatch)

        // A transition the standard forbids, from the last version enqueued.
        var returned = try Make.dossier(4, status: .received)
        try await engine.enqueue(returned)
        returned.status = .new
        let transition = await #expect(throws: SyncError.self) { try await engine.enqueue(returned) }
        #expect(transition?.issues.contains { $0.rule == .statusTransition } == true)
        #expect(transition?.description.contains("was not accepted") == true)
        // Nothing refused was written.
        #expect(await engine.outbox.pending.count == 1)
    }

    @Test func withFaultsEveryDossierArrivesAfterEnoughRoundsAndNothingIsLost() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(faults: "error=0.3,drop=0.05,malformed=0.05,expire=40", seed: 7)
        // Two attempts per call, so many batches do fail transiently and stay pending.
        let engine = SyncEngine(client: portal.client(attempts: 2), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 20, maximumConsecutiveFailures: 1_000))
        var expected: [String: String] = [:]
        for n in 1...200 {
            var dossier = try Make.dossier(n, agency: n % 2 == 0 ? "000.00.15.H20" : "000.00.14.H20")
            try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
            if n % 4 == 0 {
                dossier.status = .processing
                try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
            }
            expected[dossier.code.rawValue] = String(dossier.status.rawValue)
        }
        var rounds = 0, failures = 0
        while rounds < 60 {
            rounds += 1
            let round = await engine.sync()
            failures += round.transientFailures
            #expect(round.deadLettered == 0)
            if round.remaining == 0 { break }
        }
        #expect(failures > 0, "the faults must actually have bitten")
        #expect(await engine.outbox.pending.isEmpty, "still pending after \(rounds) rounds")
        let report = await engine.report()
        #expect(report.total.received == 250 && report.total.synced == 250 && report.total.rejected == 0)
        let document = await portal.sandbox.stateDocument()
        let records = try #require(document["dossiers"] as? [String: [String: Any]])
        #expect(records.count == 200)
        for (code, status) in expected {
            #expect(records[code]?["status"] as? String == status, "\(code)")
            #expect((records[code]?["creates"] as? Int) == 1, "\(code) created once")
        }
        // Reopening the journal finds nothing left to do.
        #expect(try await FileOutbox(url: scratch.journal).pending.isEmpty)
    }

    @Test func whenThePortalIsDownTheRoundStopsEarlyAndTheNextEngineDeliversEverything() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do {
            let down = try Portal(faults: "error=1")
            let engine = SyncEngine(client: down.client(attempts: 2), outbox: try FileOutbox(url: scratch.journal),
                                    configuration: .init(dossierBatchSize: 2, maximumConsecutiveFailures: 3))
            for n in 1...10 { try await engine.enqueue(try Make.dossier(n)) }
            let round = await engine.sync()
            #expect(round.stoppedEarly && round.calls == 3 && round.transientFailures == 3)
            #expect(round.remaining == 10 && round.acknowledged == 0)
            #expect(round.lastError?.code == .httpStatus)
            #expect(round.description.contains("stopped early"))
        }
        // A restart (new process, same journal) against a portal that is back.
        let up = try Portal()
        let engine = SyncEngine(client: up.client(), outbox: try FileOutbox(url: scratch.journal))
        #expect(await engine.sync().acknowledged == 10)
        #expect((await up.totals())["dossiers"] == 10)
    }

    @Test func concurrentRoundsShareOneRoundAndSendNothingTwice() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal(.loopback)
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal), configuration: .init(dossierBatchSize: 5))
        for n in 1...30 { try await engine.enqueue(try Make.dossier(n)) }
        async let first = engine.sync()
        async let second = engine.sync()
        let rounds = await [first, second]
        #expect(rounds.map(\.acknowledged).max() == 30)
        let totals = await portal.totals()
        #expect(totals["creates"] == 30 && totals["updates"] == 0)
    }

    @Test func aBacklogIsEnqueuedInOneWriteAndInvalidVersionsAreLeftOutWithTheirIssues() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        var first = try Make.dossier(1)
        var late = try Make.dossier(2)
        late.dueAt = try PortalTimestamp("20260301080000")
        var changes: [(dossier: Dossier, progress: [ProgressEntry])] = [(first, [try Make.progress(for: first)]), (late, [])]
        first.status = .processing                      // received → processing: allowed, checked against the version above
        changes.append((first, [try Make.progress(for: first)]))
        first.status = .new                             // processing → new: forbidden
        changes.append((first, []))
        changes.append((try Make.dossier(3), []))
        let results = try await engine.enqueue(contentsOf: changes)
        #expect(results.map { (try? $0.get())?.sequence } == [1, nil, 2, nil, 3])
        if case .failure(let invalid) = results[1] { #expect(invalid.issues.map(\.rule) == [.datesOutOfOrder]) } else { Issue.record("late dossier accepted") }
        if case .failure(let invalid) = results[3] { #expect(invalid.issues.map(\.rule) == [.statusTransition]) } else { Issue.record("bad transition accepted") }
        let lines = try String(contentsOf: scratch.journal, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(await engine.sync().acknowledged == 3)
        #expect(try await engine.enqueue(contentsOf: []).isEmpty)
        let record = try #require(await portal.record(first.code.rawValue))
        #expect(record["status"] as? String == "4" && record["updates"] as? Int == 1)
    }

    @Test func progressThePortalRefusesDeadLettersOnlyItsOwnEntry() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let refused = try Make.dossier(2)
        // The portal accepts every dossier but refuses any progress batch naming dossier 2.
        let client = portal.client { request in
            guard request.operation == "CapNhatTienDoHoSoMC", String(decoding: request.body, as: UTF8.self).contains(refused.code.rawValue) else { return nil }
            return PortalResponse(status: 200, body: Data(#"{"error_code":"-1","message":"Tiến độ không hợp lệ"}"#.utf8))
        }
        let engine = SyncEngine(client: client, outbox: try FileOutbox(url: scratch.journal))
        for n in 1...4 {
            let dossier = try Make.dossier(n)
            try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
        }
        let round = await engine.sync()
        #expect(round.acknowledged == 3 && round.deadLettered == 1 && round.remaining == 0)
        let dead = try #require(await engine.outbox.deadLetters.first)
        #expect(dead.entry.dossier.code == refused.code)
        #expect(dead.reason.hasPrefix("the dossier reached the portal; its progress was refused: CapNhatTienDoHoSoMC error_code -1"))
        // The dossier itself is on the portal, so its next version goes as an update.
        #expect(await engine.outbox.isKnownToPortal(refused.code))
        #expect((await portal.totals())["progress"] == 3)
    }

    @Test func theEngineCompactsTheJournalOnceEnoughHistoryPilesUp() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal),
                                configuration: .init(dossierBatchSize: 10, compactionThreshold: 20))
        for n in 1...20 { try await engine.enqueue(try Make.dossier(n)) }
        let first = await engine.sync()
        #expect(first.acknowledged == 20)
        #expect(first.compacted, "\(first) \(String(describing: first.compactionError))")
        #expect(await engine.outbox.reclaimableRecords < 20)
        var later = try Make.dossier(1)
        later.status = .processing
        try await engine.enqueue(later)
        let second = await engine.sync()
        #expect(second.acknowledged == 1 && !second.compacted)
        let record = try #require(await portal.record(later.code.rawValue))
        #expect(record["updates"] as? Int == 1, "still known to the portal after compaction, so sent as an update")
        #expect(await engine.report().total.synced == 21)
    }

    @Test func anUpdateOfADossierThePortalNoLongerHasIsResentAsACreate() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()     // a portal whose data was reset: it has none of our dossiers
        let outbox = try FileOutbox(url: scratch.journal)
        let dossier = try Make.dossier(1)
        try await outbox.acknowledge([], known: [dossier.code])
        let engine = SyncEngine(client: portal.client(), outbox: outbox)
        try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
        let round = await engine.sync()
        #expect(round.acknowledged == 1 && round.deadLettered == 0)
        // The update batch (refused), the same update alone (refused), the create, the progress.
        #expect(round.calls == 4)
        let record = try #require(await portal.record(dossier.code.rawValue))
        #expect(record["creates"] as? Int == 1 && record["progress"] as? Int == 1)
    }

    @Test func cancellingTheCallerStopsTheRoundAndKeepsEverythingPending() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let portal = try Portal()
        let engine = SyncEngine(client: portal.client(), outbox: try FileOutbox(url: scratch.journal))
        for n in 1...5 { try await engine.enqueue(try Make.dossier(n)) }
        let task = Task { await engine.sync() }
        task.cancel()
        let round = await task.value
        #expect(round.cancelled && round.calls == 0 && round.remaining == 5)
        #expect(await engine.sync().acknowledged == 5)
    }
}
