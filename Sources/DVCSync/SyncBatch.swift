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
