import DVCClient
import DVCCore
import Foundation

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

/// When a call started and when its answer came back (``EventOrder`` ticks). The portal applied
/// the request somewhere in between: a call counts as *after* another only if it started after
/// the other's answer came back, and *between* two others only if it also ended before the
/// second one started — however the network reorders requests in flight.
struct Span: Sendable, Hashable {
    let start: UInt64
    let end: UInt64
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

/// How the engine judges failures: what the portal accepted around them (see "The model" in
/// the sync guarantees).
extension SyncEngine {
    /// What the portal's answers so far say about a refused entry (see ``Suspicion``).
    enum Evidence {
        /// Nothing decides yet: it was never refused, or nothing was accepted since its last refusal.
        case none
        /// Refused once, then the portal accepted another dossier: send it alone once more.
        case confirm
        /// Refused, then the portal accepted others, refused again, and the portal accepted others
        /// again: the refusal is the entry's own.
        case refusedTwice(Suspicion)
    }

    func evidence(about sequence: UInt64) -> Evidence {
        guard let suspicion = suspicions[sequence], acceptedAfter(suspicion.lastRefusal, suspicion.operation) else { return .none }
        return suspicion.episodes >= 2 ? .refusedTwice(suspicion) : .confirm
    }

    /// Records calls the portal accepted (the recent ones are kept to judge "between").
    func noteAccepted(_ spans: [Span], _ operation: DeliveryOperation) {
        var list = acceptances[operation] ?? []
        list += spans
        if list.count > 256 { list.removeFirst(list.count - 256) }
        acceptances[operation] = list
    }

    /// Whether the portal accepted a call of `operation` that started after `span`'s answer came back.
    func acceptedAfter(_ span: Span, _ operation: DeliveryOperation) -> Bool {
        acceptances[operation]?.contains { $0.start > span.end } ?? false
    }

    /// Whether the portal accepted a call of `operation` wholly between two others: started after
    /// the first's answer came back, answered before the second started.
    func acceptedBetween(_ first: Span, _ second: Span, _ operation: DeliveryOperation) -> Bool {
        acceptances[operation]?.contains { $0.start > first.end && $0.end < second.start } ?? false
    }

    /// Records a refusal of an entry sent alone: a new episode when the portal accepted another
    /// dossier since the entry's last refusal (refusals with nothing accepted between are one).
    func noteRefusal(of sequence: UInt64, _ error: PortalError, _ kind: DeadLetterReason.Kind, _ span: Span) {
        let operation: DeliveryOperation = kind == .progressRefused ? .progress : .dossiers
        let signature = Self.signature(of: error)
        var suspicion = suspicions[sequence] ?? Suspicion(operation: operation, kind: kind, error: error, lastRefusal: span, episodes: 0, signature: signature)
        if suspicion.signature != signature {
            // Another answer than last time: a dossier's own defect is answered alike every time,
            // so two different refusals (a storm's, then a proxy's) prove nothing together.
            suspicion.episodes = 0
            suspicion.signature = signature
        }
        if suspicion.episodes == 0 || acceptedBetween(suspicion.lastRefusal, span, operation) { suspicion.episodes += 1 }
        emit(.sync(.refusalHeld, "entry \(sequence) refused (episode \(suspicion.episodes)): \(Self.reason(error))",
                   ["sequence": String(sequence), "episodes": String(suspicion.episodes), "reason": Self.reason(error)]))
        if span.end > suspicion.lastRefusal.end { suspicion.lastRefusal = span }
        suspicion.error = error
        suspicion.kind = kind
        suspicion.operation = operation
        suspicions[sequence] = suspicion
    }

    /// What makes two refusals "the same answer": the call, the error's code, the portal's code and
    /// its message with every run of digits or hexadecimal (numbers, trace ids, UUIDs) replaced by `#`.
    nonisolated static func signature(of error: PortalError) -> String {
        var message = ""
        var word = ""
        func flush() {
            let isToken = word.contains(where: \.isNumber) && word.allSatisfy { $0.isHexDigit || $0 == "-" }
            message += isToken ? "#" : word
            word = ""
        }
        for character in (error.portalMessage ?? error.description).lowercased() {
            if character.isLetter || character.isNumber || character == "-" {
                word.append(character)
            } else {
                flush()
                message.append(character)
            }
        }
        flush()
        return "\(error.operation)|\(error.code)|\(error.httpStatus.map(String.init) ?? "")|\(error.portalCode ?? "")|\(message)"
    }

    /// Held suspects the portal has since accepted others after: refused twice so, they are
    /// dead-lettered; refused once, they are sent alone once more.
    func judgeSuspects(_ state: inout RoundState, _ settlement: inout Settlement) {
        guard !state.suspects.isEmpty else { return }
        var waiting: [Attempt] = []
        for suspect in state.suspects {
            switch evidence(about: suspect.entry.sequence) {
            case .refusedTwice(let suspicion):
                deadLetter(suspect, DeadLetterReason(suspicion.kind, Self.reason(suspicion.error)), &settlement)
            case .confirm:
                var again = suspect
                again.suspected = true
                state.confirmations.append(again)
            case .none:
                waiting.append(suspect)
            }
        }
        state.suspects = waiting
    }

    /// An entry that failed transiently. Failures count towards giving it up only when they are
    /// isolated: the entry failed alone, and the portal accepted the same operation for another
    /// entry since the entry's previous failure (failures with nothing accepted between them are
    /// one episode — an outage of the portal, or of one of its services, is one episode however
    /// long it lasts). After ``Configuration/maximumAttempts`` such episodes the entry is
    /// dead-lettered; otherwise it is given back until the next round.
    func giveBackAfterFailure(_ item: Attempt, _ operation: DeliveryOperation, alone: Bool, _ span: Span, _ state: inout RoundState,
                                      _ settlement: inout Settlement) {
        var item = item
        // A failure the portal answered (HTTP 500 to this entry alone) says something about the
        // entry; no answer at all (a timeout, a connection lost) mostly says something about the
        // network, and counts a quarter as much.
        let answered = item.lastError.map { $0.code != .transport } ?? true
        if alone {
            // The previous failure: this engine's record of it, or — failed elsewhere, in another
            // worker or an earlier process — some time before this engine claimed the entry.
            let previous = lastFailures[item.entry.sequence] ?? Span(start: item.claimedAt, end: item.claimedAt)
            if item.isolatedFailures + item.unansweredFailures == 0 || acceptedBetween(previous, span, operation) {
                if answered { item.newIsolatedFailures += 1 } else { item.newUnansweredFailures += 1 }
            }
            lastFailures[item.entry.sequence] = span
        }
        let weight = 4 * item.isolatedFailures + item.unansweredFailures
        // Two at least: only from the second on does a failure come with evidence.
        if alone && item.isolatedFailures + item.unansweredFailures >= 2 && weight >= 4 * configuration.maximumAttempts {
            let since = item.entry.delivery.firstFailureAt.map { " since \(ISO8601DateFormatter().string(from: $0))" } ?? ""
            let last = item.lastError.map(Self.reason) ?? "unknown error"
            deadLetter(item, DeadLetterReason(.attemptsExhausted,
                                              "\(item.attempts) attempts failed\(since), \(item.isolatedFailures + item.unansweredFailures) of them alone while other dossiers went through; last: \(last)"),
                       &settlement)
        } else {
            settlement.releases.append(item.release(counting: true))
            state.excluded.insert(item.entry.sequence)
        }
    }
}
