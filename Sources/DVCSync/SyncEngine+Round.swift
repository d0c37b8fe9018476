import DVCClient
import DVCCore
import Foundation

extension SyncEngine {
    /// What one round keeps track of between batches.
    struct RoundState {
        var round = Round()
        /// Entries given back after failing in this round: not claimed again before the next.
        var excluded: Set<UInt64> = []
        /// Entries this round claimed and has not settled (in flight, queued, or held as
        /// suspects): never claimed again while the round holds them, whatever their lease says.
        var held: Set<UInt64> = []
        /// Calls in a row that failed transiently, per operation, with no call of that operation
        /// accepted in between.
        var consecutiveFailures: [DeliveryOperation: Int] = [:]
        /// Operations whose current streak of failures holds a batch with an entry that had
        /// never failed before: a streak of entries already known to fail (poisons at the head of
        /// the queue) says nothing about the portal until an entry not known to fail fails too.
        var streakHasFresh: Set<DeliveryOperation> = []
        /// Refusals settled since the portal last accepted a dossier.
        var refusedInARow = 0
        var stopping = false
        /// Entries refused once in this round, waiting for the evidence that decides (see
        /// ``SyncEngine/settle(_:_:_:)``).
        var suspects: [Attempt] = []
        /// Batches waiting to be sent: halves of split batches, entries sent alone.
        var queue: [Batch] = []
        /// Suspects to send again, first in the next batch (see ``SyncEngine/judgeSuspects(_:_:)``).
        var confirmations: [Attempt] = []
        /// Per split: whether the half settled first failed (`nil` while neither has settled).
        var splits: [Int: Bool] = [:]
        var nextSplit = 0
        /// A batch with an entry under suspicion (refused, or failing alone) is in flight: no other
        /// batch starts until it settles, so that what the others get back comes after its answer,
        /// and what they got before came before it (the evidence that decides).
        var probing = false
        /// A probe waiting for the batches in flight to settle.
        var deferred: Batch?

        mutating func stop(_ reason: Round.StopReason) {
            stopping = true
            if round.stopReason == nil { round.stopReason = reason }
        }
    }

    /// The settled outcome of a batch, written to the outbox in one go.
    struct Settlement {
        var acknowledged: [Claim] = []
        var known: [DossierCode] = []
        var releases: [Release] = []
        var dead: [DeadLetterRequest] = []
        var deadCodes: [String] = []

        var sequences: [UInt64] { acknowledged.map(\.sequence) + releases.map(\.sequence) + dead.map(\.sequence) }
    }

    func runRound() async -> Round {
        var state = RoundState()
        let leases = LeaseKeeper(lease: configuration.lease)
        emit(.sync(.roundStarted, "round started", ["batchSize": String(batchSize), "concurrency": String(configuration.concurrency)]))
        await withTaskGroup(of: BatchResult?.self) { group in
            // The heartbeat: the leases of everything the round holds are renewed while it runs.
            group.addTask {
                await self.keepLeases(leases)
                return nil
            }
            var inFlight = 0
            while true {
                while inFlight < configuration.concurrency && !state.stopping && !state.probing {
                    if Task.isCancelled {
                        state.stop(.cancelled)
                        break
                    }
                    var next = state.deferred
                    state.deferred = nil
                    if next == nil { next = await nextBatch(&state, leases) }
                    guard let batch = next else { break }
                    if batch.items.contains(where: \.isProbe) {
                        // A probe goes alone: once what is in flight has settled, and nothing
                        // starts until it has.
                        state.probing = true
                        if inFlight > 0 {
                            state.deferred = batch
                            break
                        }
                    }
                    inFlight += 1
                    let progressBatchSize = progressBatchSize
                    group.addTask { await self.deliver(batch, leases: leases, progressBatchSize: progressBatchSize) }
                }
                if inFlight == 0 && state.deferred != nil && !state.stopping {
                    state.probing = false
                    continue
                }
                guard inFlight > 0, let next = await group.next() else { break }
                guard let result = next else { continue }
                inFlight -= 1
                await settle(result, &state, leases)
            }
            group.cancelAll()
        }
        await finish(&state, leases)
        return state.round
    }

    /// The next batch: suspects to confirm first (ahead of newly claimed entries, whose acceptance
    /// after them is the evidence), then queued batches, then a new claim. Entries that have failed
    /// twice are sent alone, so a poison entry isolated in an earlier round (or process) stays
    /// isolated.
    private func nextBatch(_ state: inout RoundState, _ leases: LeaseKeeper) async -> Batch? {
        if state.confirmations.isEmpty, !state.queue.isEmpty { return state.queue.removeFirst() }
        let suspects = state.confirmations
        state.confirmations = []
        let entries: [OutboxEntry]
        do {
            entries = try await outbox.claim(limit: batchSize, lease: configuration.lease, excluding: state.excluded.union(state.held))
        } catch {
            state.round.outboxError = Redaction.text("\(error)")
            state.stop(.outbox)
            return suspects.isEmpty ? nil : Batch(items: suspects)
        }
        leases.claimed(entries.map(\.claim), at: configuration.now())
        state.held.formUnion(entries.map(\.sequence))
        let claimedAt = order.next()
        func attempt(_ entry: OutboxEntry) -> Attempt {
            var attempt = Attempt(entry)
            attempt.claimedAt = claimedAt
            return attempt
        }
        var together = suspects
        var settlement = Settlement()
        for entry in entries {
            switch evidence(about: entry.sequence) {
            case .refusedTwice(let suspicion):
                deadLetter(attempt(entry), DeadLetterReason(suspicion.kind, Self.reason(suspicion.error)), &settlement)
            case .confirm, .none where suspicions[entry.sequence] != nil:
                // Refused before: first in a batch, the others after it.
                var suspect = attempt(entry)
                suspect.suspected = true
                together.insert(suspect, at: together.firstIndex { !$0.suspected } ?? together.endIndex)
            case .none where entry.delivery.attempts >= 2:
                state.queue.append(Batch(items: [attempt(entry)]))
            case .none:
                together.append(attempt(entry))
            }
        }
        if !settlement.dead.isEmpty { await write(settlement, &state, leases) }
        if !together.isEmpty { return Batch(items: together) }
        return state.queue.isEmpty ? nil : state.queue.removeFirst()
    }

    /// Renews the leases of everything the round holds, every quarter of a lease, until cancelled.
    private nonisolated func keepLeases(_ leases: LeaseKeeper) async {
        let interval = configuration.lease / 4
        while !Task.isCancelled {
            do { try await configuration.sleeper.sleep(for: interval) } catch { return }
            let claims = leases.claims
            guard !claims.isEmpty else { continue }
            let asked = configuration.now()
            // A renewal that fails leaves the leases as they were: calls stop once too little of
            // them is left (``LeaseKeeper/margin``).
            guard let renewed = try? await outbox.renew(claims, lease: configuration.lease) else { continue }
            leases.renewed(renewed, of: claims, at: asked)
        }
    }

    /// Applies a batch's outcome: acknowledges what got through, splits or gives back what
    /// failed, judges refusals, and writes it all to the outbox.
    ///
    /// How a refusal is judged (the model's rule: dead-lettering needs evidence that concerns the
    /// dossier): a dossier refused alone becomes a *suspect* and is held, not dead-lettered. Once
    /// the portal accepts another dossier sent after that refusal, the suspect is sent alone once
    /// more; refused again, the refusal is its own and it is dead-lettered with the portal's
    /// message. While nothing else is accepted — a refusal every dossier shares, a storm — nothing
    /// is dead-lettered, and more than ``Configuration/systemicRefusalThreshold`` refusals in a
    /// row stop the round as ``Round/StopReason/systemicRefusal``.
    private func settle(_ result: BatchResult, _ state: inout RoundState, _ leases: LeaseKeeper) async {
        state.round.calls += result.calls
        if result.items.contains(where: \.isProbe) { state.probing = false }
        for (operation, spans) in result.accepted {
            noteAccepted(spans, operation)
            state.consecutiveFailures[operation] = 0
            state.streakHasFresh.remove(operation)
        }
        if result.accepted[.dossiers] != nil { state.refusedInARow = 0 }
        if result.progressTooLarge { progressBatchSize = max(1, progressBatchSize / 2) }
        if let error = result.outboxError {
            state.round.outboxError = error
            state.stop(.outbox)
        }
        var items = result.items
        var settlement = Settlement()
        var handled = Set<Int>()
        var countsFailure = result.transientCalls.filter { $0.value > 0 && result.accepted[$0.key] == nil }.map(\.key)
        if let failure = result.failure {
            handled = Set(result.failedGroup)
            if case .transient = failure, let split = result.batch.split {
                // A failed half counts towards the outage only once its sibling failed too.
                countsFailure.removeAll { $0 == .dossiers }
                if let siblingFailed = state.splits.removeValue(forKey: split) {
                    if siblingFailed { countsFailure.append(.dossiers) }
                } else {
                    state.splits[split] = true
                }
            }
            settleFailedGroup(failure, result.failedGroup.map { items[$0] }, result.failedSpan, &state, &settlement)
        } else if let split = result.batch.split, state.splits.removeValue(forKey: split) == nil {
            state.splits[split] = false
        }
        for index in items.indices where !handled.contains(index) {
            let item = items[index]
            switch result.outcomes[index] {
            case .delivered:
                settlement.acknowledged.append(item.claim)
            case .refused(let error, let kind, let span):
                noteRefusal(of: item.entry.sequence, error, kind, span)
                state.suspects.append(item)
                state.refusedInARow += 1
            case .transient(let error, let operation, let alone, let span):
                items[index].fail(error)
                state.round.lastError = error
                giveBackAfterFailure(items[index], operation, alone: alone, span, &state, &settlement)
            case .systemic(let error):
                state.round.lastError = error
                settlement.releases.append(item.release(counting: false))
                state.excluded.insert(item.entry.sequence)
                state.stop(.session)
            case .open:
                settlement.releases.append(item.release(counting: true))
                state.excluded.insert(item.entry.sequence)
            }
            if item.dossierDelivered { settlement.known.append(item.entry.dossier.code) }
        }
        for operation in countsFailure {
            state.round.transientFailures += 1
            state.consecutiveFailures[operation, default: 0] += 1
            if result.items.contains(where: { $0.entry.delivery.attempts == 0 }) { state.streakHasFresh.insert(operation) }
        }
        let maximum = configuration.maximumConsecutiveFailures
        if state.consecutiveFailures.contains(where: { $0.value >= maximum && state.streakHasFresh.contains($0.key) || $0.value >= 3 * maximum }) {
            state.stop(.portalUnavailable)
        }
        if result.failure == nil && items.count >= batchSize && items.allSatisfy(\.isComplete) {
            batchSize = min(configuration.dossierBatchSize, batchSize * 2)
        }
        judgeSuspects(&state, &settlement)
        if state.refusedInARow > configuration.systemicRefusalThreshold, !state.stopping,
           let last = state.suspects.last.flatMap({ suspicions[$0.entry.sequence] }) {
            state.round.systemicRefusal = Self.reason(last.error)
            state.stop(.systemicRefusal)
            emit(.sync(.systemicRefusal, "\(state.refusedInARow) refusals in a row, nothing accepted since: held as systemic, nothing dead-lettered: \(Self.reason(last.error))",
                       ["count": String(state.refusedInARow), "reason": Self.reason(last.error)]))
        }
        await write(settlement, &state, leases)
        if !settlement.acknowledged.isEmpty {
            emit(.sync(.batchSent, "\(settlement.acknowledged.count) of \(items.count) entries acknowledged",
                       ["size": String(items.count), "acknowledged": String(settlement.acknowledged.count)]))
        }
    }

    /// The dossier call of `group` failed as a whole: split it, or give it back.
    private func settleFailedGroup(_ failure: BatchResult.Failure, _ group: [Attempt], _ span: Span, _ state: inout RoundState,
                                   _ settlement: inout Settlement) {
        switch failure {
        case .tooLarge:
            batchSize = max(1, min(batchSize, group.count) / 2)
            split(group, why: "HTTP 413: halving the batch (now \(batchSize))", &state)
        case .transient(let error):
            state.round.lastError = error
            let failed = group.map { item -> Attempt in
                var item = item
                item.fail(error)
                return item
            }
            emit(.sync(.batchFailed, "a batch of \(failed.count) failed: \(error)",
                       ["size": String(failed.count), "attempts": String(failed.map(\.attempts).max() ?? 0), "error": "\(error)"]))
            if failed.count >= 2 && failed.contains(where: { $0.attempts >= 2 }) {
                split(failed, why: "failed \(failed.map(\.attempts).max() ?? 2) times: bisecting to find the dossier at fault", &state)
            } else {
                for item in failed { giveBackAfterFailure(item, .dossiers, alone: failed.count == 1, span, &state, &settlement) }
            }
        }
    }

    private func split(_ items: [Attempt], why: String, _ state: inout RoundState) {
        let half = items.count / 2
        state.nextSplit += 1
        state.queue.append(Batch(items: Array(items[..<half]), split: state.nextSplit))
        state.queue.append(Batch(items: Array(items[half...]), split: state.nextSplit))
        state.round.splits += 1
        emit(.sync(.batchSplit, "split a batch of \(items.count): \(why)", ["size": String(items.count), "why": why]))
    }

    func deadLetter(_ item: Attempt, _ reason: DeadLetterReason, _ settlement: inout Settlement) {
        settlement.dead.append(DeadLetterRequest(item.claim, reason: reason,
                                                 delivery: DeliveryState(attempts: item.attempts, dossierDelivered: item.dossierDelivered,
                                                                         progressDelivered: item.progressDelivered, isolatedFailures: item.isolatedFailures,
                                                                         unansweredFailures: item.unansweredFailures)))
        settlement.deadCodes.append(item.entry.dossier.code.rawValue)
    }

    private func write(_ settlement: Settlement, _ state: inout RoundState, _ leases: LeaseKeeper) async {
        do {
            if !settlement.acknowledged.isEmpty || !settlement.known.isEmpty {
                try await outbox.acknowledge(settlement.acknowledged, known: settlement.known)
                state.round.acknowledged += settlement.acknowledged.count
            }
            if !settlement.dead.isEmpty {
                try await outbox.deadLetter(settlement.dead)
                state.round.deadLettered += settlement.dead.count
                for (letter, code) in zip(settlement.dead, settlement.deadCodes) {
                    emit(.sync(.deadLettered, "entry \(letter.sequence) of \(code) dead-lettered: \(letter.reason)",
                               ["sequence": String(letter.sequence), "dossier": code, "kind": letter.reason.kind.rawValue, "reason": letter.reason.message]))
                }
            }
            if !settlement.releases.isEmpty { try await outbox.release(settlement.releases) }
        } catch {
            state.round.outboxError = Redaction.text("\(error)")
            state.stop(.outbox)
        }
        let settled = settlement.sequences
        leases.settled(settled)
        state.held.subtract(settled)
        for sequence in settlement.acknowledged.map(\.sequence) + settlement.dead.map(\.sequence) {
            lastFailures[sequence] = nil
            suspicions[sequence] = nil
        }
    }

    /// Gives back what the round still holds, counts what is left, compacts when due.
    private func finish(_ state: inout RoundState, _ leases: LeaseKeeper) async {
        var settlement = Settlement()
        for batch in state.queue + (state.deferred.map { [$0] } ?? []) { settlement.releases += batch.items.map { $0.release(counting: true) } }
        state.queue = []
        state.deferred = nil
        state.suspects += state.confirmations
        state.confirmations = []
        // Suspects nothing has vouched for or against: held, uncounted, until a later round.
        state.round.held = state.suspects.count
        for suspect in state.suspects { settlement.releases.append(suspect.release(counting: false)) }
        state.suspects = []
        await write(settlement, &state, leases)
        if Task.isCancelled && state.round.stopReason == nil { state.round.stopReason = .cancelled }
        if let counts = try? await outbox.counts() { state.round.remaining = counts.values.reduce(0) { $0 + $1.pending } }
        if let compacting = outbox as? any CompactingOutbox, let threshold = configuration.compactionThreshold, state.round.stopReason != .outbox,
           await compacting.reclaimableRecords >= threshold {
            do {
                try await compacting.compact()
                state.round.compacted = true
            } catch {
                state.round.compactionError = Redaction.text("\(error)")
            }
        }
        let round = state.round
        emit(.sync(.roundFinished, round.description, [
            "acknowledged": String(round.acknowledged), "deadLettered": String(round.deadLettered), "calls": String(round.calls),
            "remaining": String(round.remaining), "stopReason": round.stopReason?.rawValue ?? "", "held": String(round.held),
        ]))
    }

    nonisolated func emit(_ event: PortalEvent) { configuration.eventSink?.record(event) }
}
