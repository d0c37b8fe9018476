/// The engine's inputs are DVCCore's models.
public import DVCCore
/// The engine sends through DVCClient's `PortalClient`.
public import DVCClient

/// Pushes every dossier and its progress to the portal and loses none (bộ đồng bộ hồ sơ):
/// validate before accepting, journal durably, send in batches, retry what failed transiently,
/// dead-letter only what the portal refused for good (design.md, "How a dossier flows").
///
/// ```swift
/// let engine = SyncEngine(client: client, outbox: try FileOutbox(url: journalURL))
/// try await engine.enqueue(dossier, progress: [entry])   // durable when it returns
/// let round = await engine.sync()                        // call again on a schedule
/// print(await engine.report())                           // per agency: received, synced, pending, rejected
/// ```
///
/// What it does differently from the open-source reference system, which sends one dossier per
/// call, never retries, and lets one failure block a dossier forever (spec/portal-protocol.md §9):
///
/// - **Batches.** Up to ``Configuration/dossierBatchSize`` dossiers per `DongBoHoSoMC` call and
///   ``Configuration/progressBatchSize`` entries per `CapNhatTienDoHoSoMC` call.
/// - **Create vs update** is decided from the journal: a dossier whose create was acknowledged
///   goes as an update. A create the portal answers "already exists" (e.g. the acknowledgement was
///   lost to a timeout) is resent as an update, so a retry is never a duplicate.
/// - **Order per dossier.** Versions of one dossier go in the order they were enqueued, one
///   version per batch, so the portal sees every status transition.
/// - **Isolation.** When the portal refuses a batch, the batch is retried one dossier at a time, so
///   only the dossier at fault is dead-lettered (with the portal's reason); the others go through.
///   A dossier whose version failed transiently waits for the next round; others carry on.
/// - **At least once.** An entry is acknowledged in the journal only after the portal confirmed
///   both the dossier and its progress; if the confirmation is lost, the next round sends it again
///   (the dossier as an update; progress entries may then reach the portal twice).
public actor SyncEngine {
    /// How the engine batches and when a round gives up.
    public struct Configuration: Sendable {
        /// Dossiers per `DongBoHoSoMC` call. Whether the portal limits this is not known
        /// (spec/portal-protocol.md §14, open question 4, [U]); 50 is a conservative default.
        public var dossierBatchSize: Int
        /// Progress entries per `CapNhatTienDoHoSoMC` call; 10, as X-TD sends (spec §6) [U].
        public var progressBatchSize: Int
        /// After this many batches in a row fail transiently (after the client's own retries),
        /// the round stops: the portal is down, and hammering it helps nobody.
        public var maximumConsecutiveFailures: Int
        /// What a dossier is checked against before it is accepted. `syncingUnit` defaults to the
        /// client's unit code; `previousStatus` is filled from the journal per dossier.
        public var validation: DossierValidationContext?
        /// After a round, the journal is compacted (``FileOutbox/compact()``) once it holds this many
        /// records only history needs; `nil` never compacts automatically.
        public var compactionThreshold: Int?

        /// Creates a configuration.
        public init(dossierBatchSize: Int = 50, progressBatchSize: Int = 10, maximumConsecutiveFailures: Int = 3,
                    validation: DossierValidationContext? = nil, compactionThreshold: Int? = 100_000) {
            self.dossierBatchSize = max(1, dossierBatchSize)
            self.progressBatchSize = max(1, progressBatchSize)
            self.maximumConsecutiveFailures = max(1, maximumConsecutiveFailures)
            self.validation = validation
            self.compactionThreshold = compactionThreshold.map { max(1, $0) }
        }
    }

    /// The outcome of one ``SyncEngine/sync()`` round.
    public struct Round: Sendable, CustomStringConvertible {
        /// Entries acknowledged in this round.
        public var acknowledged = 0
        /// Entries dead-lettered in this round.
        public var deadLettered = 0
        /// Portal calls made (batches and single-dossier retries; the client's own retries not counted).
        public var calls = 0
        /// Batches that failed transiently and stay pending.
        public var transientFailures = 0
        /// Entries still pending after the round.
        public var remaining = 0
        /// The last transient error, if any (redacted like every ``PortalError``).
        public var lastError: PortalError?
        /// Whether the round stopped early after ``Configuration/maximumConsecutiveFailures``.
        public var stoppedEarly = false
        /// Whether the round stopped because its task was cancelled.
        public var cancelled = false
        /// Whether the journal was compacted after the round (``Configuration/compactionThreshold``).
        public var compacted = false
        /// Why compaction failed, if it did (the journal is intact; it is tried again next round).
        public var compactionError: OutboxError?

        /// One line.
        public var description: String {
            "acknowledged \(acknowledged), dead-lettered \(deadLettered), calls \(calls), transient failures \(transientFailures), remaining \(remaining)"
                + (stoppedEarly ? " (stopped early: \(lastError.map(String.init(describing:)) ?? "portal unavailable"))" : "")
        }
    }

    /// The client every call goes through.
    public nonisolated let client: PortalClient
    /// The durable outbox (a ``FileOutbox``, or your own ``Outbox``).
    public nonisolated let outbox: any Outbox
    /// Batching and validation settings.
    public nonisolated let configuration: Configuration

    /// Creates an engine over a client and an outbox.
    public init(client: PortalClient, outbox: any Outbox, configuration: Configuration = .init()) {
        self.client = client
        self.outbox = outbox
        self.configuration = configuration
    }

    // MARK: - Enqueue

    /// Validates a dossier version and its progress, then appends them to the outbox; returns once
    /// the entry is durable on disk.
    ///
    /// Checked: every rule of `Dossier.validate(against:)` (agency code, dossier code against its
    /// agency and date, procedure code, lengths, the status transition from the last version
    /// enqueued), and that every progress entry belongs to this dossier.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/invalid`` naming each field and rule
    ///   (nothing is written), or ``SyncError/Code/outbox`` when the journal cannot be written.
    @discardableResult
    public func enqueue(_ dossier: Dossier, progress: [ProgressEntry] = []) async throws(SyncError) -> OutboxEntry {
        switch try await enqueue(contentsOf: [(dossier, progress)]).first {
        case .success(let entry): return entry
        case .failure(let invalid): throw SyncError(code: .invalid, dossierCode: dossier.code.rawValue, issues: invalid.issues)
        case nil: throw SyncError(code: .outbox, dossierCode: dossier.code.rawValue)
        }
    }

    /// Validates and appends many dossier versions with one `fsync` — for loading a backlog.
    /// Each is checked as ``enqueue(_:progress:)`` checks one (versions of one dossier against each
    /// other in order); invalid ones are left out and returned with their issues.
    /// - Returns: per input, in order, its entry or the issues that kept it out.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/outbox`` when the journal cannot be
    ///   written; then none of the batch was accepted.
    public func enqueue(contentsOf changes: [(dossier: Dossier, progress: [ProgressEntry])]) async throws(SyncError) -> [Result<OutboxEntry, InvalidEntry>] {
        guard !changes.isEmpty else { return [] }
        do { return try await outbox.append(contentsOf: changes, ifValid: checker(for: changes)) } catch {
            throw SyncError(code: .outbox, dossierCode: changes.count == 1 ? changes[0].dossier.code.rawValue : "(\(changes.count) dossiers)", underlying: error)
        }
    }

    /// The check `enqueue` applies to `changes[index]`: the validation context (unit from the
    /// client unless set), the previous status from the journal, and progress entries that
    /// belong to their dossier.
    private func checker(for changes: [(dossier: Dossier, progress: [ProgressEntry])]) -> @Sendable (Int, DossierStatus?) -> [ValidationIssue] {
        var base = configuration.validation ?? DossierValidationContext()
        if base.syncingUnit == nil { base.syncingUnit = try? AgencyCode(client.configuration.unitCode) }
        let context = base
        return { index, previousStatus in
            let (dossier, progress) = changes[index]
            var context = context
            context.previousStatus = previousStatus
            var issues = dossier.validate(against: context).filter { $0.severity == .error }
            for (position, entry) in progress.enumerated() where entry.dossierCode != dossier.code {
                issues.append(ValidationIssue(path: "progress[\(position)].MaHoSo", rule: .progressDossierMismatch,
                                              message: "progress entry for \(entry.dossierCode.rawValue) enqueued with dossier \(dossier.code.rawValue)"))
            }
            return issues
        }
    }

    // MARK: - Sync

    /// Sends what is pending, in waves: each wave takes the oldest pending version of every dossier
    /// not yet handled or failed in this round, in batches, until nothing is left to try.
    ///
    /// Never throws: transient failures stay pending (see ``Round/lastError``), refusals become
    /// dead letters. A journal that cannot be written stops the round (``Round/lastError`` is nil
    /// and ``Round/stoppedEarly`` is set); nothing acknowledged is lost, at worst resent.
    public func sync() async -> Round {
        // One round at a time: a second caller shares the round in progress rather than sending
        // the same entries twice (the actor is re-entrant at every await).
        if let current { return await current.value }
        let task = Task { await self.runRound() }
        current = task
        // Cancelling the caller stops the round between batches; what was not sent stays pending.
        let round = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        current = nil
        return round
    }

    private var current: Task<Round, Never>?

    private func runRound() async -> Round {
        var round = Round()
        var failed: Set<String> = []         // dossiers with a transient failure this round: wait for the next
        var consecutiveFailures = 0
        waves: while true {
            let pending = await outbox.pending
            var seen: Set<String> = []
            var wave: [OutboxEntry] = []
            for entry in pending where !failed.contains(entry.dossier.code.rawValue) {
                if seen.insert(entry.dossier.code.rawValue).inserted { wave.append(entry) }
            }
            guard !wave.isEmpty else { break }
            for start in stride(from: 0, to: wave.count, by: configuration.dossierBatchSize) {
                if Task.isCancelled {
                    round.cancelled = true
                    break waves
                }
                let batch = Array(wave[start..<min(start + configuration.dossierBatchSize, wave.count)])
                let outcome = await send(batch, round: &round)
                switch outcome {
                case .done:
                    consecutiveFailures = 0
                case .transient(let error, let codes):
                    failed.formUnion(codes)
                    round.transientFailures += 1
                    round.lastError = error
                    consecutiveFailures += 1
                    if consecutiveFailures >= configuration.maximumConsecutiveFailures {
                        round.stoppedEarly = true
                        break waves
                    }
                case .journalFailed:
                    round.stoppedEarly = true
                    break waves
                }
            }
        }
        round.remaining = await outbox.pending.count
        if let threshold = configuration.compactionThreshold, await outbox.reclaimableRecords >= threshold {
            do {
                try await outbox.compact()
                round.compacted = true
            } catch {
                round.compactionError = error as? OutboxError ?? OutboxError(message: "\(error)")
            }
        }
        return round
    }

    /// Per agency: received, synced, pending, rejected (with reasons).
    public func report() async -> SyncReport { await outbox.report() }

    private enum Outcome {
        case done
        case transient(PortalError, codes: [String])
        case journalFailed
    }

    /// Sends one batch (one version per dossier): dossiers (creates, then updates), then progress.
    private func send(_ batch: [OutboxEntry], round: inout Round) async -> Outcome {
        var creates: [OutboxEntry] = [], updates: [OutboxEntry] = []
        for entry in batch {
            if await outbox.isKnownToPortal(entry.dossier.code) { updates.append(entry) } else { creates.append(entry) }
        }
        var delivered: [OutboxEntry] = []
        for (group, isUpdating) in [(creates, false), (updates, true)] where !group.isEmpty {
            round.calls += 1
            do {
                try await client.syncDossiers(group.map(\.dossier), isUpdating: isUpdating)
                delivered += group
            } catch where Self.isPermanent(error) {
                // One bad dossier must not sink the batch: go one by one.
                for entry in group {
                    switch await sendAlone(entry, isUpdating: isUpdating, round: &round) {
                    case .delivered: delivered.append(entry)
                    case .refused: continue
                    case .transient(let error): return await finish(delivered, round: &round, failure: (error, [entry.dossier.code.rawValue]))
                    case .journalFailed: return .journalFailed
                    }
                }
            } catch {
                return await finish(delivered, round: &round, failure: (error, group.map(\.dossier.code.rawValue)))
            }
        }
        return await finish(delivered, round: &round, failure: nil)
    }

    private enum Single { case delivered, refused, transient(PortalError), journalFailed }

    /// Sends one dossier. "Already exists" on a create is resent as an update; a refused update is
    /// tried once as a create (the journal may say the portal has a dossier it no longer has, e.g.
    /// after the portal's data was reset — the refusal's wording is not standardised, so DVCKit does
    /// not parse it). What the portal still refuses is dead-lettered with the first refusal's reason.
    private func sendAlone(_ entry: OutboxEntry, isUpdating: Bool, round: inout Round) async -> Single {
        var isUpdating = isUpdating
        var triedCreate = !isUpdating, triedUpdate = isUpdating
        var firstRefusal: PortalError?
        while true {
            round.calls += 1
            do {
                try await client.syncDossiers([entry.dossier], isUpdating: isUpdating)
                return .delivered
            } catch where Self.isPermanent(error) && (error.code == .alreadyExists ? !triedUpdate : !triedCreate) {
                if error.code != .alreadyExists { firstRefusal = firstRefusal ?? error }
                isUpdating.toggle()
                triedCreate = triedCreate || !isUpdating
                triedUpdate = triedUpdate || isUpdating
            } catch where Self.isPermanent(error) {
                let refusal = error.code == .alreadyExists ? (firstRefusal ?? error) : error
                do { try await outbox.deadLetter(entry.sequence, reason: Self.reason(refusal)) } catch { return .journalFailed }
                round.deadLettered += 1
                return .refused
            } catch {
                return .transient(error)
            }
        }
    }

    /// Sends the delivered dossiers' progress, then records in one journal write that they are known
    /// to the portal and which entries are acknowledged.
    ///
    /// A refused progress chunk is resent one dossier at a time; progress the portal refuses for
    /// good dead-letters its entry (the reason says the dossier itself reached the portal), so it
    /// does not hold back the dossier's later versions.
    private func finish(_ delivered: [OutboxEntry], round: inout Round, failure: (PortalError, [String])?) async -> Outcome {
        guard !delivered.isEmpty else { return failure.map { .transient($0.0, codes: $0.1) } ?? .done }
        var failure = failure
        var held: Set<String> = []      // dossiers whose progress did not get through
        let progress = delivered.flatMap(\.progress)
        for start in stride(from: 0, to: progress.count, by: configuration.progressBatchSize) {
            let chunk = Array(progress[start..<min(start + configuration.progressBatchSize, progress.count)])
            round.calls += 1
            do { try await client.updateProgress(chunk) } catch where Self.isPermanent(error) {
                for entry in delivered where chunk.contains(where: { $0.dossierCode == entry.dossier.code }) && !held.contains(entry.dossier.code.rawValue) {
                    held.insert(entry.dossier.code.rawValue)
                    round.calls += 1
                    do {
                        try await client.updateProgress(entry.progress)
                        try await outbox.acknowledge([entry.sequence], known: [entry.dossier.code])
                        round.acknowledged += 1
                    } catch let error as PortalError where Self.isPermanent(error) {
                        do {
                            try await outbox.deadLetter(entry.sequence, reason: "the dossier reached the portal; its progress was refused: \(Self.reason(error))")
                        } catch { return .journalFailed }
                        round.deadLettered += 1
                    } catch let error as PortalError {
                        failure = (error, (failure?.1 ?? []) + [entry.dossier.code.rawValue])
                    } catch {
                        return .journalFailed
                    }
                }
            } catch {
                held.formUnion(chunk.map(\.dossierCode.rawValue))
                failure = (error, (failure?.1 ?? []) + chunk.map(\.dossierCode.rawValue))
            }
        }
        let acknowledged = delivered.filter { !held.contains($0.dossier.code.rawValue) }
        do { try await outbox.acknowledge(acknowledged.map(\.sequence), known: delivered.map(\.dossier.code)) } catch { return .journalFailed }
        round.acknowledged += acknowledged.count
        return failure.map { .transient($0.0, codes: $0.1) } ?? .done
    }

    /// Refusals that resending unchanged cannot fix.
    static func isPermanent(_ error: PortalError) -> Bool {
        error.code == .rejected || error.code == .alreadyExists || error.code == .invalidRequest
    }

    static func reason(_ error: PortalError) -> String {
        error.portalMessage.map { "\(error.operation) error_code \(error.portalCode ?? "?"): \($0)" } ?? error.description
    }
}
