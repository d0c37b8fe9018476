/// The engine's inputs are DVCCore's models.
public import DVCCore
/// The engine sends through DVCClient's `PortalClient`.
public import DVCClient
/// `Date` and `Duration` appear in this file's public API.
public import Foundation

/// Pushes every dossier and its progress to the portal and loses none (bộ đồng bộ hồ sơ):
/// validate before accepting, store durably, send in concurrent batches, retry what failed
/// transiently, and dead-letter only what the portal refused for good.
///
/// ```swift
/// let engine = SyncEngine(client: client, outbox: try FileOutbox(url: journalURL))
/// try await engine.enqueue(dossier, progress: [entry])   // durable when it returns
/// let round = await engine.sync()                        // or: await engine.syncUntilDone()
/// print(await engine.report())                           // per agency: received, synced, pending, rejected
/// ```
///
/// What it guarantees, where the open-source reference system sends one dossier per call, never
/// retries, and lets one failure block a dossier forever:
///
/// - **Order per dossier.** Versions of one dossier go in the order they were enqueued, one at a
///   time, however many batches are in flight (``Configuration/concurrency``).
/// - **Create or update** is decided from the outbox; a create answered "already exists" (its
///   acknowledgement was lost) is resent as an update, so a retry never creates a dossier twice.
/// - **Isolation.** A refused batch is retried one dossier at a time; a batch that keeps failing
///   transiently is split in halves until the dossier at fault is alone; an HTTP 413 halves the
///   batch size. Only the dossier at fault is dead-lettered, with a reason of its own kind.
/// - **No refusal storms.** A refusal the next dossiers share (same code and message, ``Configuration/systemicRefusalThreshold``
///   in a row) is systemic — a misconfiguration or an outage answered as a refusal — and stops the
///   round with nothing dead-lettered. Transient failures dead-letter an entry only after
///   ``Configuration/maximumAttempts`` attempts, failing alone, while the portal accepts others.
/// - **At least once.** An entry is acknowledged only after the portal confirmed its dossier and
///   all its progress; what was confirmed is remembered, so a retry sends only the rest. A reply
///   lost after the portal applied a progress push means that push may reach the portal twice.
public actor SyncEngine {
    /// The client every call goes through.
    public nonisolated let client: PortalClient
    /// The outbox (a ``FileOutbox``, or your own ``Outbox``).
    public nonisolated let outbox: any Outbox
    /// Batching, concurrency and validation settings.
    public nonisolated let configuration: Configuration

    /// The batch size in use: ``Configuration/dossierBatchSize``, halved by an HTTP 413 and
    /// doubled back, up to the configured size, by each full batch that goes through.
    var batchSize: Int
    /// Progress entries per call: ``Configuration/progressBatchSize``, halved by an HTTP 413.
    var progressBatchSize: Int
    /// When a call of each operation that the portal accepted last started (an ``EventOrder``
    /// tick): an entry is dead-lettered for exhausted attempts only if the portal accepted the
    /// same operation for others after it began to fail, and a refused dossier only after the
    /// portal accepted another dossier sent after the refusal.
    var acceptances: [DeliveryOperation: [Span]] = [:]
    /// The last transient failure of each entry that failed alone in this process.
    var lastFailures: [UInt64: Span] = [:]
    /// The order of calls and answers: what "before" and "after" mean for the evidence above.
    nonisolated let order = EventOrder()
    /// What the portal's refusals of entries sent alone have shown so far.
    var suspicions: [UInt64: Suspicion] = [:]
    /// Callers waiting for the round in progress (`nil`: no round runs).
    private var sharers: [CheckedContinuation<Round, Never>]?

    /// Creates an engine over a client and an outbox.
    public init(client: PortalClient, outbox: any Outbox, configuration: Configuration = .init()) {
        self.client = client
        self.outbox = outbox
        self.configuration = configuration
        self.batchSize = configuration.dossierBatchSize
        self.progressBatchSize = configuration.progressBatchSize
    }

    // MARK: - Enqueue

    /// Validates a dossier version and its progress, then appends them to the outbox; returns once
    /// the entry is durable. A version identical to one the outbox already holds (pending or
    /// acknowledged) is not appended again: the call returns ``AppendOutcome/unchanged(sequence:)``.
    ///
    /// Checked: every rule of `Dossier.validate(against:)` at error severity (agency code, dossier
    /// code against its agency and date, procedure code, lengths), with the previous version's
    /// status, and that every progress entry belongs to this dossier.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/invalid`` naming each field and rule
    ///   (nothing is written), or ``SyncError/Code/outbox`` when the outbox cannot be written.
    @discardableResult
    public func enqueue(_ dossier: Dossier, progress: [ProgressEntry] = []) async throws(SyncError) -> AppendOutcome {
        let outcome = try await enqueue(contentsOf: [DossierChange(dossier, progress: progress)])
        if case .invalid(let issues)? = outcome.first { throw SyncError(code: .invalid, dossierCode: dossier.code.rawValue, issues: issues) }
        guard let first = outcome.first else { throw SyncError(code: .outbox, dossierCode: dossier.code.rawValue) }
        return first
    }

    /// Validates and appends many dossier versions with one durable write — for loading a
    /// backlog. Each is checked as ``enqueue(_:progress:)`` checks one (versions of one dossier
    /// against each other, in order); invalid ones are left out and returned with their issues.
    /// - Returns: one outcome per change, in order.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/outbox`` when the outbox cannot be
    ///   written; then none of the changes was accepted.
    public func enqueue(contentsOf changes: [DossierChange]) async throws(SyncError) -> [AppendOutcome] {
        guard !changes.isEmpty else { return [] }
        var changes = changes
        if let mapping = configuration.codeMapping {
            for index in changes.indices { changes[index].dossier = changes[index].dossier.mapped(by: mapping) }
        }
        let label = changes.count == 1 ? changes[0].dossier.code.rawValue : "(\(changes.count) dossiers)"
        do {
            // A large batch (a backlog being loaded) is encoded on every core (the map uses at
            // most one thread per processor), in order; the first failure in order is thrown.
            let all = changes
            let encoded = try ParallelMap.map(count: all.count, concurrency: all.count >= 256 ? .max : 1, block: 16, state: {}) { _, index in
                Result { try all[index].encoded() }
            }.map { try $0.get() }
            return try await outbox.append(encoded, validate: checker(for: changes))
        } catch {
            throw SyncError(code: .outbox, dossierCode: label, underlying: error)
        }
    }

    /// The check `enqueue` applies to `changes[index]`: the validation context (unit from the
    /// client unless set), the previous version's status, and progress entries that belong to
    /// their dossier.
    private func checker(for changes: [DossierChange]) -> @Sendable (Int, LatestVersion?) -> [ValidationIssue] {
        var base = configuration.validation ?? DossierValidationContext()
        if base.syncingUnit == nil { base.syncingUnit = try? AgencyCode(client.configuration.unitCode) }
        let context = base
        return { index, latest in
            let change = changes[index]
            var context = context
            context.previousStatus = latest?.status
            var issues = change.dossier.validate(against: context).filter { $0.severity == .error }
            for (position, entry) in change.progress.enumerated() where entry.dossierCode != change.dossier.code {
                issues.append(ValidationIssue(path: "progress[\(position)].MaHoSo", rule: .progressDossierMismatch,
                                              message: "progress entry for \(entry.dossierCode.rawValue) enqueued with dossier \(change.dossier.code.rawValue)"))
            }
            return issues
        }
    }

    // MARK: - Sync

    /// Sends what is claimable, in concurrent batches, until nothing claimable is left, the round
    /// stops early (``Round/stopReason``) or the caller is cancelled.
    ///
    /// Never throws: transient failures stay pending, refusals proven to be a dossier's own become
    /// dead letters, an outbox that cannot be written stops the round. Only one round runs at a
    /// time: a second caller shares the round in progress (and gets its outcome).
    ///
    /// The round runs in the calling task (its child tasks inherit the caller's priority and task
    /// executor). Cancelling that caller stops the round: no new call starts, and what was not
    /// settled stays pending.
    public func sync() async -> Round {
        if sharers != nil {
            return await withCheckedContinuation { continuation in sharers?.append(continuation) }
        }
        sharers = []
        let round = await runRound()
        let waiting = sharers ?? []
        sharers = nil
        for sharer in waiting { sharer.resume(returning: round) }
        return round
    }

    /// One round that is cancelled when `deadline` passes (what it did not settle stays pending).
    private func sync(until deadline: ContinuousClock.Instant?) async -> Round {
        guard let deadline else { return await sync() }
        return await withTaskGroup(of: Round?.self) { group in
            group.addTask { await self.sync() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            var round: Round?
            for await finished in group {
                if let finished {
                    round = finished
                    break
                }
                group.cancelAll()
            }
            group.cancelAll()
            return round ?? Round()
        }
    }

    /// Runs rounds until nothing is pending (dead letters aside), everything pending is held for
    /// lack of evidence (refused while nothing else went through: see ``Round/held``), `deadline`
    /// passes or the caller is cancelled; after a round that settled nothing or stopped early it waits — 1 s, then
    /// twice as long each time, at most `maximumBackoff` — and says so with a
    /// ``DVCClient/PortalEvent/Kind/backoff`` event.
    /// - Parameter afterRound: called after each round, e.g. to print progress.
    /// - Returns: every round's outcome, in order.
    @discardableResult
    public func syncUntilDone(deadline: ContinuousClock.Instant? = nil, maximumBackoff: Duration = .seconds(30),
                              afterRound: (@Sendable (Round) async -> Void)? = nil) async -> [Round] {
        var rounds: [Round] = []
        var backoff = Duration.seconds(1)
        while !Task.isCancelled {
            if let deadline, ContinuousClock.now >= deadline { break }
            let round = await sync(until: deadline)
            rounds.append(round)
            await afterRound?(round)
            if round.cancelled || round.stopReason == .outbox { break }
            if round.remaining == 0 { break }
            // Everything left is held for lack of evidence (refused while nothing else went
            // through): another round now would be refused the same way. They wait for the next
            // run, when other dossiers give the evidence.
            if round.stopReason == nil && round.held > 0 && round.held >= round.remaining { break }
            if round.madeProgress && !round.stoppedEarly {
                backoff = .seconds(1)
                continue
            }
            var wait = min(backoff, maximumBackoff)
            if let deadline { wait = min(wait, max(.zero, deadline - ContinuousClock.now)) }
            guard wait > .zero else { break }
            configuration.eventSink?.record(.sync(.backoff, "waiting \(wait) before the next round",
                                                  ["delay": "\(wait)", "why": round.stopReason?.rawValue ?? "no progress"]))
            do { try await configuration.sleeper.sleep(for: wait) } catch { break }
            backoff = min(backoff * 2, maximumBackoff)
        }
        return rounds
    }

    // MARK: - Status and dead letters

    /// Pending, acknowledged, dead-lettered and purged counts per receiving agency, and how long
    /// the oldest pending entry has waited.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/outbox`` when the outbox cannot be read.
    public func status(at now: Date? = nil) async throws(SyncError) -> SyncStatus {
        do { return SyncStatus(counts: try await outbox.counts(), at: now ?? configuration.now()) } catch {
            throw SyncError(code: .outbox, dossierCode: "", underlying: error)
        }
    }

    /// ``status(at:)`` with every dead letter and its reason.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/outbox`` when the outbox cannot be read.
    public func report() async throws(SyncError) -> SyncReport {
        do { return SyncReport(status: try await status(), deadLetters: try await outbox.deadLetters(matching: .all)) } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError(code: .outbox, dossierCode: "", underlying: error)
        }
    }
}
