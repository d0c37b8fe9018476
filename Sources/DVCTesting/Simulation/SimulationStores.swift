import DVCClient
import DVCCore
import DVCSync
import Foundation

// MARK: - Stores

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
final class MemoryStore: SimulatedOutboxStore, @unchecked Sendable {
    private let lock = NSLock()
    private var outbox: InMemoryOutbox?
    var sharedAcrossProcesses: Bool { true }
    func open(now: @escaping @Sendable () -> Date) async throws -> any Outbox {
        lock.withLock {
            if let outbox { return outbox }
            let made = InMemoryOutbox(now: now)
            outbox = made
            return made
        }
    }
    func close(_ outbox: any Outbox) async {}
    func cleanUp() async {}
}

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
struct FileStore: SimulatedOutboxStore {
    let directory: URL
    var sharedAcrossProcesses: Bool { false }
    var journal: URL { directory.appendingPathComponent("outbox.journal") }
    func open(now: @escaping @Sendable () -> Date) async throws -> any Outbox {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try FileOutbox(url: journal, io: .simulated, now: now)
    }
    func close(_ outbox: any Outbox) async { await (outbox as? FileOutbox)?.close() }
    func cleanUp() async { try? FileManager.default.removeItem(at: directory) }
}

/// A worker's handle on the store: it forwards every call until its process "dies", then refuses
/// them all (as a dead process does nothing more), and tells the run what was acknowledged.
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
final class WorkerOutbox: Outbox, @unchecked Sendable {
    let base: any Outbox
    private let lock = NSLock()
    private var alive = true
    let onAcknowledge: @Sendable ([Claim]) -> Void

    init(_ base: any Outbox, onAcknowledge: @escaping @Sendable ([Claim]) -> Void) {
        self.base = base
        self.onAcknowledge = onAcknowledge
    }

    func kill() { lock.withLock { alive = false } }

    private func check() throws {
        if !lock.withLock({ alive }) { throw OutboxError(.io, "the worker's process died") }
    }

    func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        try check()
        return try await base.append(changes, validate: validate)
    }
    func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry] {
        try check()
        return try await base.claim(limit: limit, lease: lease, excluding: excluding)
    }
    func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws {
        try check()
        onAcknowledge(claims)
        try await base.acknowledge(claims, known: known)
    }
    func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64> {
        try check()
        return try await base.renew(claims, lease: lease)
    }
    func release(_ releases: [Release]) async throws {
        try check()
        try await base.release(releases)
    }
    func deadLetter(_ letters: [DeadLetterRequest]) async throws {
        try check()
        try await base.deadLetter(letters)
    }
    func deadLetters(matching filter: DeadLetterFilter) async throws -> [DeadLetter] {
        try check()
        return try await base.deadLetters(matching: filter)
    }
    func requeue(matching filter: DeadLetterFilter) async throws -> Int {
        try check()
        return try await base.requeue(matching: filter)
    }
    func purge(matching filter: DeadLetterFilter) async throws -> Int {
        try check()
        return try await base.purge(matching: filter)
    }
    func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode> {
        try check()
        return try await base.knownToPortal(codes)
    }
    func counts() async throws -> [String: OutboxCounts] {
        try check()
        return try await base.counts()
    }
}

/// Prints the engine's and the portal's events with the virtual time (`DVC_SIM_TRACE=1`), to
/// follow a failing seed.
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
struct TraceSink: PortalEventSink {
    let worker: Int
    let scheduler: SimulationScheduler
    var wantsBodies: Bool { false }
    func record(_ event: PortalEvent) {
        FileHandle.standardError.write(Data(String(format: "%9.3f w%d %@ %@\n", scheduler.seconds, worker, event.description, "").utf8))
    }
    static let enabled = ProcessInfo.processInfo.environment["DVC_SIM_TRACE"] == "1"
}

/// A seeded generator behind a lock, for the client's retry jitter.
final class SharedRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var random: SimulationRandom
    init(seed: UInt64) { random = SimulationRandom(seed: seed) }
    func unit() -> Double { lock.withLock { random.unit() } }
}
