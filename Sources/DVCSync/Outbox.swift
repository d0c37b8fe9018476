/// The outbox holds DVCCore's models.
public import DVCCore
/// `Date` and `Duration` appear in this file's public API.
public import Foundation

/// Where ``SyncEngine`` keeps what is waiting for the portal (hàng đợi đồng bộ): it stores,
/// claims, acknowledges, releases, dead-letters, requeues and counts — nothing more. Validation,
/// create-versus-update, batching, retries and reports belong to the engine.
///
/// DVCKit ships ``FileOutbox`` (a journal on one disk, one process); a one-stop system that keeps
/// its outbox in its own database — so a dossier is enqueued in the same transaction that saves
/// it — implements this protocol (the PostgreSQL and SQLite integrations do), and proves its
/// implementation with DVCTesting's `OutboxConformance`.
///
/// The contract:
/// - Every method that changes state returns only once the change is durable.
/// - ``append(_:validate:)`` checks and appends atomically: no other append of the same dossier
///   comes between the check and the write.
/// - ``claim(limit:lease:excluding:)`` hands out pending entries oldest first, at most one
///   version per dossier, and never a version while an earlier version of the same dossier is
///   pending, leased or excluded: the versions of one dossier reach the portal in the order they
///   were appended, however many workers claim at once. A claim is a lease: an entry neither
///   settled nor renewed before the lease expires can be claimed again, under a new token.
/// - **Settlement is fenced by the claim.** ``acknowledge(_:known:)``, ``deadLetter(_:)`` and
///   ``release(_:)`` carry the token of the claim that made them (``Claim``); one whose token is
///   no longer the entry's (the lease expired and another claim took it) changes nothing, so a
///   worker that outlived its lease can never settle what another worker now holds.
///   ``renew(_:lease:)`` extends live claims. An outbox shared by several machines measures
///   leases on one clock (the database server's), never on each worker's.
/// - **Last write wins.** A change equal to the dossier's *latest* version (pending or
///   acknowledged) is ``AppendOutcome/unchanged(sequence:)``; anything else — an older version
///   given again, a revert A → B → A — is a new version, so the portal ends on what was given last.
/// - Acknowledged, dead-lettered and purged entries are never handed out again.
///
/// The whole delivery model — states, transitions, the invariants the engine and every outbox
/// keep together — is in the DVCSync documentation's "Sync guarantees" article, and DVCTesting's
/// `SyncSimulation` checks an implementation against it.
public protocol Outbox: AnyObject, Sendable {
    /// Appends encoded dossier versions durably and atomically with their check.
    ///
    /// For each change, in order: if it is byte-for-byte the dossier's latest version (same
    /// ``EncodedChange/fingerprint`` as the newest version the outbox holds as pending or
    /// acknowledged, earlier changes of this call included) and not marked
    /// ``EncodedChange/resend``, it is ``AppendOutcome/unchanged(sequence:)``; otherwise `validate` is called with its position
    /// and the dossier's newest version so far (earlier changes of this call included), and it is
    /// appended when `validate` returns no issue. A dossier whose *last* change in the call equals
    /// its latest version gains nothing from the call: all its changes in it are unchanged (a file
    /// of versions synced twice sends nothing new).
    /// - Returns: one outcome per change, in order.
    func append(_ changes: [EncodedChange], validate: @Sendable (_ index: Int, _ latest: LatestVersion?) -> [ValidationIssue]) async throws
        -> [AppendOutcome]

    /// Leases up to `limit` claimable entries for `lease`, oldest first (see the protocol's
    /// contract); entries whose sequence is in `excluding` are skipped, and so are later versions
    /// of their dossiers.
    func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry]

    /// Records that these entries reached the portal (dossier and all progress), and that the
    /// portal has the dossiers `known` (their later versions go as updates). A claim that is no
    /// longer the entry's current one is ignored; `known` is recorded whatever the claims.
    func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws

    /// Extends the leases of `claims` to `lease` from now (on the outbox's clock), for a batch
    /// that is still being sent.
    /// - Returns: the sequences whose claim is still current (and now renewed); the others were
    ///   settled or claimed again by someone else, and their holder must stop sending them.
    func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64>

    /// Gives leased entries back: they can be claimed again. A release adds its
    /// ``Release/failures`` to the entry's ``DeliveryState/attempts`` and keeps what of it was
    /// delivered; a release for an entry whose lease is no longer ``Release/lease`` is ignored.
    func release(_ releases: [Release]) async throws

    /// Moves entries to the dead letters, refused for good, with the reason; a request whose
    /// ``DeadLetterRequest/lease`` is no longer the entry's current claim is ignored.
    func deadLetter(_ letters: [DeadLetterRequest]) async throws

    /// The dead letters matching `filter`, oldest first.
    func deadLetters(matching filter: DeadLetterFilter) async throws -> [DeadLetter]

    /// Puts the dead letters matching `filter` back in the queue, behind everything pending,
    /// with their attempts reset. When a newer version of the dossier was acknowledged, only the
    /// entry's progress goes again (the portal has the newer version); otherwise the whole entry.
    /// - Returns: how many were requeued.
    func requeue(matching filter: DeadLetterFilter) async throws -> Int

    /// Deletes the dead letters matching `filter` (they count as purged).
    /// - Returns: how many were purged.
    func purge(matching filter: DeadLetterFilter) async throws -> Int

    /// Which of `codes` the portal is known to have (a create was acknowledged).
    func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode>

    /// Counts per receiving agency (the agency part of `MaHoSo`).
    func counts() async throws -> [String: OutboxCounts]
}

/// An outbox whose storage grows with history and can be rewritten to its current state
/// (``FileOutbox``); ``SyncEngine`` compacts it after a round past a threshold.
public protocol CompactingOutbox: Outbox {
    /// Records that only history needs: what ``compact()`` would reclaim.
    var reclaimableRecords: Int { get async }
    /// Rewrites the storage as its current state.
    func compact() async throws
}

/// The newest version an outbox holds of a dossier: what a new version is checked against.
public struct LatestVersion: Sendable, Hashable {
    /// Its sequence number.
    public let sequence: UInt64
    /// Its status (`TrangThaiHoSo`): the previous status of the next version.
    public let status: DossierStatus

    /// Creates the description (for ``Outbox`` implementations).
    public init(sequence: UInt64, status: DossierStatus) {
        self.sequence = sequence
        self.status = status
    }
}

/// One claim on one entry (the entry's sequence and the lease token it was claimed under): what
/// fences ``Outbox/acknowledge(_:known:)``, ``Outbox/renew(_:lease:)`` and the other settlements.
public struct Claim: Sendable, Hashable {
    /// The entry.
    public let sequence: UInt64
    /// The lease token (``OutboxEntry/lease``).
    public let lease: UInt64

    /// Creates a claim.
    public init(sequence: UInt64, lease: UInt64) {
        self.sequence = sequence
        self.lease = lease
    }
}

/// What ``Outbox/append(_:validate:)`` did with one change.
public enum AppendOutcome: Sendable, Hashable {
    /// Appended with this sequence number.
    case appended(sequence: UInt64)
    /// Not appended: this exact version is already the dossier's latest (pending or acknowledged).
    case unchanged(sequence: UInt64)
    /// Not appended: the check found these defects.
    case invalid([ValidationIssue])
}

/// Gives one leased entry back to the outbox (see ``Outbox/release(_:)``).
public struct Release: Sendable, Hashable {
    /// The entry.
    public let sequence: UInt64
    /// The lease it was claimed under (``OutboxEntry/lease``).
    public let lease: UInt64
    /// Failed attempts to add to its count (0 when it was not tried: a cancelled round, a
    /// systemic refusal).
    public let failures: Int
    /// The last failure, redacted.
    public let lastFailure: String?
    /// Whether the dossier itself reached the portal (only progress is left).
    public let dossierDelivered: Bool
    /// Progress entries confirmed by the portal, from the start of ``OutboxEntry/progress``.
    public let progressDelivered: Int
    /// Of ``failures``, those to add to ``DeliveryState/isolatedFailures``.
    public let isolatedFailures: Int
    /// Of ``failures``, those to add to ``DeliveryState/unansweredFailures``.
    public let unansweredFailures: Int

    /// Creates a release.
    public init(sequence: UInt64, lease: UInt64, failures: Int = 0, lastFailure: String? = nil, dossierDelivered: Bool = false, progressDelivered: Int = 0,
                isolatedFailures: Int = 0, unansweredFailures: Int = 0) {
        self.sequence = sequence
        self.lease = lease
        self.failures = max(0, failures)
        self.lastFailure = lastFailure
        self.dossierDelivered = dossierDelivered
        self.progressDelivered = max(0, progressDelivered)
        self.isolatedFailures = max(0, isolatedFailures)
        self.unansweredFailures = max(0, unansweredFailures)
    }
}

/// Counts of one receiving agency's entries (số liệu hàng đợi): every entry ever appended is in
/// exactly one of acknowledged, pending, dead-lettered or purged.
public struct OutboxCounts: Sendable, Hashable, Codable {
    /// Entries appended.
    public var received = 0
    /// Entries the portal acknowledged.
    public var acknowledged = 0
    /// Entries waiting (including leased ones).
    public var pending = 0
    /// Entries refused for good, still held.
    public var deadLettered = 0
    /// Dead letters deleted by an operator.
    public var purged = 0
    /// When the oldest pending entry was appended.
    public var oldestPendingSince: Date?

    /// Empty counts.
    public init() {}

    /// Adds `other`'s counts (the older of the two oldest pending dates).
    public mutating func add(_ other: OutboxCounts) {
        received += other.received
        acknowledged += other.acknowledged
        pending += other.pending
        deadLettered += other.deadLettered
        purged += other.purged
        if let date = other.oldestPendingSince { oldestPendingSince = min(oldestPendingSince ?? date, date) }
    }
}

/// Why an outbox could not be used (lỗi hàng đợi), with a code to act on.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. An open list.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name.
        public let rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// Another writer holds the outbox (a journal is written by one process at a time).
        public static let inUse = Code(rawValue: "in-use")
        /// A stored record is damaged (its checksum does not match); `dvc-sync repair` or
        /// ``FileOutbox/repair(url:)`` quarantines it.
        public static let damaged = Code(rawValue: "damaged")
        /// Reading or writing the storage failed; the change was not made.
        public static let io = Code(rawValue: "io")
        /// An earlier `fsync` failed: what is on disk is unknown, so the outbox refuses changes
        /// until it is reopened (PostgreSQL's rule).
        public static let poisoned = Code(rawValue: "poisoned")
        /// The storage holds something this version does not understand.
        public static let unsupported = Code(rawValue: "unsupported")
        /// A request the outbox cannot carry out (e.g. an unknown sequence number).
        public static let invalidRequest = Code(rawValue: "invalid-request")
    }

    /// What went wrong.
    public let code: Code
    /// What failed, in one sentence.
    public let message: String

    /// Creates the error (for ``Outbox`` implementations).
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
