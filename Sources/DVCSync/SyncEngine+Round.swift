import DVCClient
import DVCCore
import Foundation

extension SyncEngine {
    /// What one round keeps track of between batches.
    struct RoundState {
        var round = Round()
        /// Entries given back after failing in this round: not claimed again before the next.
        var excluded: Set<UInt64> = []
        var consecutiveFailures = 0
        var stopping = false
        /// Refusals not yet judged: the same signature, in a row.
        var streak: [(item: Attempt, error: PortalError, kind: DeadLetterReason.Kind)] = []
        var streakSignature: String?
        /// Halves of split batches, waiting to be sent (still leased).
        var queue: [[Attempt]] = []

        mutating func stop(_ reason: Round.StopReason) {
            stopping = true
            if round.stopReason == nil { round.stopReason = reason }
        }
    }

    /// The settled outcome of a batch, written to the outbox in one go.
    struct Settlement {
        var acknowledged: [UInt64] = []
        var known: [DossierCode] = []
        var releases: [Release] = []
        var dead: [DeadLetterRequest] = []
        var deadCodes: [String] = []
    }

    func runRound() async -> Round {
        var state = RoundState()
        emit(.sync(.roundStarted, "round started", ["batchSize": String(batchSize), "concurrency": String(configuration.concurrency)]))
        await withTaskGroup(of: BatchResult.self) { group in
            var inFlight = 0
            while true {
                while inFlight < configuration.concurrency && !state.stopping {
                    if Task.isCancelled {
                        state.stop(.cancelled)
                        break
                    }
                    let items: [Attempt]
                    if !state.queue.isEmpty {
                        items = state.queue.removeFirst()
                    } else {
                        do {
                            let entries = try await outbox.claim(limit: batchSize, lease: configuration.lease, excluding: state.excluded)
                            guard !entries.isEmpty else { break }
                            items = entries.map(Attempt.init)
                        } catch {
                            state.round.outboxError = Redaction.text("\(error)")
                            state.stop(.outbox)
                            break
                        }
                    }
                    inFlight += 1
                    group.addTask { await self.deliver(items) }
                }
                guard inFlight > 0, let result = await group.next() else { break }
                inFlight -= 1
                await settle(result, &state)
            }
        }
        await finish(&state)
        return state.round
    }

    /// Applies a batch's outcome: acknowledges what got through, splits or gives back what
    /// failed, judges refusals, and writes it all to the outbox.
    private func settle(_ result: BatchResult, _ state: inout RoundState) async {
        state.round.calls += result.calls
        var items = result.items
        var settlement = Settlement()
        var handled = Set<Int>()
        if let failure = result.failure {
            handled = Set(result.failedGroup)
            settleFailedGroup(failure, result.failedGroup.map { items[$0] }, &state, &settlement)
        }
        for index in items.indices where !handled.contains(index) {
            let item = items[index]
            switch result.outcomes[index] {
            case .delivered:
                settlement.acknowledged.append(item.entry.sequence)
                confirmStreak(&state, &settlement)
            case .refused(let error, let kind):
                judgeRefusal(item, error, kind, &state, &settlement)
            case .transient(let error):
                items[index].fail(error)
                state.round.lastError = error
                giveBackAfterFailure(items[index], &state, &settlement)
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
        if result.failure == nil, result.outcomes.contains(where: { if case .transient = $0 { true } else { false } }) {
            // A call of this batch failed transiently after others went through (a progress chunk, a single dossier).
            state.round.transientFailures += 1
            if !items.contains(where: \.dossierDelivered) { state.consecutiveFailures += 1 }
        }
        if items.contains(where: \.dossierDelivered) {
            portalLastAccepted = Date()
            state.consecutiveFailures = 0
        }
        if result.failure == nil && items.count >= batchSize && items.allSatisfy(\.isComplete) {
            batchSize = min(configuration.dossierBatchSize, batchSize * 2)
        }
        await write(settlement, &state)
        if !settlement.acknowledged.isEmpty {
            emit(.sync(.batchSent, "\(settlement.acknowledged.count) of \(items.count) entries acknowledged",
                       ["size": String(items.count), "acknowledged": String(settlement.acknowledged.count)]))
        }
    }

    /// The dossier call of `group` failed as a whole: split it, or give it back.
    private func settleFailedGroup(_ failure: BatchResult.Failure, _ group: [Attempt], _ state: inout RoundState, _ settlement: inout Settlement) {
        switch failure {
        case .tooLarge(let error):
            batchSize = max(1, min(batchSize, group.count) / 2)
            if group.count >= 2 {
                split(group, why: "HTTP 413: halving the batch (now \(batchSize))", &state)
            } else if let item = group.first {
                deadLetter(item, DeadLetterReason(.tooLarge, Self.reason(error) + " (alone, HTTP 413)"), &settlement)
            }
        case .transient(let error):
            state.round.transientFailures += 1
            state.round.lastError = error
            state.consecutiveFailures += 1
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
                for item in failed { giveBackAfterFailure(item, &state, &settlement) }
            }
            if state.consecutiveFailures >= configuration.maximumConsecutiveFailures { state.stop(.portalUnavailable) }
        }
    }

    private func split(_ items: [Attempt], why: String, _ state: inout RoundState) {
        let half = items.count / 2
        state.queue.append(Array(items[..<half]))
        state.queue.append(Array(items[half...]))
        state.round.splits += 1
        emit(.sync(.batchSplit, "split a batch of \(items.count): \(why)", ["size": String(items.count), "why": why]))
    }

    /// An entry that failed transiently, alone or in a first-time batch failure: dead-lettered once
    /// it has failed ``Configuration/maximumAttempts`` times while the portal accepted other
    /// dossiers after it began to fail; otherwise given back until the next round.
    private func giveBackAfterFailure(_ item: Attempt, _ state: inout RoundState, _ settlement: inout Settlement) {
        let othersWentThrough = portalLastAccepted.map { accepted in item.firstFailedAt.map { accepted > $0 } ?? false } ?? false
        if item.attempts >= configuration.maximumAttempts && othersWentThrough {
            let since = item.entry.delivery.firstFailureAt.map { " since \(ISO8601DateFormatter().string(from: $0))" } ?? ""
            let last = item.lastError.map(Self.reason) ?? "unknown error"
            deadLetter(item, DeadLetterReason(.attemptsExhausted, "\(item.attempts) attempts failed\(since) while other dossiers went through; last: \(last)"),
                       &settlement)
        } else {
            settlement.releases.append(item.release(counting: true))
            state.excluded.insert(item.entry.sequence)
        }
    }

    /// A refusal is held until the next outcome shows whether the dossiers around it share it.
    private func judgeRefusal(_ item: Attempt, _ error: PortalError, _ kind: DeadLetterReason.Kind, _ state: inout RoundState,
                              _ settlement: inout Settlement) {
        let signature = configuration.refusalSignature(error)
        if state.streakSignature != signature {
            confirmStreak(&state, &settlement)
            state.streakSignature = signature
        }
        state.streak.append((item, error, kind))
        guard state.streak.count >= configuration.systemicRefusalThreshold else { return }
        let count = state.streak.count
        for held in state.streak {
            settlement.releases.append(held.item.release(counting: false))
            state.excluded.insert(held.item.entry.sequence)
        }
        state.streak = []
        state.streakSignature = nil
        state.round.systemicRefusal = Self.reason(error)
        state.stop(.systemicRefusal)
        emit(.sync(.systemicRefusal, "\(count) dossiers in a row refused alike: treated as systemic, nothing dead-lettered: \(Self.reason(error))",
                   ["count": String(count), "reason": Self.reason(error)]))
    }

    /// The held refusals were not shared by what came next: each is permanent for its dossier.
    private func confirmStreak(_ state: inout RoundState, _ settlement: inout Settlement) {
        for held in state.streak { deadLetter(held.item, DeadLetterReason(held.kind, Self.reason(held.error)), &settlement) }
        state.streak = []
        state.streakSignature = nil
    }

    private func deadLetter(_ item: Attempt, _ reason: DeadLetterReason, _ settlement: inout Settlement) {
        settlement.dead.append(DeadLetterRequest(sequence: item.entry.sequence, reason: reason,
                                                 delivery: DeliveryState(attempts: item.attempts, dossierDelivered: item.dossierDelivered,
                                                                         progressDelivered: item.progressDelivered)))
        settlement.deadCodes.append(item.entry.dossier.code.rawValue)
    }

    private func write(_ settlement: Settlement, _ state: inout RoundState) async {
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
    }

    /// Gives back what the round still holds, counts what is left, compacts when due.
    private func finish(_ state: inout RoundState) async {
        var settlement = Settlement()
        for batch in state.queue { settlement.releases += batch.map { $0.release(counting: true) } }
        state.queue = []
        // Refusals still held at the end: a round that tried everything claimable saw nothing else
        // share them, so they are permanent; a round that stopped early may not have, so they wait.
        if state.round.stopReason == nil {
            confirmStreak(&state, &settlement)
        } else {
            for held in state.streak { settlement.releases.append(held.item.release(counting: false)) }
            state.streak = []
        }
        await write(settlement, &state)
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
            "remaining": String(round.remaining), "stopReason": round.stopReason?.rawValue ?? "",
        ]))
    }

    nonisolated func emit(_ event: PortalEvent) { configuration.eventSink?.record(event) }
}
