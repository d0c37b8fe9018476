import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

/// The delivery model checked by simulation: every scenario of the second sync review, seeded
/// random plans over the in-memory and the file outbox, determinism, and a planted defect the
/// simulator must catch (so a green run means something). Serialized: each run keeps a thread of its
/// own busy, and the machine's other tests need theirs. CI runs many more seeds with `dvc-sim`.
@Suite("Sync simulation", .serialized)
struct SyncSimulationTests {
    @available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dvc-sim-tests-\(UUID().uuidString)")
    }

    @Test(arguments: SyncSimulation.Scenario.allCases)
    func everyScenarioKeepsEveryInvariant(_ scenario: SyncSimulation.Scenario) async throws {
        guard #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) else { return }
        for seed in UInt64(1)...2 {
            for store in [SyncSimulation.memory, SyncSimulation.file(in: Self.scratch())] {
                let report = try await SyncSimulation.run(seed: seed, store: store, scenario: scenario)
                #expect(report.violations.isEmpty, "\(report)")
                #expect(report.pending == 0 && report.acknowledged > 0, "\(report)")
            }
        }
    }

    @Test func randomPlansOverTheInMemoryOutbox() async throws {
        for seed in UInt64(100)..<125 {
            let report = try await SyncSimulation.run(seed: seed, store: SyncSimulation.memory)
            #expect(report.violations.isEmpty, "\(report)")
        }
    }

    @Test func randomPlansOverTheFileOutbox() async throws {
        for seed in UInt64(200)..<212 {
            let report = try await SyncSimulation.run(seed: seed, store: SyncSimulation.file(in: Self.scratch()))
            #expect(report.violations.isEmpty, "\(report)")
        }
    }

    @Test func randomPlansWithThreeWorkersOnOneSharedOutbox() async throws {
        for seed in UInt64(300)..<312 {
            let report = try await SyncSimulation.run(seed: seed, store: SyncSimulation.memory, workers: 3)
            #expect(report.violations.isEmpty, "\(report)")
        }
    }

    @Test func aSeedReplaysExactly() async throws {
        for seed in [UInt64(7), 42] {
            let first = try await SyncSimulation.run(seed: seed, store: SyncSimulation.memory)
            let second = try await SyncSimulation.run(seed: seed, store: SyncSimulation.memory)
            #expect(first.calls == second.calls && first.seconds == second.seconds && first.acknowledged == second.acknowledged
                    && first.deadLettered == second.deadLettered)
            #expect(first.plan == second.plan)
        }
    }

    /// An outbox that answers "unchanged" for any version it ever held (the rule before the model
    /// was written down): the revert scenario must catch it, and the shrinker keep the revert.
    @Test func thePlantedDefectOfDroppingRevertsIsCaught() async throws {
        let report = try await SyncSimulation.run(seed: 1, store: DroppingReverts(), scenario: .revert)
        #expect(report.violations.contains { $0.invariant == .lastWriteWins }, "\(report)")
        #expect(report.violations.contains { $0.invariant == .order }, "\(report)")
        let shrunk = try await SyncSimulation.shrink(SyncSimulation.Scenario.revert.plan(seed: 1), seed: 1) { DroppingReverts() }
        let plan = try #require(shrunk?.plan)
        #expect(plan.enqueues.filter { $0.dossier == 1 }.map(\.content) == [1, 2, 1])
        #expect(plan.enqueues.count <= 4)
    }
}

/// A store whose outbox drops reverts (see above).
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
private struct DroppingReverts: SimulatedOutboxStore {
    let inner = SyncSimulation.memory
    var sharedAcrossProcesses: Bool { true }
    func open(now: @escaping @Sendable () -> Date) async throws -> any Outbox { RevertDropper(try await inner.open(now: now)) }
    func close(_ outbox: any Outbox) async {}
    func cleanUp() async {}
}

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
private final class RevertDropper: Outbox, @unchecked Sendable {
    let base: any Outbox
    private let lock = NSLock()
    private var seen: [String: UInt64] = [:]
    init(_ base: any Outbox) { self.base = base }

    func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        for change in changes {
            if let earlier = lock.withLock({ seen[change.fingerprint] }) {
                outcomes.append(.unchanged(sequence: earlier))
                continue
            }
            let outcome = try await base.append([change], validate: validate)
            if case .appended(let sequence)? = outcome.first { lock.withLock { seen[change.fingerprint] = sequence } }
            outcomes += outcome
        }
        return outcomes
    }
    func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry] { try await base.claim(limit: limit, lease: lease, excluding: excluding) }
    func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws { try await base.acknowledge(claims, known: known) }
    func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64> { try await base.renew(claims, lease: lease) }
    func release(_ releases: [Release]) async throws { try await base.release(releases) }
    func deadLetter(_ letters: [DeadLetterRequest]) async throws { try await base.deadLetter(letters) }
    func deadLetters(matching filter: DeadLetterFilter) async throws -> [DeadLetter] { try await base.deadLetters(matching: filter) }
    func requeue(matching filter: DeadLetterFilter) async throws -> Int { try await base.requeue(matching: filter) }
    func purge(matching filter: DeadLetterFilter) async throws -> Int { try await base.purge(matching: filter) }
    func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode> { try await base.knownToPortal(codes) }
    func counts() async throws -> [String: OutboxCounts] { try await base.counts() }
}
