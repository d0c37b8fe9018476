/// `URL` appears in this file's public API.
public import Foundation
/// The outbox holds DVCCore's models.
public import DVCCore

/// A durable, append-only outbox on disk (hàng đợi bền vững): ``append(_:progress:)`` returns only
/// after the entry is written and `fsync`ed, so an accepted dossier survives a crash or power
/// loss; reopening the file recovers every entry not yet acknowledged or dead-lettered.
///
/// The journal is JSON Lines, one record a line — `enqueue` (the dossier in canonical wire form
/// and its progress), `ack` (reached the portal), `known` (the portal has these dossiers), `dead`
/// (refused for good, with the portal's reason), and after ``compact()`` the `state` and
/// `statuses` summaries (Documentation/SyncingDossiers.md). A torn last line (a crash mid-write)
/// is cut off on open. This is the only type of DVCKit that touches files (design.md, "Layers").
public final class FileOutbox: Outbox {
    /// The journal file.
    public let url: URL
    private let journal: Journal

    /// Opens (or creates) the journal at `url` and recovers its pending entries.
    /// - Throws: ``OutboxError`` when the file cannot be opened or a complete line is unreadable.
    public init(url: URL) throws {
        self.url = url
        journal = try Journal(url: url)
    }

    /// Appends a dossier version (and its progress) durably; returns its entry.
    public func append(_ dossier: Dossier, progress: [ProgressEntry] = []) async throws -> OutboxEntry {
        try await journal.append(dossier, progress: progress)
    }

    /// Appends many dossier versions with one `fsync`: `check` gets each one's position in
    /// `changes` and the status of its dossier's newest version so far (including earlier ones of
    /// this batch); checking and appending are one atomic step. Those
    /// with issues are left out and returned with their issues, the others are all durable when this
    /// returns. For loading a backlog: on a real disk one `fsync` costs 0.1–10 ms.
    /// - Returns: one result per input, in order.
    public func append(contentsOf changes: [(dossier: Dossier, progress: [ProgressEntry])],
                       ifValid check: @Sendable (_ index: Int, _ previousStatus: DossierStatus?) -> [ValidationIssue]) async throws
        -> [Result<OutboxEntry, InvalidEntry>] {
        try await journal.append(contentsOf: changes, ifValid: check)
    }

    /// Entries neither acknowledged nor dead-lettered, oldest first.
    public var pending: [OutboxEntry] { get async { await journal.pendingEntries() } }

    /// Records durably, in one write, that these entries (each dossier and all its progress)
    /// reached the portal and that the portal now has the dossiers `known` (so their later
    /// versions go as updates) — `known` may include dossiers whose entries are not acknowledged
    /// yet, e.g. when their progress still has to go.
    public func acknowledge(_ sequences: [UInt64], known: [DossierCode] = []) async throws {
        try await journal.record(ack: sequences, known: known.map(\.rawValue))
    }

    /// Moves an entry to the dead-letter list with the portal's reason.
    public func deadLetter(_ sequence: UInt64, reason: String) async throws {
        try await journal.record(dead: sequence, reason: reason)
    }

    /// Whether the portal is known to have the dossier (a create was acknowledged).
    public func isKnownToPortal(_ code: DossierCode) async -> Bool { await journal.isKnown(code.rawValue) }

    /// Entries refused for good, with the reason.
    public var deadLetters: [DeadLetter] { get async { await journal.deadEntries() } }

    /// The status of the newest version of a dossier ever appended, if any: the previous status
    /// a new version's transition is checked against.
    public func latestStatus(of code: DossierCode) async -> DossierStatus? { await journal.latestStatus(code.rawValue) }

    /// Journal records that only history needs (lines of acknowledged and dead-lettered entries,
    /// acknowledgements): what ``compact()`` would reclaim.
    public var reclaimableRecords: Int { get async { await journal.reclaimableRecords } }

    /// Rewrites the journal as its current state — sequence, synced counts per agency, each
    /// dossier's last status, the dossiers known to the portal, then the pending and dead
    /// entries — into a new file, `fsync`s it, and renames it over the old one (then `fsync`s the
    /// directory). A crash at any point leaves the old journal or the new one, each complete;
    /// ``pending``, ``deadLetters``, ``report()`` and the next sequence number are unchanged.
    /// - Throws: ``OutboxError`` when the new file cannot be written; the old one is kept.
    public func compact() async throws { try await journal.compact() }

    /// Counts per receiving agency of what the journal holds (see ``SyncReport``).
    public func report() async -> SyncReport { await journal.report() }
}
