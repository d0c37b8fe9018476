/// `URL`, `Date` and `Duration` appear in this file's public API.
public import Foundation
/// The outbox holds DVCCore's models.
public import DVCCore

/// A durable outbox in one journal file (hàng đợi bền vững trên đĩa), for one process on one
/// machine: every change is written and `fsync`ed before the call returns, so an accepted dossier
/// survives a crash or a power loss, and reopening the file recovers everything not yet
/// acknowledged.
///
/// - **One writer.** Opening takes an exclusive lock (`<journal>.lock`); a second `FileOutbox` on
///   the same journal — in this process or another — fails with ``OutboxError/Code/inUse``
///   naming the holder's process id. The lock dies with the process.
/// - **Checked records.** Each record carries a CRC-32C. A torn last record (a crash mid-write) is
///   cut off on open; a damaged record anywhere else stops the open with
///   ``OutboxError/Code/damaged`` and its byte offset, and ``repair(url:)`` (`dvc-sync repair`)
///   moves it to `<journal>.quarantine`, keeping every intact record.
/// - **Group commit.** Concurrent appends share their `fsync`: each writes its records at once and
///   returns when an `fsync` that began after its write has completed; one runs at a time and
///   covers every append written before it (16 concurrent single enqueues: ~14,500/s where one
///   `fsync` each managed ~2,500/s). Entries are claimed only once durable.
/// - **Failures leave no trace.** A failed or short write is cut back off; a failed `fsync`
///   makes the outbox refuse changes (``OutboxError/Code/poisoned``) until it is reopened.
/// - **Private.** The journal holds citizens' personal data: its files are created `0600`, and
///   ``purge(matching:)`` compacts at once, so purged dossiers leave the disk (Decree
///   13/2023/NĐ-CP on personal data protection).
/// - **Small in memory.** Pending entries stay on disk and are read when claimed; memory holds
///   about 110 bytes per dossier and per pending entry.
///
/// Leases are kept in memory: they end with the process, which holds the journal alone.
public final class FileOutbox: CompactingOutbox {
    /// The journal file.
    public let url: URL
    private let journal: Journal

    /// Opens (or creates) the journal at `url`, replaying it.
    /// - Throws: ``OutboxError`` — ``OutboxError/Code/inUse`` when another writer holds it,
    ///   ``OutboxError/Code/damaged`` when a record is damaged, ``OutboxError/Code/io``.
    public convenience init(url: URL) throws {
        try self.init(url: url, io: .system, now: { Date() })
    }

    /// Opens an existing journal to read it — counts, dead letters — without taking the lock, so it
    /// works while another process syncs with it. Every change is refused. What it shows is the
    /// journal as it was when opened.
    /// - Throws: ``OutboxError`` when there is no journal at `url` or a record is damaged.
    public static func readOnly(url: URL) throws -> FileOutbox {
        try FileOutbox(url: url, io: .system, now: { Date() }, readOnly: true)
    }

    /// Opens a journal with another I/O seam and clock (fault injection, ``JournalIO/simulated``).
    package init(url: URL, io: JournalIO, now: @escaping @Sendable () -> Date, readOnly: Bool = false) throws {
        self.url = url
        journal = try Journal(path: url.path, io: io, now: now, readOnly: readOnly)
    }

    /// Releases the journal's lock; every later change is refused. (Dropping the last reference
    /// does the same; this does it at a moment you choose, e.g. before another process takes over.)
    public func close() async { await journal.close() }

    /// Appends encoded changes durably, with one `fsync` for the whole call.
    public func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        try await journal.append(changes, validate: validate)
    }

    /// Leases claimable entries (see ``Outbox/claim(limit:lease:excluding:)``).
    public func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry] {
        try await journal.claim(limit: limit, lease: lease, excluding: excluding)
    }

    /// Records durably, in one write, that these entries reached the portal and that the portal
    /// has the dossiers `known`.
    public func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws {
        try await journal.acknowledge(claims, known: known)
    }

    /// Extends the leases of claims still current (leases live in memory: renewing writes nothing).
    public func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64> {
        try await journal.renew(claims, lease: lease)
    }

    /// Gives leased entries back (failures are recorded durably, in one write).
    public func release(_ releases: [Release]) async throws { try await journal.release(releases) }

    /// Moves entries to the dead letters.
    public func deadLetter(_ letters: [DeadLetterRequest]) async throws { try await journal.deadLetter(letters) }

    /// The dead letters matching `filter`, oldest first.
    public func deadLetters(matching filter: DeadLetterFilter = .all) async throws -> [DeadLetter] {
        try await journal.deadLetters(matching: filter)
    }

    /// Puts matching dead letters back in the queue (see ``Outbox/requeue(matching:)``).
    public func requeue(matching filter: DeadLetterFilter) async throws -> Int { try await journal.requeue(matching: filter) }

    /// Deletes matching dead letters, then compacts, so their personal data leaves the disk.
    public func purge(matching filter: DeadLetterFilter) async throws -> Int {
        let count = try await journal.purge(matching: filter)
        if count > 0 { try await journal.compact() }
        return count
    }

    /// Which of `codes` the portal is known to have.
    public func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode> { await journal.knownToPortal(codes) }

    /// Counts per receiving agency.
    public func counts() async throws -> [String: OutboxCounts] { await journal.counts() }

    /// Journal records that only history needs: what ``compact()`` would reclaim.
    public var reclaimableRecords: Int { get async { await journal.reclaimableRecords } }

    /// Rewrites the journal as its current state — a summary (sequence, counts, what is known of
    /// each dossier), then the pending and dead entries — into a new file, `fsync`s it, renames it
    /// over the old one and `fsync`s the directory. A crash at any point leaves the old journal or
    /// the new one, each complete.
    /// - Throws: ``OutboxError`` when the new file cannot be written; the old one is kept.
    public func compact() async throws { try await journal.compact() }

    /// What ``repair(url:)`` did.
    public struct RepairReport: Sendable, Hashable, CustomStringConvertible {
        /// Intact records kept.
        public let kept: Int
        /// Byte offsets (in the damaged journal) of the records moved to the quarantine file.
        public let quarantinedOffsets: [Int64]
        /// Bytes of a torn last record cut off.
        public let tornBytes: Int64
        /// Where the damaged records went (`<journal>.quarantine`), when there were any.
        public let quarantineURL: URL?

        /// One line.
        public var description: String {
            quarantinedOffsets.isEmpty && tornBytes == 0
                ? "journal intact: \(kept) records"
                : "kept \(kept) records; quarantined \(quarantinedOffsets.count) damaged record(s)"
                    + (quarantineURL.map { " to \($0.path)" } ?? "") + (tornBytes > 0 ? "; cut a torn last record of \(tornBytes) bytes" : "")
        }
    }

    /// Moves damaged records of the journal at `url` to `<journal>.quarantine` and keeps every
    /// intact one, so the outbox opens again. What a quarantined record held is lost to the
    /// outbox (an `ack` lost means a resend; an `enqueue` lost means re-enqueueing that dossier,
    /// which `dvc-sync` does when given the same files again); the operator finds it in the
    /// quarantine file. Takes the journal's lock.
    /// - Throws: ``OutboxError`` (``OutboxError/Code/inUse`` while another writer holds it).
    public static func repair(url: URL) throws -> RepairReport {
        let lock = try JournalLock(journalPath: url.path)
        defer { withExtendedLifetime(lock) {} }
        let result = try Journal.repair(path: url.path)
        return RepairReport(kept: result.kept, quarantinedOffsets: result.quarantined.map(\.offset), tornBytes: result.tornBytes,
                            quarantineURL: result.quarantinePath.map { URL(fileURLWithPath: $0) })
    }
}
