import DVCCore
import Foundation

/// Rewriting a journal: compaction (its current state into a new file) and repair (its intact
/// records into a new file, the damaged ones into a quarantine file). Both write the new file
/// whole, `fsync` it and rename it over the old one.
extension Journal {
    // MARK: - Compaction

    /// Rewrites the journal as its current state into a new file, makes it durable and renames it
    /// over the old one; a crash at any point leaves the old journal or the new one, each complete.
    func compact() throws {
        if let poisoned = file.poisoned { throw OutboxError(.poisoned, "\(path) refuses changes until it is reopened: \(poisoned)") }
        let temporary = path + Self.rewriteSuffix
        let target = try JournalFile(path: temporary, io: io, truncate: true)
        var writer = RecordWriter(file: target)
        do {
            try writer.add(.journal(version: JournalRecord.version, createdAt: now().millisecondsSince1970))
            var settled: [String: JournalRecord.Settled] = [:]
            for (id, agency) in index.agencies.enumerated() where index.acknowledged[id] > 0 || index.purged[id] > 0 {
                settled[agency] = .init(acknowledged: index.acknowledged[id], purged: index.purged[id])
            }
            try writer.add(.state(sequence: index.sequence, agencies: settled))
            // What is known of each dossier, 10,000 a record, in the dictionary's own order (no
            // sorted copy of a million states).
            var lines: [JournalRecord.DossierLine] = []
            lines.reserveCapacity(10_000)
            for (key, state) in index.dossiers {
                lines.append(JournalRecord.DossierLine(k: String(key, radix: 16), s: state.status?.wireValue, n: state.known, q: state.latest,
                                                       f: String(state.fingerprint, radix: 16),
                                                       h: index.history[key].map { $0.map { .init(f: String($0.fingerprint, radix: 16), q: $0.sequence) } },
                                                       a: state.acknowledgedUpTo > 0 ? state.acknowledgedUpTo : nil))
                if lines.count == 10_000 {
                    try writer.add(.dossiers(lines))
                    lines.removeAll(keepingCapacity: true)
                }
            }
            if !lines.isEmpty { try writer.add(.dossiers(lines)) }
            // Pending entries (already in sequence order) and dead letters (few), merged as they go,
            // each with its payload: nothing the size of the backlog is built.
            var dead = index.dead.values.sorted { $0.sequence < $1.sequence }[...]
            func writeDead(while comesFirst: (UInt64) -> Bool) throws {
                while let letter = dead.first, comesFirst(letter.sequence) {
                    dead = dead.dropFirst()
                    try writer.copy(try line(letter.line), sequence: letter.sequence, enqueuedAt: letter.enqueuedAt, delivery: nil)
                    try writer.add(.dead(.init(seq: letter.sequence, code: letter.code, kind: letter.reason.kind.rawValue, reason: letter.reason.message,
                                               at: letter.at, delivery: letter.delivery == .init() ? nil : letter.delivery)))
                }
            }
            for ref in index.livePending {
                try writeDead { $0 < ref.sequence }
                try writer.copy(try line(ref.line), sequence: ref.sequence, enqueuedAt: ref.enqueuedAt, delivery: index.deliveries[ref.sequence])
            }
            try writeDead { _ in true }
            try writer.finish()
        } catch {
            unlink(temporary)
            throw error
        }
        try JournalFile.install(temporary, over: path, as: "compacted form")
        // Re-read what is now on disk: the index then points into the new file. The old index goes
        // first, so that a large journal never holds two; the new file is the truth from here on.
        let leases = index.leases, reopened = try JournalFile(path: path, io: io)
        index = JournalIndex()
        file = reopened
        do {
            index = try Self.replay(reopened)
        } catch {
            reopened.poison("the compacted journal could not be read back: \(error)")
            throw error
        }
        index.leases = leases.filter { index.pendingEntry($0.key) != nil }
        // The compacted file holds every record written so far, synced.
        noteDurable()
    }

    // MARK: - Repair

    /// What ``repair()`` did.
    struct RepairResult {
        var kept = 0
        var quarantined: [(offset: Int64, reason: String)] = []
        var tornBytes: Int64 = 0
        var quarantinePath: String?
    }

    /// Moves damaged records to `<journal>.quarantine` (appended, `0600`) and rewrites the journal
    /// without them; every intact record is kept. The caller holds the lock.
    static func repair(path: String, io: JournalIO = .system) throws -> RepairResult {
        let source = try JournalFile(path: path, io: io)
        var result = RepairResult()
        var good: [UInt8] = []
        var bad: [UInt8] = []
        var goodLength: Int64 = 0
        try scan(source) { line, offset in
            let bytes = Array(line)
            if case .damaged(let why) = JournalRecord.parse(line) {
                result.quarantined.append((offset, why))
                bad += bytes + [UInt8(ascii: "\n")]
            } else {
                result.kept += 1
                good += bytes + [UInt8(ascii: "\n")]
            }
            goodLength = offset + Int64(line.count) + 1
        }
        result.tornBytes = source.length - goodLength
        guard !result.quarantined.isEmpty || result.tornBytes > 0 else { return result }
        if !result.quarantined.isEmpty {
            let quarantine = try JournalFile(path: path + ".quarantine", io: io)
            try quarantine.append(bad)
            result.quarantinePath = quarantine.path
        }
        // A journal starts with its header: when the header itself was damaged (or nothing is
        // kept), a fresh one goes first, or the repaired journal would never open again.
        let startsWithHeader: Bool = {
            guard let end = good.firstIndex(of: UInt8(ascii: "\n")) else { return false }
            return good[..<end].withUnsafeBytes { bytes in
                if case .record(.journal, _) = JournalRecord.parse(bytes) { return true }
                return false
            }
        }()
        if !startsWithHeader {
            good = try JournalRecord.journal(version: JournalRecord.version, createdAt: Date().millisecondsSince1970).line() + good
        }
        let temporary = path + rewriteSuffix
        let target = try JournalFile(path: temporary, io: io, truncate: true)
        do { try target.append(good) } catch {
            unlink(temporary)
            throw error
        }
        try JournalFile.install(temporary, over: path, as: "repaired form")
        return result
    }
}

/// Buffers whole records and writes them in large chunks, with one `fsync` at the end (for
/// rewriting a journal, where only the finished file counts).
struct RecordWriter {
    let file: JournalFile
    private var buffer: [UInt8] = []

    init(file: JournalFile) { self.file = file }

    mutating func add(_ record: JournalRecord, payload: Data? = nil) throws {
        buffer += try record.line(payload: payload)
        if buffer.count >= 4 << 20 { try flush() }
    }

    /// Copies an entry's record from the old file: verbatim when it already says what it must,
    /// re-framed otherwise (a requeued entry under its new sequence, or one with a delivery state).
    mutating func copy(_ line: [UInt8], sequence: UInt64, enqueuedAt: Int64, delivery: DeliveryState?) throws {
        guard case .record(.enqueue(var record), let payloadRange?) = line.withUnsafeBytes({ JournalRecord.parse($0) }) else {
            throw OutboxError(.damaged, "\(file.path): an entry's record could not be read back while compacting")
        }
        if record.seq == sequence && record.at == enqueuedAt && record.delivery == delivery {
            buffer += line + [UInt8(ascii: "\n")]
        } else {
            record.seq = sequence
            record.at = enqueuedAt
            record.delivery = delivery
            buffer += try JournalRecord.enqueue(record).line(payload: Data(line[payloadRange]))
        }
        if buffer.count >= 4 << 20 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try file.append(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() throws { try flush() }
}
