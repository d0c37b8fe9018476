import DVCClient
import DVCCore
import Foundation

/// An entry as a round holds it: what of it reached the portal so far, and the failures this
/// round has not recorded yet.
struct Attempt: Sendable {
    var entry: OutboxEntry
    var failures = 0
    var lastError: PortalError?
    var dossierDelivered: Bool
    var progressDelivered: Int
    /// When it was claimed (an ``EventOrder`` tick): every failure elsewhere came before.
    var claimedAt: UInt64 = 0
    /// Isolated failures counted in this round (added to ``DeliveryState/isolatedFailures`` and
    /// ``DeliveryState/unansweredFailures``).
    var newIsolatedFailures = 0
    var newUnansweredFailures = 0
    /// The portal refused it before and nothing has decided yet: it is sent alone and before the
    /// rest of its batch, so that the rest — accepted after it — is the evidence that decides.
    var suspected = false

    init(_ entry: OutboxEntry) {
        self.entry = entry
        dossierDelivered = entry.delivery.dossierDelivered
        progressDelivered = min(entry.delivery.progressDelivered, entry.progress.count)
    }

    var attempts: Int { entry.delivery.attempts + failures }
    var isComplete: Bool { dossierDelivered && progressDelivered >= entry.progress.count }
    var claim: Claim { entry.claim }

    mutating func fail(_ error: PortalError) {
        failures += 1
        lastError = error
    }

    var isolatedFailures: Int { entry.delivery.isolatedFailures + newIsolatedFailures }
    var unansweredFailures: Int { entry.delivery.unansweredFailures + newUnansweredFailures }
    /// Whether its batch goes alone in the round (see ``SyncEngine/RoundState/probing``).
    var isProbe: Bool { suspected || entry.delivery.isolatedFailures + entry.delivery.unansweredFailures > 0 }

    func release(counting: Bool) -> Release {
        Release(sequence: entry.sequence, lease: entry.lease, failures: counting ? failures : 0,
                lastFailure: lastError.map { SyncEngine.reason($0) }, dossierDelivered: dossierDelivered, progressDelivered: progressDelivered,
                isolatedFailures: counting ? newIsolatedFailures : 0, unansweredFailures: counting ? newUnansweredFailures : 0)
    }
}

/// What the engine knows of an entry the portal refused when it was sent alone: the evidence that
/// decides whether the refusal is the entry's own (then it is dead-lettered) or the portal's
/// (then the entry waits). Kept for the engine's life; an engine that starts again gathers it anew.
struct Suspicion: Sendable {
    /// The call that was refused.
    var operation: DeliveryOperation
    /// What a dead letter would say it was.
    var kind: DeadLetterReason.Kind
    /// The portal's last answer.
    var error: PortalError
    /// The last refusal's call.
    var lastRefusal: Span
    /// Refusals separated by the portal accepting another dossier (refusals with nothing accepted
    /// between them count once), all answered alike.
    var episodes: Int
    /// How they were answered (``SyncEngine/signature(of:)``).
    var signature: String
}

/// The order of what the engine saw (a logical clock): each call's start and each refusal's
/// return takes the next tick, so "accepted after that refusal" never depends on a wall clock's
/// resolution or on two events sharing an instant.
final class EventOrder: @unchecked Sendable {
    private let lock = NSLock()
    private var last: UInt64 = 0

    /// The next tick.
    func next() -> UInt64 {
        lock.withLock {
            last += 1
            return last
        }
    }
}

/// An entry's transient failures that count towards giving it up: episodes separated by the
/// portal accepting the same operation for another entry.
struct FailureEpisodes: Sendable {
    /// The last failure's call.
    var last: Span
}

/// When a call started and when its answer came back (``EventOrder`` ticks). The portal applied
/// the request somewhere in between: a call counts as *after* another only if it started after
/// the other's answer came back, and *between* two others only if it also ended before the
/// second one started — however the network reorders requests in flight.
struct Span: Sendable, Hashable {
    let start: UInt64
    let end: UInt64
}

/// The two calls an entry needs: its dossier, then its progress. Their health is judged apart (an
/// outage of the progress service says nothing about dossiers, and the other way round).
enum DeliveryOperation: String, Sendable, Hashable {
    /// `DongBoHoSoMC`.
    case dossiers = "DongBoHoSoMC"
    /// `CapNhatTienDoHoSoMC`.
    case progress = "CapNhatTienDoHoSoMC"
}

/// What happened to one entry of a batch.
enum EntryOutcome: Sendable {
    /// Not settled by this batch (not tried, cancelled, or its lease could not be kept): it goes
    /// back as it is.
    case open
    /// Dossier and all progress confirmed.
    case delivered
    /// Refused by the portal in a call that carried this entry alone: the dossier, or its progress.
    case refused(PortalError, DeadLetterReason.Kind, span: Span)
    /// Failed transiently in `operation`; `alone` when the call carried nothing else.
    case transient(PortalError, DeliveryOperation, alone: Bool, span: Span)
    /// Logging in failed or the session kept expiring: nothing can get through.
    case systemic(PortalError)
}

/// What a batch's delivery did.
struct BatchResult: Sendable {
    /// Why the batch's dossier call failed as a whole, for the entries in ``failedGroup``.
    enum Failure: Sendable {
        case transient(PortalError)
        case tooLarge(PortalError)
    }

    var batch: Batch
    var outcomes: [EntryOutcome]
    var calls = 0
    var failure: Failure?
    /// Positions (in the batch's items) of the entries whose dossier call failed as a whole.
    var failedGroup: [Int] = []
    /// That call.
    var failedSpan = Span(start: 0, end: 0)
    /// When each call of each operation that the portal accepted in this batch started (so an
    /// acceptance counts as evidence only against refusals that came back before it was sent).
    var accepted: [DeliveryOperation: [Span]] = [:]
    /// Calls that failed transiently, per operation.
    var transientCalls: [DeliveryOperation: Int] = [:]
    /// The outbox could not be read while sending (create or update could not be decided).
    var outboxError: String?
    /// A progress call answered HTTP 413: the progress batch size is halved.
    var progressTooLarge = false

    var items: [Attempt] {
        get { batch.items }
        set { batch.items = newValue }
    }

    mutating func accept(_ operation: DeliveryOperation, _ span: Span) {
        accepted[operation, default: []].append(span)
    }
}

/// Entries sent together, and where they came from: a claim, a half of a split batch, or one
/// entry sent alone to confirm a refusal.
struct Batch: Sendable {
    var items: [Attempt]
    /// The split this batch is a half of, if it is one (its sibling has the same id).
    var split: Int?
}

/// The leases a round holds, as the engine last confirmed them (on its own clock), shared by the
/// round and the batches it sends. A batch starts a call only for entries whose lease is known to
/// last well beyond it; a lease the outbox no longer confirms is lost for good.
final class LeaseKeeper: @unchecked Sendable {
    private let lock = NSLock()
    private var leases: [UInt64: (token: UInt64, until: Date)] = [:]
    private var lost: Set<UInt64> = []
    private let lease: TimeInterval
    /// A call starts only while at least this much of the lease is left: half of it, so that a
    /// call (with the client's own retries) ends well inside the lease, and a renewal every
    /// quarter of it has two chances to land first.
    let margin: TimeInterval

    init(lease: Duration) {
        self.lease = lease.inSeconds
        margin = self.lease / 2
    }

    func claimed(_ claims: [Claim], at moment: Date) {
        lock.withLock { for claim in claims { leases[claim.sequence] = (claim.lease, moment.addingTimeInterval(lease)) } }
    }

    /// `renewed` of `claims` were renewed by a call made at `moment`; the others are lost.
    func renewed(_ renewed: Set<UInt64>, of claims: [Claim], at moment: Date) {
        lock.withLock {
            for claim in claims where leases[claim.sequence]?.token == claim.lease {
                if renewed.contains(claim.sequence) {
                    leases[claim.sequence] = (claim.lease, moment.addingTimeInterval(lease))
                } else {
                    lost.insert(claim.sequence)
                }
            }
        }
    }

    func settled(_ sequences: some Sequence<UInt64>) {
        lock.withLock {
            for sequence in sequences {
                leases[sequence] = nil
                lost.remove(sequence)
            }
        }
    }

    /// Whether a call carrying `sequence` may start at `moment`.
    func mayStart(_ sequence: UInt64, at moment: Date) -> Bool {
        lock.withLock {
            guard !lost.contains(sequence), let held = leases[sequence] else { return false }
            return held.until.timeIntervalSince(moment) >= margin
        }
    }

    /// The claims held now (to renew).
    var claims: [Claim] { lock.withLock { leases.map { Claim(sequence: $0.key, lease: $0.value.token) }.sorted { $0.sequence < $1.sequence } } }
}

extension SyncEngine {
    /// How a failed call is treated.
    enum Judgement { case refused, alreadyExists, tooLarge, transient, systemic, cancelled }

    nonisolated static func judge(_ error: PortalError) -> Judgement {
        if Task.isCancelled || error.underlying is CancellationError { return .cancelled }
        switch error.code {
        case .alreadyExists: return .alreadyExists
        case .rejected, .invalidRequest: return .refused
        case .loginFailed, .sessionExpired: return .systemic
        case .httpStatus where error.httpStatus == 413: return .tooLarge
        default: return .transient
        }
    }

    /// The dead-letter or failure text for an error: the operation, the portal's code and message.
    nonisolated static func reason(_ error: PortalError) -> String {
        error.portalMessage.map { Redaction.text("\(error.operation) error_code \(error.portalCode ?? "?"): \($0)") } ?? error.description
    }

    /// Delivers one batch: the dossiers that still need it (creates, then updates), then the
    /// progress that is left, in order. A call starts only for entries whose lease `leases` still
    /// vouches for.
    nonisolated func deliver(_ batch: Batch, leases: LeaseKeeper, progressBatchSize: Int) async -> BatchResult {
        var result = BatchResult(batch: batch, outcomes: Array(repeating: .open, count: batch.items.count))
        await sendDossiers(&result, leases: leases)
        await sendProgress(&result, leases: leases, chunkSize: progressBatchSize)
        for index in result.items.indices where result.items[index].isComplete {
            if case .open = result.outcomes[index] { result.outcomes[index] = .delivered }
        }
        return result
    }

    /// The positions of `indices` whose entries are still open and may start a call now.
    private nonisolated func startable(_ indices: [Int], _ result: BatchResult, _ leases: LeaseKeeper) -> [Int] {
        let moment = configuration.now()
        return indices.filter { index in
            guard case .open = result.outcomes[index] else { return false }
            return leases.mayStart(result.items[index].entry.sequence, at: moment)
        }
    }

    private nonisolated func sendDossiers(_ result: inout BatchResult, leases: LeaseKeeper) async {
        let needing = startable(result.items.indices.filter { !result.items[$0].dossierDelivered }, result, leases)
        guard !needing.isEmpty else { return }
        let known: Set<DossierCode>
        do {
            known = try await outbox.knownToPortal(needing.map { result.items[$0].entry.dossier.code })
        } catch {
            // Create or update cannot be decided: send nothing rather than create every dossier.
            result.outboxError = Redaction.text("\(error)")
            return
        }
        let suspected = needing.filter { result.items[$0].suspected }
        for index in suspected {
            await sendAlone([index], isUpdating: known.contains(result.items[index].entry.dossier.code), &result, leases: leases)
        }
        let rest = needing.filter { !result.items[$0].suspected }
        let creates = rest.filter { !known.contains(result.items[$0].entry.dossier.code) }
        let updates = rest.filter { known.contains(result.items[$0].entry.dossier.code) }
        for (group, isUpdating) in [(creates, false), (updates, true)] where !group.isEmpty {
            let group = startable(group, result, leases)
            guard !group.isEmpty else { continue }
            result.calls += 1
            let started = order.next()
            do {
                try await client.syncDossiers(group.map { result.items[$0].entry.dossier }, isUpdating: isUpdating)
                for index in group { result.items[index].dossierDelivered = true }
                result.accept(.dossiers, Span(start: started, end: order.next()))
            } catch {
                switch Self.judge(error) {
                case .refused, .alreadyExists:
                    // One bad dossier must not sink the batch: go one by one.
                    await sendAlone(group, isUpdating: isUpdating, answered: (error, started), &result, leases: leases)
                case .tooLarge where group.count == 1:
                    result.outcomes[group[0]] = .refused(error, .tooLarge, span: Span(start: started, end: order.next()))
                case .tooLarge:
                    result.failure = .tooLarge(error)
                    result.failedGroup = group
                    return
                case .transient:
                    result.transientCalls[.dossiers, default: 0] += 1
                    if group.count == 1 {
                        result.outcomes[group[0]] = .transient(error, .dossiers, alone: true, span: Span(start: started, end: order.next()))
                    } else {
                        result.failure = .transient(error)
                        result.failedGroup = group
                        result.failedSpan = Span(start: started, end: order.next())
                    }
                    return
                case .systemic:
                    for index in needing where !result.items[index].dossierDelivered { result.outcomes[index] = .systemic(error) }
                    return
                case .cancelled:
                    return
                }
            }
        }
    }

    /// Sends each dossier of a refused group alone (`answered`: the answer the group got, when it
    /// was one dossier — it is not sent again). "Already exists" on a create is resent as an
    /// update. A refused update goes as a create only once the portal confirms, by a lookup
    /// (`TraCuuHoSo`), that it no longer has the dossier (its data was reset): a create never
    /// reaches a portal that holds the dossier.
    ///
    /// After ``Configuration/systemicRefusalThreshold`` refusals in a row it sends the next
    /// dossier as a probe: accepted, the refusals were the dossiers' own and the rest go on;
    /// refused too, the refusal looks systemic and the rest of the group is left untried.
    private nonisolated func sendAlone(_ group: [Int], isUpdating startUpdating: Bool, answered: (error: PortalError, started: UInt64)? = nil,
                                       _ result: inout BatchResult,
                                       leases: LeaseKeeper) async {
        var refusedInARow = 0
        for index in group {
            if refusedInARow > configuration.systemicRefusalThreshold { return }
            guard !startable([index], result, leases).isEmpty else { continue }
            let dossier = result.items[index].entry.dossier
            var isUpdating = startUpdating
            var tried: Set<Bool> = []
            var firstRefusal: PortalError?
            var pending = group.count == 1 ? answered : nil
            single: while true {
                tried.insert(isUpdating)
                let started = pending?.started ?? order.next()
                do throws(PortalError) {
                    if let answer = pending {
                        pending = nil
                        throw answer.error
                    }
                    result.calls += 1
                    try await client.syncDossiers([dossier], isUpdating: isUpdating)
                    result.items[index].dossierDelivered = true
                    result.accept(.dossiers, Span(start: started, end: order.next()))
                    refusedInARow = 0
                    break single
                } catch {
                    switch Self.judge(error) {
                    case .alreadyExists where !isUpdating && !tried.contains(true):
                        isUpdating = true
                    case .refused where isUpdating && !tried.contains(false):
                        firstRefusal = firstRefusal ?? error
                        result.calls += 1
                        guard await portalLacks(dossier.code) else { fallthrough }
                        isUpdating = false
                    case .refused, .alreadyExists:
                        let refusal = error.code == .alreadyExists ? (firstRefusal ?? error) : error
                        result.outcomes[index] = .refused(refusal, .refused, span: Span(start: started, end: order.next()))
                        refusedInARow += 1
                        break single
                    case .tooLarge:
                        result.outcomes[index] = .refused(error, .tooLarge, span: Span(start: started, end: order.next()))
                        refusedInARow += 1
                        break single
                    case .transient:
                        result.transientCalls[.dossiers, default: 0] += 1
                        result.outcomes[index] = .transient(error, .dossiers, alone: true, span: Span(start: started, end: order.next()))
                        break single
                    case .systemic:
                        result.outcomes[index] = .systemic(error)
                        return
                    case .cancelled:
                        return
                    }
                }
            }
        }
    }

    /// Whether the portal answers a lookup saying it does not have `code` (an error is no answer).
    private nonisolated func portalLacks(_ code: DossierCode) async -> Bool {
        do { return try await !client.dossierIsKnown(code) } catch { return false }
    }

    /// Sends the progress left of every entry whose dossier reached the portal, in chunks across
    /// entries; an entry that has failed twice sends its progress in chunks of its own (so a poison
    /// entry stops sinking others). A refused chunk is resent one entry at a time.
    private nonisolated func sendProgress(_ result: inout BatchResult, leases: LeaseKeeper, chunkSize: Int) async {
        struct Piece { let item: Int; let entries: ArraySlice<ProgressEntry> }
        var shared: [Piece] = []
        var isolated: [[Piece]] = []
        for index in startable(Array(result.items.indices), result, leases) where result.items[index].dossierDelivered {
            let left = result.items[index].entry.progress.dropFirst(result.items[index].progressDelivered)
            guard !left.isEmpty else { continue }
            if result.items[index].attempts >= 2 || result.items[index].suspected {
                isolated.append(stride(from: left.startIndex, to: left.endIndex, by: chunkSize).map {
                    Piece(item: index, entries: left[$0..<min($0 + chunkSize, left.endIndex)])
                })
            } else {
                shared.append(Piece(item: index, entries: left))
            }
        }
        // Chunks of at most chunkSize entries, each piece split where a chunk fills up.
        var chunks: [[Piece]] = [[]]
        var filled = 0
        for piece in shared {
            var rest = piece.entries
            while !rest.isEmpty {
                let take = min(rest.count, chunkSize - filled)
                chunks[chunks.count - 1].append(Piece(item: piece.item, entries: rest.prefix(take)))
                rest = rest.dropFirst(take)
                filled += take
                if filled == chunkSize {
                    chunks.append([])
                    filled = 0
                }
            }
        }
        // Entries sent alone go first: a suspect's refusal must come back before the others' calls start.
        chunks = isolated.flatMap { $0.map { [$0] } } + chunks
        for chunk in chunks where !chunk.isEmpty {
            let live = chunk.filter { !startable([$0.item], result, leases).isEmpty }
            guard !live.isEmpty else { continue }
            let alone = Set(live.map(\.item)).count == 1
            result.calls += 1
            let started = order.next()
            do {
                try await client.updateProgress(live.flatMap(\.entries))
                for piece in live { result.items[piece.item].progressDelivered += piece.entries.count }
                result.accept(.progress, Span(start: started, end: order.next()))
            } catch {
                switch Self.judge(error) {
                case .refused, .alreadyExists:
                    for item in Set(live.map(\.item)).sorted() { await sendProgressAlone(item, &result, leases: leases, chunkSize: chunkSize) }
                case .tooLarge where live.flatMap(\.entries).count == 1:
                    result.outcomes[live[0].item] = .refused(error, .progressRefused, span: Span(start: started, end: order.next()))
                case .tooLarge:
                    result.progressTooLarge = true
                    for piece in live { result.outcomes[piece.item] = .transient(error, .progress, alone: false, span: Span(start: started, end: order.next())) }
                case .transient:
                    result.transientCalls[.progress, default: 0] += 1
                    for piece in live { result.outcomes[piece.item] = .transient(error, .progress, alone: alone, span: Span(start: started, end: order.next())) }
                case .systemic:
                    for piece in live { result.outcomes[piece.item] = .systemic(error) }
                    return
                case .cancelled:
                    return
                }
            }
        }
    }

    private nonisolated func sendProgressAlone(_ item: Int, _ result: inout BatchResult, leases: LeaseKeeper, chunkSize: Int) async {
        guard case .open = result.outcomes[item] else { return }
        let left = Array(result.items[item].entry.progress.dropFirst(result.items[item].progressDelivered))
        for start in stride(from: 0, to: left.count, by: chunkSize) {
            guard !startable([item], result, leases).isEmpty else { return }
            let chunk = Array(left[start..<min(start + chunkSize, left.count)])
            result.calls += 1
            let started = order.next()
            do {
                try await client.updateProgress(chunk)
                result.items[item].progressDelivered += chunk.count
                result.accept(.progress, Span(start: started, end: order.next()))
            } catch {
                switch Self.judge(error) {
                case .refused, .alreadyExists, .tooLarge: result.outcomes[item] = .refused(error, .progressRefused, span: Span(start: started, end: order.next()))
                case .transient:
                    result.transientCalls[.progress, default: 0] += 1
                    result.outcomes[item] = .transient(error, .progress, alone: true, span: Span(start: started, end: order.next()))
                case .systemic: result.outcomes[item] = .systemic(error)
                case .cancelled: break
                }
                return
            }
        }
    }
}
