import Foundation
import DVCCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        // Earlier versions in this call count as previous versions; the index itself changes only
        // once the write is durable (and without copying it: it holds every dossier's status).
        var batchStatuses: [String: DossierStatus] = [:], accepted: [OutboxEntry] = []
        var bytes = Data(), results: [Result<OutboxEntry, InvalidEntry>] = []
        for (position, (dossier, progress)) in changes.enumerated() {
            let code = dossier.code.rawValue
            let issues = check(position, batchStatuses[code] ?? index.statuses[code])
            guard issues.isEmpty else {
                results.append(.failure(InvalidEntry(issues: issues)))
                continue
            }
            let entry = OutboxEntry(sequence: index.sequence + UInt64(accepted.count) + 1, dossier: dossier, progress: progress)
            bytes += try Self.enqueueRecord(entry)
            batchStatuses[code] = dossier.status
            accepted.append(entry)
            results.append(.success(entry))
        }
        if !bytes.isEmpty { try write(bytes) }
        for entry in accepted { index.add(entry) }
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
