/// `URL` appears in this file's public API.
public import Foundation
/// The outbox holds DVCCore's models.
public import DVCCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// A durable, append-only outbox on disk (hàng đợi bền vững): ``append(_:progress:)`` returns only
/// after the entry is written and `fsync`ed, so an accepted dossier survives a crash or power
/// loss; reopening the file recovers every entry not yet acknowledged or dead-lettered.
///
/// The journal is JSON Lines, one record a line — `enqueue` (with the dossier in canonical wire
/// form), `ack` (reached the portal; `created` says the portal now knows it), `dead` (refused for
/// good, with the portal's reason). A torn last line (a crash mid-write) is ignored and cut off on
/// open. This is the only type of DVCKit that touches files (design.md, "Layers").
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

/// The journal file and its in-memory index, behind one actor.
actor Journal {
    private var fd: Int32
    private let path: String
    private var index = JournalIndex()

    init(url: URL) throws {
        let path = url.path
        self.path = path
        // A compaction that did not reach its rename left this behind; the journal itself is intact.
        unlink(path + Self.compactingSuffix)
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw OutboxError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        // Recover: replay every complete line; cut a torn last line (a crash mid-append) off.
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        lseek(fd, 0, SEEK_SET)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        var index = JournalIndex()
        var validLength = 0
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = data[start..<newline]
            if !line.isEmpty {
                do { try index.apply(Data(line)) } catch {
                    close(fd)
                    throw OutboxError(message: "\(path): unreadable journal record at byte \(validLength): \(error)")
                }
            }
            validLength = newline - data.startIndex + 1
            start = data.index(after: newline)
        }
        if validLength < data.count && ftruncate(fd, off_t(validLength)) != 0 {
            close(fd)
            throw OutboxError(message: "\(path): cannot cut off a torn last record: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.index = index
    }

    deinit { close(fd) }

    static let compactingSuffix = ".compacting"

    /// Records that only history needs: acknowledged and dead-lettered entries' lines, acks.
    var reclaimableRecords: Int { max(0, index.records - index.pending.count - 2 * index.dead.count) }

    /// Rewrites the journal as its current state — a summary (sequence, synced counts, last
    /// statuses, known dossiers), then the pending and dead entries — into a new file, makes it
    /// durable, and renames it over the old one. A crash at any point leaves either the old
    /// journal or the new one, both complete.
    func compact() throws {
        let temporary = path + Self.compactingSuffix
        var bytes = try record(["op": "state", "seq": Int(index.sequence), "synced": index.synced])
        var lines = 1
        let statuses = index.statuses.sorted { $0.key < $1.key }
        for chunk in stride(from: 0, to: statuses.count, by: 10_000) {
            let slice = statuses[chunk..<min(chunk + 10_000, statuses.count)]
            bytes += try record(["op": "statuses", "codes": Dictionary(uniqueKeysWithValues: slice.map { ($0.key, $0.value.rawValue) })])
            lines += 1
        }
        let known = index.known.sorted()
        for chunk in stride(from: 0, to: known.count, by: 10_000) {
            bytes += try record(["op": "known", "codes": Array(known[chunk..<min(chunk + 10_000, known.count)])])
            lines += 1
        }
        for entry in index.pending.values.sorted(by: { $0.sequence < $1.sequence }) {
            bytes += try Self.enqueueRecord(entry)
            lines += 1
        }
        for letter in index.dead.values.sorted(by: { $0.entry.sequence < $1.entry.sequence }) {
            bytes += try Self.enqueueRecord(letter.entry) + record(["op": "dead", "seq": Int(letter.entry.sequence), "reason": letter.reason])
            lines += 2
        }
        let newFD = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        guard newFD >= 0 else { throw OutboxError(message: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        do {
            try Self.write(bytes, to: newFD)
        } catch {
            close(newFD)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            close(newFD)
            unlink(temporary)
            throw OutboxError(message: "cannot replace \(path) with its compacted form: \(reason)")
        }
        // Make the rename itself durable.
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
        close(fd)
        fd = newFD
        index.records = lines
    }

    func append(_ dossier: Dossier, progress: [ProgressEntry]) throws -> OutboxEntry {
        let entry = OutboxEntry(sequence: index.sequence + 1, dossier: dossier, progress: progress)
        try write(Self.enqueueRecord(entry))
        index.add(entry)
        return entry
    }

    private static func enqueueRecord(_ entry: OutboxEntry) throws -> Data {
        let item = try PortalJSON.encode(JournalIndex.Item(dossier: entry.dossier, progress: entry.progress))
        return Data("{\"op\":\"enqueue\",\"seq\":\(entry.sequence),\"item\":".utf8) + item + Data("}\n".utf8)
    }

    func append(contentsOf changes: [(dossier: Dossier, progress: [ProgressEntry])],
                ifValid check: @Sendable (Int, DossierStatus?) -> [ValidationIssue]) throws -> [Result<OutboxEntry, InvalidEntry>] {
        var staged = index, bytes = Data(), results: [Result<OutboxEntry, InvalidEntry>] = []
        for (position, (dossier, progress)) in changes.enumerated() {
            let issues = check(position, staged.statuses[dossier.code.rawValue])
            guard issues.isEmpty else {
                results.append(.failure(InvalidEntry(issues: issues)))
                continue
            }
            let entry = OutboxEntry(sequence: staged.sequence + 1, dossier: dossier, progress: progress)
            bytes += try Self.enqueueRecord(entry)
            staged.add(entry)
            results.append(.success(entry))
        }
        if !bytes.isEmpty { try write(bytes) }
        staged.records = index.records      // counted by write
        index = staged
        return results
    }

    func record(ack sequences: [UInt64], known codes: [String]) throws {
        let fresh = Array(Set(codes).subtracting(index.known)).sorted()
        var bytes = Data()
        if !fresh.isEmpty { bytes += try record(["op": "known", "codes": fresh]) }
        if !sequences.isEmpty { bytes += try record(["op": "ack", "seqs": sequences.map { Int($0) }]) }
        guard !bytes.isEmpty else { return }
        try write(bytes)
        index.known.formUnion(fresh)
        index.acknowledge(sequences)
    }

    func record(dead sequence: UInt64, reason: String) throws {
        try write(record(["op": "dead", "seq": Int(sequence), "reason": reason]))
        index.kill(sequence, reason: reason)
    }

    func pendingEntries() -> [OutboxEntry] {
        index.pending.values.sorted { $0.sequence < $1.sequence }
    }

    func deadEntries() -> [DeadLetter] {
        index.dead.values.sorted { $0.entry.sequence < $1.entry.sequence }
    }

    func isKnown(_ code: String) -> Bool { index.known.contains(code) }

    func latestStatus(_ code: String) -> DossierStatus? { index.statuses[code] }

    func report() -> SyncReport { index.report() }

    private func record(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) + Data("\n".utf8)
    }

    /// Writes whole records and makes them durable before returning.
    private func write(_ data: Data) throws {
        try Self.write(data, to: fd)
        index.records += data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    private static func write(_ data: Data, to fd: Int32) throws {
        try data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutboxError(message: "journal write failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw OutboxError(message: "journal fsync failed: \(String(cString: strerror(errno)))") }
    }
}

/// What the journal's records add up to. Memory holds only what is still needed: pending and
/// dead entries in full, acknowledged ones as a count per agency, and each dossier's last status.
struct JournalIndex {
    var sequence: UInt64 = 0
    var pending: [UInt64: OutboxEntry] = [:]
    var dead: [UInt64: DeadLetter] = [:]
    var synced: [String: Int] = [:]
    var known: Set<String> = []
    var statuses: [String: DossierStatus] = [:]
    /// Records (lines) in the journal file.
    var records = 0

    /// An `enqueue` record's payload, in the portal's wire form.
    struct Item: Codable {
        let dossier: Dossier
        let progress: [ProgressEntry]
    }

    mutating func add(_ entry: OutboxEntry) {
        pending[entry.sequence] = entry
        statuses[entry.dossier.code.rawValue] = entry.dossier.status
        sequence = max(sequence, entry.sequence)
    }

    mutating func acknowledge(_ sequences: [UInt64]) {
        for sequence in sequences {
            guard let entry = pending.removeValue(forKey: sequence) else { continue }
            synced[entry.dossier.code.agencyText, default: 0] += 1
        }
    }

    mutating func kill(_ sequence: UInt64, reason: String) {
        guard let entry = pending.removeValue(forKey: sequence) else { return }
        dead[sequence] = DeadLetter(entry: entry, reason: reason)
    }

    /// Replays one journal record.
    mutating func apply(_ line: Data) throws {
        struct Head: Decodable { let op: String; let seq: UInt64?; let seqs: [UInt64]?; let reason: String? }
        struct Codes: Decodable { let codes: [String] }
        struct Statuses: Decodable { let codes: [String: Int] }
        struct State: Decodable { let seq: UInt64; let synced: [String: Int] }
        struct Enqueue: Decodable { let item: Item }
        let decoder = JSONDecoder()
        let head = try decoder.decode(Head.self, from: line)
        records += 1
        switch head.op {
        case "enqueue":
            guard let seq = head.seq else { throw OutboxError(message: "an enqueue record without seq") }
            let item = try PortalJSON.decode(Enqueue.self, from: line).item
            add(OutboxEntry(sequence: seq, dossier: item.dossier, progress: item.progress))
        case "ack":
            acknowledge(head.seqs ?? [])
        case "known":
            known.formUnion(try decoder.decode(Codes.self, from: line).codes)
        case "state":
            let state = try decoder.decode(State.self, from: line)
            sequence = max(sequence, state.seq)
            synced.merge(state.synced, uniquingKeysWith: +)
        case "statuses":
            for (code, raw) in try decoder.decode(Statuses.self, from: line).codes {
                guard let status = DossierStatus(rawValue: raw) else { throw OutboxError(message: "unknown status \(raw) for \(code)") }
                statuses[code] = status
            }
        case "dead":
            guard let seq = head.seq else { throw OutboxError(message: "a dead record without seq") }
            kill(seq, reason: head.reason ?? "")
        default:
            throw OutboxError(message: "unknown journal record \"\(head.op)\"")
        }
    }

    func report() -> SyncReport {
        var agencies: [String: SyncReport.AgencyCounts] = [:]
        func update(_ agency: String, _ change: (inout SyncReport.AgencyCounts) -> Void) {
            var counts = agencies[agency] ?? SyncReport.AgencyCounts(agency: agency)
            change(&counts)
            agencies[agency] = counts
        }
        for (agency, count) in synced { update(agency) { $0.synced += count } }
        for entry in pending.values { update(entry.dossier.code.agencyText) { $0.pending += 1 } }
        for letter in dead.values.sorted(by: { $0.entry.sequence < $1.entry.sequence }) {
            update(letter.entry.dossier.code.agencyText) {
                $0.rejected += 1
                $0.rejections.append(.init(sequence: letter.entry.sequence, dossierCode: letter.entry.dossier.code.rawValue, reason: letter.reason))
            }
        }
        return SyncReport(agencies: agencies.values.map { counts in
            var counts = counts
            counts.received = counts.synced + counts.pending + counts.rejected
            return counts
        }.sorted { $0.agency < $1.agency })
    }
}
