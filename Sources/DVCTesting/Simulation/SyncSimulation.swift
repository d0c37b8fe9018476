/// The simulation drives DVCSync's engine over any outbox.
public import DVCSync
/// `Date` and `URL` appear in this file's public API.
public import Foundation
import DVCClient
import DVCCore

/// Where a ``SyncSimulation`` keeps its outbox: the store under test (kho mô phỏng). DVCTesting
/// provides ``memory`` and ``file(in:)``; the SQLite and PostgreSQL integrations' tests provide
/// theirs, and so can a user's own outbox on another database.
public protocol SimulatedOutboxStore: Sendable {
    /// Whether several processes share the store (a database): a crash then takes one worker and
    /// leaves the others running. Otherwise (a journal file) the workers are one process and a
    /// crash takes them all.
    var sharedAcrossProcesses: Bool { get }
    /// Opens a handle on the store, as a process starting would; `now` is the simulation's clock.
    func open(now: @escaping @Sendable () -> Date) async throws -> any Outbox
    /// Closes a handle (its process died).
    func close(_ outbox: any Outbox) async
    /// Removes what the store left (files, tables), after the run.
    func cleanUp() async
}

/// A deterministic simulation of the whole sync path (mô phỏng đồng bộ tất định): the **real**
/// ``SyncEngine`` over a real outbox, against a simulated portal, driven by one seeded generator
/// and a virtual clock — latency, refusals, storms, outages, HTTP 413 and 500, lost answers,
/// expired sessions, refused logins, skewed clocks, crashes — and then checks the delivery
/// model's invariants (the DVCSync documentation's "Sync guarantees"):
///
/// - **I1 nothing stranded**: at the end every enqueued version is acknowledged or dead-lettered.
/// - **I2 order**: per dossier the portal never receives an older version after a newer one, and
///   ends on the latest one unless that one was dead-lettered.
/// - **I3 no duplicate create** of a dossier the outbox knows the portal holds.
/// - **I4 progress** after its dossier, in order, once (twice only where an answer was lost).
/// - **I5 truthful**: nothing is acknowledged that the portal did not receive whole.
/// - **I6 isolation**: only versions at fault are dead-lettered; no portal-wide condition does it.
/// - **I7 crash safety**: what `enqueue` returned for is kept through crashes.
/// - **I8 last write wins**: only a version equal to the dossier's latest is "unchanged".
///
/// ```swift
/// let report = try await SyncSimulation.run(seed: 42, store: SyncSimulation.memory)
/// #expect(report.violations.isEmpty, "\(report)")
/// ```
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
public enum SyncSimulation {
    /// The password the simulated portal takes.
    static let password = "sim-password"

    /// One of the model's invariants.
    public enum Invariant: String, Sendable, CaseIterable, CustomStringConvertible {
        /// I1: nothing stranded.
        case nothingStranded = "I1"
        /// I2: order per dossier, ending on the latest version.
        case order = "I2"
        /// I3: no duplicate create.
        case noDuplicateCreate = "I3"
        /// I4: progress after its dossier, in order, once.
        case progress = "I4"
        /// I5: nothing acknowledged that the portal did not receive.
        case truthful = "I5"
        /// I6: only versions at fault are dead-lettered.
        case isolation = "I6"
        /// I7: nothing accepted is lost through crashes.
        case crashSafety = "I7"
        /// I8: last write wins.
        case lastWriteWins = "I8"

        /// `I1`…`I8`.
        public var description: String { rawValue }
    }

    /// A broken invariant, with the dossier and what happened.
    public struct Violation: Sendable, CustomStringConvertible {
        /// Which invariant.
        public let invariant: Invariant
        /// The dossier (`MaHoSo`), or empty.
        public let dossier: String
        /// What happened, with a short history.
        public let detail: String

        /// Creates a violation.
        public init(invariant: Invariant, dossier: String, detail: String) {
            self.invariant = invariant
            self.dossier = dossier
            self.detail = detail
        }

        /// `I2 000.00.14.H20-260302-0007: …`.
        public var description: String { "\(invariant) \(dossier.isEmpty ? "" : dossier + ": ")\(detail)" }
    }

    /// What one run did and found.
    public struct Report: Sendable, CustomStringConvertible {
        /// The seed.
        public let seed: UInt64
        /// The scenario, if the plan was one.
        public let scenario: String?
        /// The plan, one line per fault.
        public let plan: [String]
        /// Virtual seconds the run lasted.
        public let seconds: Double
        /// Requests the portal answered.
        public let calls: Int
        /// Entries acknowledged, dead-lettered and still pending at the end.
        public let acknowledged: Int, deadLettered: Int, pending: Int
        /// The invariants it broke.
        public let violations: [Violation]

        /// A few lines.
        public var description: String {
            var lines = ["seed \(seed)\(scenario.map { " (\($0))" } ?? ""): \(Int(seconds)) s simulated, \(calls) calls, acknowledged \(acknowledged), dead-lettered \(deadLettered), pending \(pending), violations \(violations.count)"]
            lines += plan.map { "  plan: \($0)" }
            lines += violations.prefix(12).map { "  \($0)" }
            if violations.count > 12 { lines.append("  … and \(violations.count - 12) more") }
            return lines.joined(separator: "\n")
        }
    }

    // MARK: - Stores

    /// An ``InMemoryOutbox`` shared by every worker (as a database would be).
    public static var memory: any SimulatedOutboxStore { MemoryStore() }

    /// A ``FileOutbox`` journal in `directory` (every worker one process; a crash reopens the journal).
    public static func file(in directory: URL) -> any SimulatedOutboxStore { FileStore(directory: directory) }

    // MARK: - Labels

    static func label(dossier: Int, content: Int) -> String { "d\(dossier).v\(content)" }
    static func versionLabel(ofProgress label: String) -> String { label.components(separatedBy: ".p").first ?? label }
    static func number(of code: String) -> Int { Int(code.suffix(4)) ?? 0 }

    // MARK: - Running

    /// Runs the plan drawn from `seed` (or the named scenario's) over `store` and checks every invariant.
    /// - Throws: ``SimulationScheduler/Stall`` when the run could not finish (a deadlock), or an
    ///   error opening the store.
    public static func run(seed: UInt64, store: any SimulatedOutboxStore, scenario: Scenario? = nil, steps: Int = 24, workers: Int = 1) async throws -> Report {
        let plan = scenario?.plan(seed: seed) ?? SimulationPlan.random(seed: seed, steps: steps, workers: workers)
        return try await run(plan, seed: seed, store: store, scenario: scenario?.rawValue)
    }

    /// Runs `plan` over `store` and checks every invariant.
    public static func run(_ plan: SimulationPlan, seed: UInt64, store: any SimulatedOutboxStore, scenario: String? = nil) async throws -> Report {
        let scheduler = SimulationScheduler()
        let limit = plan.faultEnd + plan.settleTime + 600
        do {
            let report = try await scheduler.run(limit: limit) {
                await SimulationRun(plan: plan, seed: seed, scheduler: scheduler, store: store, scenario: scenario).execute()
            }
            await store.cleanUp()
            return report
        } catch {
            await store.cleanUp()
            throw error
        }
    }
}
