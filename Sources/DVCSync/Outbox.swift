/// The outbox holds DVCCore's models.
public import DVCCore

/// Where ``SyncEngine`` keeps what is waiting for the portal (hàng đợi đồng bộ): DVCKit ships
/// ``FileOutbox``; a one-stop system that would rather keep its outbox in its own database — in
/// the same transaction as the dossier change — implements this protocol.
///
/// The contract the engine relies on: every method that changes state returns only once the
/// change is durable; ``append(contentsOf:ifValid:)`` checks and appends atomically; entries come
/// back from ``pending`` oldest first and never after they were acknowledged or dead-lettered.
public protocol Outbox: AnyObject, Sendable {
    /// Appends dossier versions durably; `check` gets each one's position in `changes` and the
    /// status of its dossier's newest version so far (including earlier ones of this call), and
    /// versions with issues are left out.
    /// - Returns: per input, in order, its entry or the issues that kept it out.
    func append(contentsOf changes: [(dossier: Dossier, progress: [ProgressEntry])],
                ifValid check: @Sendable (_ index: Int, _ previousStatus: DossierStatus?) -> [ValidationIssue]) async throws
        -> [Result<OutboxEntry, InvalidEntry>]
    /// Entries neither acknowledged nor dead-lettered, oldest first.
    var pending: [OutboxEntry] { get async }
    /// Records that these entries reached the portal and that the portal has the dossiers `known`.
    func acknowledge(_ sequences: [UInt64], known: [DossierCode]) async throws
    /// Moves an entry to the dead letters with the portal's reason.
    func deadLetter(_ sequence: UInt64, reason: String) async throws
    /// Entries refused for good, with the reason, oldest first.
    var deadLetters: [DeadLetter] { get async }
    /// Whether the portal is known to have the dossier.
    func isKnownToPortal(_ code: DossierCode) async -> Bool
    /// Counts per receiving agency.
    func report() async -> SyncReport
    /// Records that only history needs; the engine calls ``compact()`` past a threshold.
    var reclaimableRecords: Int { get async }
    /// Drops the history, keeping the state.
    func compact() async throws
}

/// One dossier change waiting to reach the portal (mục chờ đồng bộ): a version of the dossier and
/// the progress entries that go with it.
public struct OutboxEntry: Sendable, Hashable {
    /// The journal's sequence number, increasing.
    public let sequence: UInt64
    /// The dossier as it must reach the portal.
    public let dossier: Dossier
    /// Progress entries to send after the dossier.
    public let progress: [ProgressEntry]

    /// Creates an entry (for ``Outbox`` implementations).
    public init(sequence: UInt64, dossier: Dossier, progress: [ProgressEntry]) {
        self.sequence = sequence
        self.dossier = dossier
        self.progress = progress
    }
}

/// The issues that kept a dossier version out of the outbox.
public struct InvalidEntry: Error, Sendable, Hashable {
    /// Each defect, by field path and rule.
    public let issues: [ValidationIssue]

    /// Creates the refusal.
    public init(issues: [ValidationIssue]) { self.issues = issues }
}

/// An outbox entry the portal refused for good (bị cổng từ chối), with the portal's reason.
public struct DeadLetter: Sendable, Hashable {
    /// The entry as it was appended.
    public let entry: OutboxEntry
    /// Why it was refused: the portal's message, or the error that made it permanent.
    public let reason: String

    /// Creates a dead letter.
    public init(entry: OutboxEntry, reason: String) {
        self.entry = entry
        self.reason = reason
    }
}

/// Why the outbox could not be used.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public let message: String

    /// Creates the error (for ``Outbox`` implementations).
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
