import DVCCore
import Foundation

/// A ``FileOutbox``'s journal: the file, its lock and its index, behind one actor.
actor Journal {
    let path: String
    var lock: JournalLock?
    var file: JournalFile
    var index = JournalIndex()
    let io: JournalIO
    let now: @Sendable () -> Date
    private var nextLease: UInt64 = 0
    /// Group commit: the highest sequence written to the file, the highest known durable, the
    /// appends waiting for an `fsync` to cover them, and whether one is under way.
    var writtenSequence: UInt64 = 0
    var durableSequence: UInt64 = 0
    var syncWaiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    var syncing = false

    init(path: String, io: JournalIO = .system, now: @escaping @Sendable () -> Date = { Date() }, readOnly: Bool = false) throws {
        self.path = path
        self.io = io
        self.now = now
        if readOnly {
            lock = nil
            file = try JournalFile(path: path, io: io, readOnly: true)
            index = try Self.replay(file)
            return
        }
        lock = try JournalLock(journalPath: path)
        // A compaction or repair that did not reach its rename left this behind; the journal is intact.
        unlink(path + Self.rewriteSuffix)
        file = try JournalFile(path: path, io: io)
        index = try Self.replay(file)
        if file.length == 0 {
            try file.append(try JournalRecord.journal(version: JournalRecord.version, createdAt: now().millisecondsSince1970).line())
            index.records = 1
        }
        (writtenSequence, durableSequence) = (index.sequence, index.sequence)
    }

    static let rewriteSuffix = ".rewriting"

    /// Releases the lock and refuses every later change (reads of what is in memory still work).
    func close() {
        lock = nil
        file.poison("the outbox was closed")
    }

    // MARK: - Opening

    /// Replays every complete record; cuts a torn last record (a crash mid-append) off.
    static func replay(_ file: JournalFile) throws -> JournalIndex {
        var index = JournalIndex()
        var sawHeader = false
        var goodLength: Int64 = 0
        try scan(file) { line, offset in
            switch JournalRecord.parse(line) {
            case .damaged(let why):
                throw OutboxError(.damaged, "\(file.path): damaged record at byte \(offset) (\(why)); run `dvc-sync repair --journal DIR` (FileOutbox.repair(url:)) to quarantine it and keep the rest")
            case .record(let record, let payload):
                if !sawHeader {
                    guard case .journal(let version, _) = record else {
                        throw OutboxError(.unsupported, "\(file.path) does not start with a journal header; it is not a DVCKit journal of format \(JournalRecord.version)")
                    }
                    guard version == JournalRecord.version else {
                        throw OutboxError(.unsupported, "\(file.path) is a journal of format \(version); this DVCKit reads format \(JournalRecord.version)")
                    }
                    sawHeader = true
                }
                try index.apply(record, line: JournalIndex.LineRef(offset: offset, length: Int32(line.count), payloadStart: Int32(payload?.lowerBound ?? 0)))
                index.records += 1
            }
            goodLength = offset + Int64(line.count) + 1
        }
        if goodLength < file.length { try file.cut(to: goodLength) }
        return index
    }

    /// Calls `body` with each complete line (without its newline) and its offset.
    static func scan(_ file: JournalFile, _ body: (UnsafeRawBufferPointer, Int64) throws -> Void) throws {
        var carry: [UInt8] = []
        var carryOffset: Int64 = 0
        try file.readAll { chunk, chunkOffset in
            var start = 0
            while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if carry.isEmpty {
                    try body(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]), chunkOffset + Int64(start))
                } else {
                    carry.append(contentsOf: chunk[start..<newline])
                    try carry.withUnsafeBytes { try body($0, carryOffset) }
                    carry.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            if start < chunk.count {
                if carry.isEmpty { carryOffset = chunkOffset + Int64(start) }
                carry.append(contentsOf: chunk[start...])
            }
        }
    }

    // MARK: - Appending

    /// Appends `changes` and returns once they are durable. The records are written at once (so
    /// that later appends see these versions); the `fsync` is shared with every append written
    /// while it waits — group commit: concurrent single enqueues share one `fsync` instead of
    /// queueing for one each.
    func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        let outcomes = try write(changes, validate: validate)
        try await waitUntilDurable(writtenSequence)
        return outcomes
    }

    /// Writes the records of `changes` (not yet durable) and indexes them.
    private func write(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) throws -> [AppendOutcome] {
        struct Planned { let record: JournalRecord.Enqueue; let key: DossierKey; let fingerprint: UInt64; let lineStart: Int; let lineLength: Int; let payloadStart: Int }
        var bytes: [UInt8] = []
        var planned: [Planned] = []
        var outcomes: [AppendOutcome] = []
        var batch: [DossierKey: [(fingerprint: UInt64, sequence: UInt64, status: DossierStatus)]] = [:]
        let at = now().millisecondsSince1970
        // A dossier whose last version in this call is already its latest held one gains nothing
        // from the call: all its versions here are unchanged (a file synced twice sends nothing).
        var lastInCall: [DossierKey: Int] = [:]
        for (position, change) in changes.enumerated() { lastInCall[JournalIndex.key(change.code.rawValue)] = position }
        var settledByLast: [DossierKey: UInt64] = [:]
        for (key, position) in lastInCall where !changes[position].resend {
            if let held = index.heldVersion(of: key, fingerprint: JournalIndex.fingerprint(changes[position].fingerprint)) { settledByLast[key] = held }
        }
        for (position, change) in changes.enumerated() {
            let key = JournalIndex.key(change.code.rawValue)
            let fingerprint = JournalIndex.fingerprint(change.fingerprint)
            if !change.resend, let held = settledByLast[key] {
                outcomes.append(.unchanged(sequence: held))
                continue
            }
            if change.replay, let held = index.anyHeldVersion(of: key, fingerprint: fingerprint) {
                outcomes.append(.unchanged(sequence: held))
                continue
            }
            // Last write wins: only the dossier's latest version (this call's included) is "unchanged".
            if !change.resend, let latestInCall = batch[key]?.last {
                if latestInCall.fingerprint == fingerprint {
                    outcomes.append(.unchanged(sequence: latestInCall.sequence))
                    continue
                }
            } else if !change.resend, let held = index.heldVersion(of: key, fingerprint: fingerprint) {
                outcomes.append(.unchanged(sequence: held))
                continue
            }
            let latest = batch[key]?.last.map { LatestVersion(sequence: $0.sequence, status: $0.status) } ?? index.latestVersion(of: key)
            let issues = validate(position, latest)
            guard issues.isEmpty else {
                outcomes.append(.invalid(issues))
                continue
            }
            let sequence = index.sequence + UInt64(planned.count) + 1
            let record = JournalRecord.Enqueue(seq: sequence, at: at, code: change.code.rawValue, agency: change.agency,
                                               status: change.status.wireValue, fp: change.fingerprint)
            let line = try JournalRecord.enqueue(record).line(payload: change.payload)
            planned.append(Planned(record: record, key: key, fingerprint: fingerprint, lineStart: bytes.count, lineLength: line.count - 1,
                                   payloadStart: line.count - 1 - change.payload.count))
            bytes += line
            batch[key, default: []].append((fingerprint, sequence, change.status))
            outcomes.append(.appended(sequence: sequence))
        }
        guard !planned.isEmpty else { return outcomes }
        // Sequence numbers are used up even if the write fails: never reused for other data.
        index.sequence += UInt64(planned.count)
        let start = try file.write(bytes)
        writtenSequence = index.sequence
        for item in planned {
            let status = DossierStatus(wireValue: item.record.status) ?? .received
            index.recordVersion(item.key, sequence: item.record.seq, fingerprint: item.fingerprint, status: status)
            let line = JournalIndex.LineRef(offset: start + Int64(item.lineStart), length: Int32(item.lineLength), payloadStart: Int32(item.payloadStart))
            index.addPending(.init(sequence: item.record.seq, key: item.key, line: line, enqueuedAt: at, agency: index.agencyID(item.record.agency)))
        }
        index.records += planned.count
        return outcomes
    }

    // MARK: - Claiming and settling

    func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) throws -> [OutboxEntry] {
        if file.isReadOnly { throw OutboxError(.invalidRequest, "\(path) was opened read-only: nothing can be claimed") }
        let moment = now()
        // Only durable entries go out: one sent before its `fsync` could be lost to a crash after
        // the portal took it, and its caller told the append failed.
        let refs = index.claimable(limit: max(0, limit), excluding: excluding, now: moment).filter { $0.sequence <= durableSequence }
        var entries: [OutboxEntry] = []
        var unreadable: [(DossierKey, UInt64, String)] = []
        for ref in refs {
            let payload = try payload(ref.line)
            let change: DossierChange
            do { change = try EncodedChange.decode(payload) } catch {
                unreadable.append((ref.key, ref.sequence, "the stored dossier can no longer be read: \(error)"))
                continue
            }
            nextLease += 1
            index.leases[ref.sequence] = .init(token: nextLease, until: moment.addingTimeInterval(lease.inSeconds), code: change.dossier.code.rawValue)
            entries.append(OutboxEntry(sequence: ref.sequence, change: change, delivery: index.deliveries[ref.sequence] ?? .init(),
                                       enqueuedAt: Date(millisecondsSince1970: ref.enqueuedAt), lease: nextLease))
        }
        if !unreadable.isEmpty {
            try deadLetter(unreadable.map { DeadLetterRequest(Claim(sequence: $0.1, lease: 0), reason: .init(.unreadable, $0.2)) }, fenced: false)
        }
        return entries
    }

    /// Whether `claim` is the entry's current claim (the journal is written by one process, so a
    /// claim is current until it is settled, released or claimed again after its lease expired).
    private func holds(_ claim: Claim) -> Bool {
        index.pendingEntry(claim.sequence) != nil && index.leases[claim.sequence]?.token == claim.lease
    }

    func acknowledge(_ claims: [Claim], known codes: [DossierCode]) throws {
        let fresh = Array(Set(codes.map(\.rawValue)).filter { index.dossiers[JournalIndex.key($0)]?.known != true }).sorted()
        let live = claims.filter(holds).map(\.sequence)
        guard !live.isEmpty || !fresh.isEmpty else { return }
        try file.append(JournalRecord.acknowledge(sequences: live, known: fresh).line())
        noteDurable()
        index.records += 1
        try index.apply(.acknowledge(sequences: live, known: fresh), line: nil)
    }

    func renew(_ claims: [Claim], lease: Duration) throws -> Set<UInt64> {
        if file.isReadOnly { throw OutboxError(.invalidRequest, "\(path) was opened read-only: nothing can be renewed") }
        let until = now().addingTimeInterval(lease.inSeconds)
        var renewed = Set<UInt64>()
        for claim in claims where holds(claim) {
            guard let held = index.leases[claim.sequence] else { continue }
            index.leases[claim.sequence] = .init(token: held.token, until: max(held.until, until), code: held.code)
            renewed.insert(claim.sequence)
        }
        return renewed
    }

    func release(_ releases: [Release]) throws {
        var items: [JournalRecord.ReleaseItem] = []
        for release in releases {
            guard let lease = index.leases[release.sequence], lease.token == release.lease else { continue }
            index.leases[release.sequence] = nil
            let before = index.deliveries[release.sequence] ?? .init()
            if release.failures > 0 || release.isolatedFailures > 0 || release.unansweredFailures > 0 || (release.dossierDelivered && !before.dossierDelivered)
                || release.progressDelivered > before.progressDelivered {
                items.append(.init(seq: release.sequence, failures: release.failures > 0 ? release.failures : nil, error: release.lastFailure,
                                   delivered: release.dossierDelivered ? true : nil,
                                   progress: release.progressDelivered > 0 ? release.progressDelivered : nil,
                                   isolated: release.isolatedFailures > 0 ? release.isolatedFailures : nil,
                                   unanswered: release.unansweredFailures > 0 ? release.unansweredFailures : nil))
            }
        }
        guard !items.isEmpty else { return }
        let record = JournalRecord.release(at: now().millisecondsSince1970, items: items)
        try file.append(record.line())
        noteDurable()
        index.records += 1
        try index.apply(record, line: nil)
    }

    /// Dead-letters entries; `fenced` requests are ignored unless their claim is current (the
    /// journal's own dead letters — an unreadable entry found while claiming — are not fenced).
    func deadLetter(_ requests: [DeadLetterRequest], fenced: Bool = true) throws {
        var lines: [UInt8] = []
        var records: [JournalRecord] = []
        let at = now().millisecondsSince1970
        for request in requests {
            if fenced && !holds(Claim(sequence: request.sequence, lease: request.lease)) { continue }
            guard let ref = index.pendingEntry(request.sequence) else { continue }
            let code = try index.leases[request.sequence]?.code ?? storedCode(ref)
            let delivery = (index.deliveries[request.sequence] ?? .init()).merging(request.delivery)
            let record = JournalRecord.dead(.init(seq: request.sequence, code: code, kind: request.reason.kind.rawValue, reason: request.reason.message,
                                                  at: at, delivery: delivery == .init() ? nil : delivery))
            lines += try record.line()
            records.append(record)
        }
        guard !records.isEmpty else { return }
        try file.append(lines)
        noteDurable()
        index.records += records.count
        for record in records { try index.apply(record, line: nil) }
    }

    func deadLetters(matching filter: DeadLetterFilter) throws -> [DeadLetter] {
        try index.dead.values.filter { filter.matches(sequence: $0.sequence, dossierCode: $0.code, reason: $0.reason) }
            .sorted { $0.sequence < $1.sequence }
            .map { letter in
                let change = try EncodedChange.decode(try payload(letter.line))
                let entry = OutboxEntry(sequence: letter.sequence, change: change, delivery: letter.delivery,
                                        enqueuedAt: Date(millisecondsSince1970: letter.enqueuedAt))
                return DeadLetter(entry: entry, reason: letter.reason, at: Date(millisecondsSince1970: letter.at))
            }
    }

    func requeue(matching filter: DeadLetterFilter) throws -> Int {
        let matching = index.dead.values.filter { filter.matches(sequence: $0.sequence, dossierCode: $0.code, reason: $0.reason) }
            .sorted { $0.sequence < $1.sequence }
        guard !matching.isEmpty else { return 0 }
        let at = now().millisecondsSince1970
        var records: [JournalRecord] = []
        var lines: [UInt8] = []
        for (offset, letter) in matching.enumerated() {
            let newer = index.hasNewerLiveVersion(letter.key, than: letter.sequence)
            let record = JournalRecord.requeue(from: letter.sequence, sequence: index.sequence + UInt64(offset) + 1, progressOnly: newer, at: at)
            lines += try record.line()
            records.append(record)
        }
        index.sequence += UInt64(records.count)
        try file.append(lines)
        noteDurable()
        index.records += records.count
        for record in records { try index.apply(record, line: nil) }
        return records.count
    }

    func purge(matching filter: DeadLetterFilter) throws -> Int {
        let sequences = index.dead.values.filter { filter.matches(sequence: $0.sequence, dossierCode: $0.code, reason: $0.reason) }
            .map(\.sequence).sorted()
        guard !sequences.isEmpty else { return 0 }
        try file.append(JournalRecord.purge(sequences: sequences).line())
        noteDurable()
        index.records += 1
        try index.apply(.purge(sequences: sequences), line: nil)
        return sequences.count
    }

    func knownToPortal(_ codes: [DossierCode]) -> Set<DossierCode> {
        Set(codes.filter { index.dossiers[JournalIndex.key($0.rawValue)]?.known == true })
    }

    func counts() -> [String: OutboxCounts] { index.counts() }

    var reclaimableRecords: Int { index.reclaimableRecords }

    private func storedCode(_ ref: JournalIndex.Pending) throws -> String {
        guard case .record(.enqueue(let record), _)? = try? line(ref.line).withUnsafeBytes({ JournalRecord.parse($0) }) else { return "?" }
        return record.code
    }

    func line(_ ref: JournalIndex.LineRef) throws -> [UInt8] { try file.read(at: ref.offset, count: Int(ref.length)) }

    private func payload(_ ref: JournalIndex.LineRef) throws -> Data { Data(try file.read(at: ref.payloadOffset, count: ref.payloadLength)) }
}
