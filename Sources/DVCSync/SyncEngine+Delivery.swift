import DVCClient
import DVCCore
import Foundation

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
