import DVCCore
import DVCSync
import Foundation
import Testing

/// An outbox kept somewhere other than a file — standing in for a one-stop system's own database —
/// to show the ``Outbox`` protocol is all the engine needs.
actor TableOutbox: Outbox {
    private var rows: [UInt64: OutboxEntry] = [:]
    private var settled: [UInt64: String?] = [:]        // nil: acknowledged; a reason: dead
    private var known: Set<String> = []
    private var statuses: [String: DossierStatus] = [:]
    private var next: UInt64 = 1
    private(set) var compactions = 0
    /// When set, acknowledgements fail as a full disk would.
    var failsAcknowledgements = false
    func setFailsAcknowledgements(_ value: Bool) { failsAcknowledgements = value }

    func append(contentsOf changes: [(dossier: Dossier, progress: [ProgressEntry])],
                ifValid check: @Sendable (Int, DossierStatus?) -> [ValidationIssue]) async throws -> [Result<OutboxEntry, InvalidEntry>] {
        var results: [Result<OutboxEntry, InvalidEntry>] = []
        for (index, change) in changes.enumerated() {
            let issues = check(index, statuses[change.dossier.code.rawValue])
            guard issues.isEmpty else {
                results.append(.failure(InvalidEntry(issues: issues)))
                continue
            }
            let entry = OutboxEntry(sequence: next, dossier: change.dossier, progress: change.progress)
            next += 1
            rows[entry.sequence] = entry
            statuses[change.dossier.code.rawValue] = change.dossier.status
            results.append(.success(entry))
        }
        return results
    }

    var pending: [OutboxEntry] { rows.values.filter { settled[$0.sequence] == nil }.sorted { $0.sequence < $1.sequence } }
    func acknowledge(_ sequences: [UInt64], known codes: [DossierCode]) async throws {
        if failsAcknowledgements { throw OutboxError(message: "disk full") }
        for sequence in sequences { settled[sequence] = .some(nil) }
        known.formUnion(codes.map(\.rawValue))
    }
    func deadLetter(_ sequence: UInt64, reason: String) async throws { settled[sequence] = .some(reason) }
    var deadLetters: [DeadLetter] {
        settled.compactMap { sequence, reason in reason.flatMap { reason in rows[sequence].map { DeadLetter(entry: $0, reason: reason) } } }
            .sorted { $0.entry.sequence < $1.entry.sequence }
    }
    func isKnownToPortal(_ code: DossierCode) async -> Bool { known.contains(code.rawValue) }
    func report() async -> SyncReport {
        let counts = rows.values.reduce(into: [String: SyncReport.AgencyCounts]()) { counts, entry in
            let agency = entry.dossier.code.agencyText
            var row = counts[agency] ?? .init(agency: agency)
            row.received += 1
            switch settled[entry.sequence] {
            case .none: row.pending += 1
            case .some(.none): row.synced += 1
            case .some(.some(let reason)):
                row.rejected += 1
                row.rejections.append(.init(sequence: entry.sequence, dossierCode: entry.dossier.code.rawValue, reason: reason))
            }
            counts[agency] = row
        }
        return SyncReport(agencies: counts.values.sorted { $0.agency < $1.agency })
    }
    var reclaimableRecords: Int { settled.count }
    func compact() async throws {
        compactions += 1
    }
}

@Suite("A custom outbox")
struct CustomOutboxTests {
    @Test func theEngineRunsOnAnyOutbox() async throws {
        let portal = try Portal()
        let table = TableOutbox()
        let engine = SyncEngine(client: portal.client(), outbox: table, configuration: .init(dossierBatchSize: 4, compactionThreshold: 8))
        for n in 1...10 {
            let dossier = try Make.dossier(n)
            try await engine.enqueue(dossier, progress: [try Make.progress(for: dossier)])
        }
        var late = try Make.dossier(11)
        late.dueAt = try PortalTimestamp("20260301080000")
        await #expect(throws: SyncError.self) { try await engine.enqueue(late) }
        let round = await engine.sync()
        #expect(round.acknowledged == 10 && round.compacted)
        #expect(await table.compactions == 1)
        #expect(await engine.report().total.synced == 10)
        #expect((await portal.totals())["progress"] == 10)
    }

    @Test func whenTheOutboxCannotRecordAnAcknowledgementTheEntryIsSentAgainNotLost() async throws {
        let portal = try Portal()
        let table = TableOutbox()
        let engine = SyncEngine(client: portal.client(), outbox: table)
        for n in 1...3 { try await engine.enqueue(try Make.dossier(n)) }
        await table.setFailsAcknowledgements(true)
        let failed = await engine.sync()
        #expect(failed.stoppedEarly && failed.acknowledged == 0 && failed.remaining == 3)
        await table.setFailsAcknowledgements(false)
        // The portal has them, the outbox does not know: creates come back "already exists" and go as updates.
        let retried = await engine.sync()
        #expect(retried.acknowledged == 3 && retried.deadLettered == 0)
        let totals = await portal.totals()
        #expect(totals["dossiers"] == 3 && totals["creates"] == 3 && totals["updates"] == 3)
    }
}
