import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation

/// The sync engine end to end against the in-process sandbox: durable enqueues (one `fsync` each),
/// rounds with and without faults, and the journal's recovery on reopen.
struct SyncFigures: Codable {
    var dossiers: Int
    var enqueuePerSecond: Int
    /// Single `enqueue` calls from 16 concurrent tasks, each durable when it returns (group commit).
    var concurrentEnqueuePerSecond: Int
    var backlogEnqueuePerSecond: Int
    var syncPerSecond: Int
    var syncCalls: Int
    var faultySyncPerSecond: Int
    var faultyRounds: Int
    var faultyTransientFailures: Int
    var journalBytes: Int
    var reopenSeconds: Double
    var lost: Int
}

enum SyncBenchmark {
    struct NoWait: Sleeper {
        func sleep(for duration: Duration) async throws {}
    }

    static func run(count: Int) async throws -> SyncFigures {
        let dossiers = DossierBenchmark.dossiers(count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        func engine(_ name: String, faults: String) throws -> (SyncEngine, PortalSandbox, FileOutbox) {
            let sandbox = PortalSandbox(configuration: .init(faults: try SandboxFaults(faults), seed: 11))
            let client = PortalClient(configuration: .init(adapterURL: PortalSandbox.inProcessURL, credentials: .init(username: "sandbox", password: "sandbox"),
                                                           unitCode: "000.00.00.H20", retryPolicy: .exponentialJitter(maximumAttempts: 2)),
                                      transport: sandbox.transport, sleeper: NoWait())
            let outbox = try FileOutbox(url: directory.appendingPathComponent(name))
            return (SyncEngine(client: client, outbox: outbox, configuration: .init(maximumConsecutiveFailures: 1_000)), sandbox, outbox)
        }
        func fill(_ engine: SyncEngine) async throws -> Double {
            let start = ContinuousClock.now
            for dossier in dossiers {
                let progress = ProgressEntry(dossierCode: dossier.code, actor: "Một cửa", actedAt: dossier.receivedAt, status: dossier.status)
                try await engine.enqueue(dossier, progress: [progress])
            }
            return seconds(since: start)
        }

        let (backlog, _, _) = try engine("backlog.journal", faults: "")
        var start = ContinuousClock.now
        for chunk in stride(from: 0, to: dossiers.count, by: 1_000) {
            let changes = dossiers[chunk..<min(chunk + 1_000, dossiers.count)].map { dossier in
                DossierChange(dossier, progress: [ProgressEntry(dossierCode: dossier.code, actor: "Một cửa", actedAt: dossier.receivedAt, status: dossier.status)])
            }
            _ = try await backlog.enqueue(contentsOf: changes)
        }
        let backlogSeconds = seconds(since: start)

        let (concurrent, _, _) = try engine("concurrent.journal", faults: "")
        start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for dossier in stride(from: worker, to: dossiers.count, by: 16).map({ dossiers[$0] }) {
                        try await concurrent.enqueue(dossier)
                    }
                }
            }
            try await group.waitForAll()
        }
        let concurrentSeconds = seconds(since: start)

        let (clean, _, _) = try engine("clean.journal", faults: "")
        let enqueueSeconds = try await fill(clean)
        start = ContinuousClock.now
        let round = await clean.sync()
        let syncSeconds = seconds(since: start)

        let (faulty, faultySandbox, faultyOutbox) = try engine("faulty.journal", faults: "error=0.3,drop=0.05")
        _ = try await fill(faulty)
        start = ContinuousClock.now
        var rounds = 0, failures = 0
        while rounds < 100 {
            rounds += 1
            let round = await faulty.sync()
            failures += round.transientFailures
            if round.remaining == 0 { break }
        }
        let faultySeconds = seconds(since: start)
        let stored = await faultySandbox.dossierRecords().count
        await faultyOutbox.close()

        let journal = directory.appendingPathComponent("faulty.journal")
        let bytes = (try? FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int) ?? 0
        start = ContinuousClock.now
        let reopened = try FileOutbox(url: journal)
        let reopenSeconds = seconds(since: start)
        let pending = try await reopened.counts().values.reduce(0) { $0 + $1.pending }

        return SyncFigures(dossiers: count, enqueuePerSecond: Int(Double(count) / enqueueSeconds),
                           concurrentEnqueuePerSecond: Int(Double(count) / concurrentSeconds),
                           backlogEnqueuePerSecond: Int(Double(count) / backlogSeconds), syncPerSecond: Int(Double(round.acknowledged) / syncSeconds),
                           syncCalls: round.calls, faultySyncPerSecond: Int(Double(count) / faultySeconds), faultyRounds: rounds,
                           faultyTransientFailures: failures, journalBytes: bytes, reopenSeconds: (reopenSeconds * 1000).rounded() / 1000,
                           lost: count - stored + pending)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds
    }
}
