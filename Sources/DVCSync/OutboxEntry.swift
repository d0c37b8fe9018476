/// The entries hold DVCCore's models.
public import DVCCore
/// `Data` and `Date` appear in this file's public API.
public import Foundation

/// One change to send to the portal (thay đổi hồ sơ): a version of a dossier and the progress
/// entries (tiến độ xử lý) that go with it.
public struct DossierChange: Sendable, Hashable {
    /// The dossier as it must reach the portal.
    public var dossier: Dossier
    /// Progress entries to send after the dossier, in order.
    public var progress: [ProgressEntry]
    /// Append it even if the outbox already holds this exact version — for a version the portal
    /// turned out not to have (`dvc-reconcile --enqueue`).
    public var resend: Bool
    /// A replay of history (a loader reading the same export again): skipped when the outbox holds
    /// this exact version at all — the latest or an older one — so a second run adds nothing, and
    /// an older version of a file never overtakes the newer one a later file gave.
    public var replay: Bool

    /// Creates a change.
    public init(_ dossier: Dossier, progress: [ProgressEntry] = [], resend: Bool = false, replay: Bool = false) {
        self.dossier = dossier
        self.progress = progress
        self.resend = resend
        self.replay = replay
    }

    /// The change in the canonical wire form an outbox stores, with its fingerprint.
    /// - Throws: when a model cannot be encoded (it can always be, for validated models).
    public func encoded() throws -> EncodedChange {
        try EncodedChange(self)
    }

    /// The stored form: `{"dossier":{…},"progress":[…]}` in canonical wire JSON.
    struct Stored: Codable {
        let dossier: Dossier
        let progress: [ProgressEntry]
    }
}

/// A ``DossierChange`` in the canonical form an ``Outbox`` stores: encoded once by the engine,
/// so every outbox keeps the same bytes and computes nothing itself.
public struct EncodedChange: Sendable, Hashable {
    /// The change.
    public let change: DossierChange
    /// `{"dossier":{…},"progress":[…]}` in canonical wire JSON (sorted keys, strings).
    public let payload: Data
    /// A 128-bit hash of ``payload`` (32 hex digits): equal fingerprints mean the same version.
    public let fingerprint: String

    /// The dossier's code.
    public var code: DossierCode { change.dossier.code }
    /// The receiving agency as it appears in the dossier code (what counts are kept by).
    public var agency: String { change.dossier.code.agencyText }
    /// The dossier's status.
    public var status: DossierStatus { change.dossier.status }
    /// Whether it is appended even when unchanged (``DossierChange/resend``).
    public var resend: Bool { change.resend }
    /// Whether it is skipped when any held version equals it (``DossierChange/replay``).
    public var replay: Bool { change.replay && !change.resend }

    /// Encodes `change`.
    public init(_ change: DossierChange) throws {
        self.change = change
        payload = try PortalJSON.encode(DossierChange.Stored(dossier: change.dossier, progress: change.progress))
        fingerprint = Hash128(bytes: payload).description
    }

    /// Decodes a stored payload (for ``Outbox`` implementations reading their storage back).
    /// - Throws: `WireDecodingError` when the payload is not a stored change.
    public static func decode(_ payload: Data) throws -> DossierChange {
        let stored = try PortalJSON.decode(DossierChange.Stored.self, from: payload)
        return DossierChange(stored.dossier, progress: stored.progress)
    }
}

/// One dossier change waiting to reach the portal (mục chờ đồng bộ), as claimed from an outbox.
public struct OutboxEntry: Sendable, Hashable {
    /// The outbox's sequence number, increasing in append order.
    public let sequence: UInt64
    /// The dossier version and its progress.
    public let change: DossierChange
    /// What happened on earlier attempts.
    public let delivery: DeliveryState
    /// When it was appended.
    public let enqueuedAt: Date
    /// The lease it is claimed under (give it back with ``Release``); 0 when not claimed.
    public let lease: UInt64

    /// The dossier as it must reach the portal.
    public var dossier: Dossier { change.dossier }
    /// The claim it is held under: what settles it (``Outbox/acknowledge(_:known:)``).
    public var claim: Claim { Claim(sequence: sequence, lease: lease) }
    /// Progress entries to send after the dossier.
    public var progress: [ProgressEntry] { change.progress }
    /// Progress entries the portal has not confirmed yet.
    public var progressToSend: ArraySlice<ProgressEntry> { change.progress.dropFirst(delivery.progressDelivered) }

    /// Creates an entry (for ``Outbox`` implementations).
    public init(sequence: UInt64, change: DossierChange, delivery: DeliveryState = .init(), enqueuedAt: Date, lease: UInt64 = 0) {
        self.sequence = sequence
        self.change = change
        self.delivery = delivery
        self.enqueuedAt = enqueuedAt
        self.lease = lease
    }
}

/// An entry's delivery so far (lịch sử gửi): attempts that failed, and what of it already reached
/// the portal, so a retry sends only the rest.
public struct DeliveryState: Sendable, Hashable, Codable {
    /// Attempts that failed (transiently, or refused without the refusal being confirmed).
    public var attempts: Int
    /// When the first of them failed.
    public var firstFailureAt: Date?
    /// The last failure, redacted.
    public var lastFailure: String?
    /// Whether the dossier itself reached the portal (only progress is left to send).
    public var dossierDelivered: Bool
    /// Progress entries the portal confirmed, from the start of the list.
    public var progressDelivered: Int
    /// Failures that count towards giving the entry up (``SyncEngine/Configuration/maximumAttempts``):
    /// the entry failed alone, and the portal had accepted the same call for another entry since
    /// its previous failure. Failures in an outage — nothing accepted between them — are one.
    public var isolatedFailures: Int
    /// Isolated failures without an answer (a timeout, a lost connection): they say more about
    /// the network than about the entry, and count a quarter as much.
    public var unansweredFailures: Int

    /// A fresh state: never tried.
    public init(attempts: Int = 0, firstFailureAt: Date? = nil, lastFailure: String? = nil, dossierDelivered: Bool = false, progressDelivered: Int = 0,
                isolatedFailures: Int = 0, unansweredFailures: Int = 0) {
        self.attempts = attempts
        self.firstFailureAt = firstFailureAt
        self.lastFailure = lastFailure
        self.dossierDelivered = dossierDelivered
        self.progressDelivered = progressDelivered
        self.isolatedFailures = isolatedFailures
        self.unansweredFailures = unansweredFailures
    }

    private enum CodingKeys: String, CodingKey {
        case attempts, firstFailureAt, lastFailure, dossierDelivered, progressDelivered, isolatedFailures, unansweredFailures
    }

    /// Decodes a stored state (one stored before ``isolatedFailures`` existed has none).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attempts = try container.decode(Int.self, forKey: .attempts)
        firstFailureAt = try container.decodeIfPresent(Date.self, forKey: .firstFailureAt)
        lastFailure = try container.decodeIfPresent(String.self, forKey: .lastFailure)
        dossierDelivered = try container.decode(Bool.self, forKey: .dossierDelivered)
        progressDelivered = try container.decode(Int.self, forKey: .progressDelivered)
        isolatedFailures = try container.decodeIfPresent(Int.self, forKey: .isolatedFailures) ?? 0
        unansweredFailures = try container.decodeIfPresent(Int.self, forKey: .unansweredFailures) ?? 0
    }

    /// This state merged with what the engine knew when it dead-lettered the entry (for
    /// ``Outbox`` implementations): delivered if either says so, the larger counts, the first
    /// failure kept.
    public func merging(_ other: DeliveryState) -> DeliveryState {
        var next = self
        next.dossierDelivered = dossierDelivered || other.dossierDelivered
        next.progressDelivered = max(progressDelivered, other.progressDelivered)
        next.attempts = max(attempts, other.attempts)
        next.isolatedFailures = max(isolatedFailures, other.isolatedFailures)
        next.unansweredFailures = max(unansweredFailures, other.unansweredFailures)
        next.firstFailureAt = firstFailureAt ?? other.firstFailureAt
        next.lastFailure = lastFailure ?? other.lastFailure
        return next
    }

    /// This state after `release` at `now` (for ``Outbox`` implementations).
    public func applying(_ release: Release, at now: Date) -> DeliveryState {
        var next = self
        next.dossierDelivered = dossierDelivered || release.dossierDelivered
        next.progressDelivered = max(progressDelivered, release.progressDelivered)
        next.isolatedFailures += release.isolatedFailures
        next.unansweredFailures += release.unansweredFailures
        if release.failures > 0 {
            next.attempts += release.failures
            next.firstFailureAt = firstFailureAt ?? now
            next.lastFailure = release.lastFailure ?? lastFailure
        }
        return next
    }
}
