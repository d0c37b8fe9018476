import DVCClient
import DVCCore
import Foundation

/// An entry as a round holds it: what of it reached the portal so far, and the failures this
/// round has not recorded yet.
struct Attempt: Sendable {
    var entry: OutboxEntry
    var failures = 0
    var lastError: PortalError?
    /// When it first failed (from the outbox, or in this round).
    var firstFailedAt: Date?
    var dossierDelivered: Bool
    var progressDelivered: Int

    init(_ entry: OutboxEntry) {
        self.entry = entry
        dossierDelivered = entry.delivery.dossierDelivered
        progressDelivered = min(entry.delivery.progressDelivered, entry.progress.count)
        firstFailedAt = entry.delivery.firstFailureAt
    }

    var attempts: Int { entry.delivery.attempts + failures }
    var isComplete: Bool { dossierDelivered && progressDelivered >= entry.progress.count }

    mutating func fail(_ error: PortalError, at now: Date = Date()) {
        failures += 1
        lastError = error
        firstFailedAt = firstFailedAt ?? now
    }

    func release(counting: Bool) -> Release {
        Release(sequence: entry.sequence, lease: entry.lease, failures: counting ? failures : 0,
                lastFailure: lastError.map { SyncEngine.reason($0) }, dossierDelivered: dossierDelivered, progressDelivered: progressDelivered)
    }
}

/// What happened to one entry of a batch.
enum EntryOutcome: Sendable {
    /// Not settled by this batch (not tried, or cancelled): it goes back as it is.
    case open
    /// Dossier and all progress confirmed.
    case delivered
    /// Refused by the portal: the dossier, or its progress.
    case refused(PortalError, DeadLetterReason.Kind)
    /// Failed transiently, on its own.
    case transient(PortalError)
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

    var items: [Attempt]
    var outcomes: [EntryOutcome]
    var calls = 0
    var failure: Failure?
    /// Positions (in ``items``) of the entries whose dossier call failed as a whole.
    var failedGroup: [Int] = []
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
    /// progress that is left, in order.
    nonisolated func deliver(_ items: [Attempt]) async -> BatchResult {
        var result = BatchResult(items: items, outcomes: Array(repeating: .open, count: items.count))
        await sendDossiers(&result)
        await sendProgress(&result)
        for index in result.items.indices where result.items[index].isComplete {
            if case .open = result.outcomes[index] { result.outcomes[index] = .delivered }
        }
        return result
    }

    private nonisolated func sendDossiers(_ result: inout BatchResult) async {
        let needing = result.items.indices.filter { !result.items[$0].dossierDelivered }
        guard !needing.isEmpty else { return }
        let known = (try? await outbox.knownToPortal(needing.map { result.items[$0].entry.dossier.code })) ?? []
        let creates = needing.filter { !known.contains(result.items[$0].entry.dossier.code) }
        let updates = needing.filter { known.contains(result.items[$0].entry.dossier.code) }
        for (group, isUpdating) in [(creates, false), (updates, true)] where !group.isEmpty {
            result.calls += 1
            do {
                try await client.syncDossiers(group.map { result.items[$0].entry.dossier }, isUpdating: isUpdating)
                for index in group { result.items[index].dossierDelivered = true }
            } catch {
                switch Self.judge(error) {
                case .refused, .alreadyExists:
                    // One bad dossier must not sink the batch: go one by one.
                    await sendAlone(group, isUpdating: isUpdating, &result)
                case .tooLarge:
                    result.failure = .tooLarge(error)
                    result.failedGroup = group
                    return
                case .transient:
                    result.failure = .transient(error)
                    result.failedGroup = group
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

    /// Sends each dossier of a refused group alone. "Already exists" on a create is resent as an
    /// update; a refused update is tried once as a create (the portal's data may have been reset).
    /// Stops once ``Configuration/systemicRefusalThreshold`` dossiers in a row are refused alike.
    private nonisolated func sendAlone(_ group: [Int], isUpdating startUpdating: Bool, _ result: inout BatchResult) async {
        var streak: (signature: String, count: Int)?
        for index in group {
            let dossier = result.items[index].entry.dossier
            var isUpdating = startUpdating
            var tried: Set<Bool> = []
            var firstRefusal: PortalError?
            single: while true {
                tried.insert(isUpdating)
                result.calls += 1
                do {
                    try await client.syncDossiers([dossier], isUpdating: isUpdating)
                    result.items[index].dossierDelivered = true
                    streak = nil
                    break single
                } catch {
                    switch Self.judge(error) {
                    case .alreadyExists where !isUpdating && !tried.contains(true):
                        isUpdating = true
                    case .refused where isUpdating && !tried.contains(false):
                        firstRefusal = firstRefusal ?? error
                        isUpdating = false
                    case .refused, .alreadyExists:
                        let refusal = error.code == .alreadyExists ? (firstRefusal ?? error) : error
                        result.outcomes[index] = .refused(refusal, .refused)
                        let signature = configuration.refusalSignature(refusal)
                        streak = streak?.signature == signature ? (signature, (streak?.count ?? 0) + 1) : (signature, 1)
                        if let streak, streak.count >= configuration.systemicRefusalThreshold { return }
                        break single
                    case .tooLarge:
                        result.outcomes[index] = .refused(error, .tooLarge)
                        streak = nil
                        break single
                    case .transient:
                        result.outcomes[index] = .transient(error)
                        streak = nil
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

    /// Sends the progress left of every entry whose dossier reached the portal, in chunks across
    /// entries; a refused chunk is resent one entry at a time.
    private nonisolated func sendProgress(_ result: inout BatchResult) async {
        struct Piece { let item: Int; let entries: ArraySlice<ProgressEntry> }
        var pieces: [Piece] = []
        for index in result.items.indices {
            guard case .open = result.outcomes[index], result.items[index].dossierDelivered else { continue }
            let left = result.items[index].entry.progress.dropFirst(result.items[index].progressDelivered)
            if !left.isEmpty { pieces.append(Piece(item: index, entries: left)) }
        }
        // Chunks of at most progressBatchSize entries, each piece split where a chunk fills up.
        var chunks: [[Piece]] = [[]]
        var filled = 0
        for piece in pieces {
            var rest = piece.entries
            while !rest.isEmpty {
                let take = min(rest.count, configuration.progressBatchSize - filled)
                chunks[chunks.count - 1].append(Piece(item: piece.item, entries: rest.prefix(take)))
                rest = rest.dropFirst(take)
                filled += take
                if filled == configuration.progressBatchSize {
                    chunks.append([])
                    filled = 0
                }
            }
        }
        for chunk in chunks where !chunk.isEmpty {
            let live = chunk.filter { if case .open = result.outcomes[$0.item] { true } else { false } }
            guard !live.isEmpty else { continue }
            result.calls += 1
            do {
                try await client.updateProgress(live.flatMap(\.entries))
                for piece in live { result.items[piece.item].progressDelivered += piece.entries.count }
            } catch {
                switch Self.judge(error) {
                case .refused, .alreadyExists:
                    for item in Set(live.map(\.item)).sorted() { await sendProgressAlone(item, &result) }
                case .tooLarge, .transient:
                    for piece in live { result.outcomes[piece.item] = .transient(error) }
                case .systemic:
                    for piece in live { result.outcomes[piece.item] = .systemic(error) }
                    return
                case .cancelled:
                    return
                }
            }
        }
    }

    private nonisolated func sendProgressAlone(_ item: Int, _ result: inout BatchResult) async {
        guard case .open = result.outcomes[item] else { return }
        let left = Array(result.items[item].entry.progress.dropFirst(result.items[item].progressDelivered))
        for start in stride(from: 0, to: left.count, by: configuration.progressBatchSize) {
            let chunk = Array(left[start..<min(start + configuration.progressBatchSize, left.count)])
            result.calls += 1
            do {
                try await client.updateProgress(chunk)
                result.items[item].progressDelivered += chunk.count
            } catch {
                switch Self.judge(error) {
                case .refused, .alreadyExists, .tooLarge: result.outcomes[item] = .refused(error, .progressRefused)
                case .transient: result.outcomes[item] = .transient(error)
                case .systemic: result.outcomes[item] = .systemic(error)
                case .cancelled: break
                }
                return
            }
        }
    }
}
