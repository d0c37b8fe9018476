/// `Date` appears in this file's public API.
public import Foundation

/// An outbox entry refused for good (hồ sơ bị từ chối), with the reason. It stays until an
/// operator requeues it (``Outbox/requeue(matching:)``, `dvc-sync dead-letters --requeue`) or
/// purges it (``Outbox/purge(matching:)``).
public struct DeadLetter: Sendable, Hashable {
    /// The entry as it was when it was dead-lettered.
    public let entry: OutboxEntry
    /// Why.
    public let reason: DeadLetterReason
    /// When.
    public let at: Date

    /// Creates a dead letter (for ``Outbox`` implementations).
    public init(entry: OutboxEntry, reason: DeadLetterReason, at: Date) {
        self.entry = entry
        self.reason = reason
        self.at = at
    }
}

/// Why an entry was dead-lettered: a kind to filter on and the message (the portal's words,
/// redacted).
public struct DeadLetterReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of reason. An open list.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The name.
        public let rawValue: String
        /// Creates a kind.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// The portal refused the dossier, and the dossiers around it were not refused the same way.
        public static let refused = Kind(rawValue: "refused")
        /// The dossier reached the portal, but its progress was refused.
        public static let progressRefused = Kind(rawValue: "progress-refused")
        /// Every attempt failed transiently (``SyncEngine/Configuration/maximumAttempts``), alone,
        /// while the portal accepted other dossiers.
        public static let attemptsExhausted = Kind(rawValue: "attempts-exhausted")
        /// The adapter answered HTTP 413 for this dossier alone.
        public static let tooLarge = Kind(rawValue: "too-large")
        /// The stored entry can no longer be decoded (written by a DVCKit whose models differ).
        public static let unreadable = Kind(rawValue: "unreadable")
    }

    /// The kind.
    public let kind: Kind
    /// The message.
    public let message: String

    /// Creates a reason.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `kind: message`.
    public var description: String { "\(kind): \(message)" }
}

/// One entry to dead-letter (see ``Outbox/deadLetter(_:)``).
public struct DeadLetterRequest: Sendable, Hashable {
    /// The entry.
    public let sequence: UInt64
    /// Why.
    public let reason: DeadLetterReason
    /// Its delivery state at that point (what of it reached the portal).
    public let delivery: DeliveryState
    /// The lease the entry is claimed under (``OutboxEntry/lease``): a request from a claim that
    /// is no longer current is ignored.
    public let lease: UInt64

    /// Creates a request for the entry claimed as `claim`.
    public init(_ claim: Claim, reason: DeadLetterReason, delivery: DeliveryState = .init()) {
        self.sequence = claim.sequence
        self.lease = claim.lease
        self.reason = reason
        self.delivery = delivery
    }
}

/// Which dead letters an operation applies to: all of them, or those matching every criterion given.
public struct DeadLetterFilter: Sendable, Hashable {
    /// Only these entries.
    public var sequences: Set<UInt64>?
    /// Only entries of these dossiers (`MaHoSo`).
    public var dossierCodes: Set<String>?
    /// Only reasons of these kinds.
    public var kinds: Set<DeadLetterReason.Kind>?
    /// Only reasons whose message contains this text (case-insensitive).
    public var reasonContaining: String?

    /// Creates a filter; with no criterion it matches every dead letter.
    public init(sequences: Set<UInt64>? = nil, dossierCodes: Set<String>? = nil, kinds: Set<DeadLetterReason.Kind>? = nil, reasonContaining: String? = nil) {
        self.sequences = sequences
        self.dossierCodes = dossierCodes
        self.kinds = kinds
        self.reasonContaining = reasonContaining
    }

    /// Every dead letter.
    public static let all = DeadLetterFilter()

    /// Whether a dead letter of `dossierCode`, entry `sequence`, with `reason` matches.
    public func matches(sequence: UInt64, dossierCode: String, reason: DeadLetterReason) -> Bool {
        if let sequences, !sequences.contains(sequence) { return false }
        if let dossierCodes, !dossierCodes.contains(dossierCode) { return false }
        if let kinds, !kinds.contains(reason.kind) { return false }
        if let text = reasonContaining, !text.isEmpty, reason.message.range(of: text, options: .caseInsensitive) == nil { return false }
        return true
    }
}
