import DVCCore
@testable import DVCSync
import DVCTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What only a journal on disk can get wrong: torn and damaged records, two writers, a full disk,
/// a failing `fsync` or read, permissions, compaction. (The protocol's contract is checked by the
/// conformance suite.)
@Suite("File outbox")
struct FileOutboxTests {
    /// Appends dossiers `numbers` (one version each) and returns their sequences.
    @discardableResult
    func append(_ outbox: FileOutbox, _ numbers: [Int], agency: String = "000.00.14.H20", progress: Bool = false) async throws -> [UInt64] {
        let changes = try numbers.map { number -> EncodedChange in
            let dossier = try Fixtures.dossier(number, agency: agency)
            return try DossierChange(dossier, progress: progress ? [try Fixtures.progress(for: dossier)] : []).encoded()
        }
        return try await outbox.append(changes) { _, _ in [] }.map { outcome in
            guard case .appended(let sequence) = outcome else { throw OutboxError(.invalidRequest, "not appended: \(outcome)") }
            return sequence
        }
    }

    /// The claimable entries, given back at once.
    func claimable(_ outbox: FileOutbox) async throws -> [OutboxEntry] {
        let entries = try await outbox.claim(limit: 10_000, lease: .seconds(60), excluding: [])
        try await outbox.release(entries.map { Release(sequence: $0.sequence, lease: $0.lease) })
        return entries
    }

    func append(bytes: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes.utf8))
        try handle.close()
    }

    @Test func aChangeRoundTripsThroughTheJournalWithItsProgress() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let dossier = try Fixtures.dossier(7, status: .processing)
        let progress = [try Fixtures.progress(for: dossier, minute: 1), try Fixtures.progress(for: dossier, minute: 2)]
        do {
            let outbox = try FileOutbox(url: scratch.journal)
            _ = try await outbox.append([try DossierChange(dossier, progress: progress).encoded()]) { _, _ in [] }
        }
        let entry = try #require(try await claimable(FileOutbox(url: scratch.journal)).first)
        #expect(entry.dossier == dossier)
        #expect(entry.progress == progress)
        #expect(entry.sequence == 1)
    }

    @Test func theJournalIsPrivateAndLockedWhileOpen() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let outbox = try FileOutbox(url: scratch.journal)
        try await append(outbox, [1])
        var info = stat()
        #expect(stat(scratch.journal.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(scratch.journal.path + ".lock", &info) == 0 && info.st_mode & 0o777 == 0o600)
        // A second writer, in this process, is refused with the holder's process id…
        let error = #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal) }
        #expect(error?.code == .inUse)
        #expect(error?.description.contains("in use by process \(getpid())") == true)
        // …and gets in once the first one closed.
        await outbox.close()
        let second = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(second).count == 1)
        let closed = await #expect(throws: OutboxError.self) { try await append(outbox, [2]) }
        #expect(closed?.code == .poisoned)
    }

    @Test func aTornLastRecordIsCutOffAndTheJournalStaysUsable() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do { try await append(FileOutbox(url: scratch.journal), [1]) }
        let intact = try Data(contentsOf: scratch.journal)
        // A crash in the middle of the next append: half a record, no newline (and zeros, as
        // some file systems leave after a crash).
        try append(bytes: "1a2b3c4d {\"op\":\"enqueue\",\"seq\":2,\"at\":0,\"code\":\"000.00" + String(repeating: "\0", count: 40), to: scratch.journal)
        let outbox = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(outbox).map(\.sequence) == [1])
        #expect(try Data(contentsOf: scratch.journal) == intact)
        try await append(outbox, [2])
        await outbox.close()
        #expect(try await claimable(FileOutbox(url: scratch.journal)).map(\.sequence) == [1, 2])
    }

    @Test func aDamagedRecordStopsTheOpenAndRepairQuarantinesOnlyIt() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do {
            let outbox = try FileOutbox(url: scratch.journal)
            try await append(outbox, [1, 2, 3])
            try await append(outbox, [4])
            try await append(outbox, [5])
        }
        // Flip one digit inside the record of dossier 2 (still valid JSON: only the CRC sees it).
        var bytes = try Data(contentsOf: scratch.journal)
        let needle = Data("000.00.14.H20-260302-0002".utf8)
        let found = try #require(bytes.range(of: needle))
        bytes[found.upperBound - 1] = UInt8(ascii: "9")
        try bytes.write(to: scratch.journal)

        let error = #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal) }
        #expect(error?.code == .damaged)
        #expect(error?.description.contains("checksum mismatch") == true)
        #expect(error?.description.contains("dvc-sync repair") == true)

        let report = try FileOutbox.repair(url: scratch.journal)
        #expect(report.quarantinedOffsets.count == 1)
        #expect(report.kept == 5)   // the header and the four other entries
        let quarantine = try #require(report.quarantineURL)
        #expect(try String(contentsOf: quarantine, encoding: .utf8).contains("000.00.14.H20-260302-0009"))
        var info = stat()
        #expect(stat(quarantine.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // Everything else is there: dossiers 1 and 3 came in the same append as the damaged one.
        let outbox = try FileOutbox(url: scratch.journal)
        let codes = try await claimable(outbox).map(\.dossier.code.rawValue)
        #expect(codes == [1, 3, 4, 5].map { "000.00.14.H20-260302-000\($0)" })
        // A second repair finds nothing to do.
        await outbox.close()
        #expect(try FileOutbox.repair(url: scratch.journal).quarantinedOffsets.isEmpty)
    }

    /// Review sync-2, finding 9: a damaged header was quarantined and the journal never opened again.
    @Test func repairWritesANewHeaderWhenTheHeaderWasDamaged() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do {
            let outbox = try FileOutbox(url: scratch.journal)
            try await append(outbox, [1, 2])
        }
        var bytes = try Data(contentsOf: scratch.journal)
        let header = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let digit = try #require(bytes[..<header].lastIndex { (UInt8(ascii: "0")...UInt8(ascii: "8")).contains($0) })
        bytes[digit] += 1
        try bytes.write(to: scratch.journal)
        #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal) }
        let report = try FileOutbox.repair(url: scratch.journal)
        #expect(report.quarantinedOffsets == [0])
        let outbox = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(outbox).map(\.dossier.code.rawValue) == [1, 2].map { "000.00.14.H20-260302-000\($0)" })
        await outbox.close()
        #expect(try FileOutbox.repair(url: scratch.journal).quarantinedOffsets.isEmpty)
    }

    /// Review sync-2, finding 6: after a compaction, a version whose enqueue record repair had
    /// quarantined kept its fingerprint, and giving it again was "unchanged" — lost.
    @Test func aVersionRepairQuarantinedAfterACompactionCanBeEnqueuedAgain() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do {
            let outbox = try FileOutbox(url: scratch.journal)
            try await append(outbox, [1, 2, 3])
            try await outbox.compact()
        }
        var bytes = try Data(contentsOf: scratch.journal)
        let needle = Data("Khai sinh 2".utf8)
        let found = try #require(bytes.range(of: needle, options: .backwards))
        bytes[found.upperBound - 1] = UInt8(ascii: "9")
        try bytes.write(to: scratch.journal)
        #expect(try FileOutbox.repair(url: scratch.journal).quarantinedOffsets.count == 1)
        let outbox = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(outbox).map(\.sequence) == [1, 3])
        let again = try await outbox.append([try DossierChange(try Fixtures.dossier(2)).encoded()]) { _, _ in [] }
        guard case .appended? = again.first else {
            Issue.record("the quarantined version must be appended again, got \(again)")
            return
        }
        #expect(try await claimable(outbox).map(\.dossier.code.rawValue).contains("000.00.14.H20-260302-0002"))
    }

    @Test func aRecordThatIsNotAJournalOrFromAnotherFormatIsRefusedClearly() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try Data("{\"op\":\"enqueue\",\"seq\":1,\"item\":{}}\n".utf8).write(to: scratch.journal)
        let old = #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal) }
        #expect(old?.code == .damaged)
        let header = try JournalRecord.journal(version: 9, createdAt: 0).line()
        try Data(header).write(to: scratch.journal)
        let newer = #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal) }
        #expect(newer?.code == .unsupported)
        #expect(newer?.description.contains("format 9") == true)
    }

    @Test func sequenceNumbersBeyondIntMaxDoNotTrap() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        // A journal whose last sequence is near UInt64.max (a damaged but checksummed summary).
        var lines = try JournalRecord.journal(version: 2, createdAt: 0).line()
        lines += try JournalRecord.state(sequence: UInt64.max - 2, agencies: ["000.00.14.H20": .init(acknowledged: 3, purged: 0)]).line()
        try Data(lines).write(to: scratch.journal)
        let outbox = try FileOutbox(url: scratch.journal)
        #expect(try await append(outbox, [1]) == [UInt64.max - 1])
        try await outbox.compact()
        #expect(try await claimable(outbox).map(\.sequence) == [UInt64.max - 1])
        #expect(try await outbox.counts()["000.00.14.H20"]?.acknowledged == 3)
    }

    @Test func anUnwritableLocationIsAClearError() throws {
        let error = #expect(throws: OutboxError.self) { try FileOutbox(url: URL(fileURLWithPath: "/nonexistent-dvckit/outbox.journal")) }
        #expect(error?.description.contains("/nonexistent-dvckit/outbox.journal") == true)
    }

    // MARK: - A failing disk

    /// A disk that fails on command: writes take `partialWrite` more bytes, then one fails with
    /// `ENOSPC`; or `fsync` fails with `EIO`; or reads fail from some offset on.
    final class FailingDisk: @unchecked Sendable {
        private let lock = NSLock()
        var partialWrite: Int?
        var failFsync = false
        var failReadsFrom: Int64?

        var io: JournalIO {
            JournalIO(
                write: { fd, bytes in
                    let budget = self.lock.withLock { () -> Int? in
                        guard let left = self.partialWrite else { return nil }
                        self.partialWrite = left == 0 ? nil : 0
                        return left
                    }
                    switch budget {
                    case nil:
                        return JournalIO.system.write(fd, bytes)
                    case 0?:
                        return (-1, ENOSPC)
                    case let left?:
                        return JournalIO.system.write(fd, UnsafeRawBufferPointer(rebasing: bytes.prefix(left)))
                    }
                },
                fsync: { fd in
                    if self.lock.withLock({ self.failFsync }) { return (-1, EIO) }
                    return JournalIO.system.fsync(fd)
                },
                read: { fd, buffer, offset in
                    if let from = self.lock.withLock({ self.failReadsFrom }), offset + Int64(buffer.count) > from { return (-1, EIO) }
                    return JournalIO.system.read(fd, buffer, offset)
                })
        }
    }

    @Test(arguments: [0, 37])
    func aFullDiskLeavesNoTornBytesBehind(_ partial: Int) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let disk = FailingDisk()
        let outbox = try FileOutbox(url: scratch.journal, io: disk.io, now: { Date() })
        try await append(outbox, [1])
        let before = try Data(contentsOf: scratch.journal)
        disk.partialWrite = partial        // the next write stops after `partial` bytes: ENOSPC
        let error = await #expect(throws: OutboxError.self) { try await append(outbox, [2]) }
        #expect(error?.code == .io)
        #expect(error?.description.contains("No space left on device") == true)
        #expect(try Data(contentsOf: scratch.journal) == before)
        // The outbox goes on; the failed append's sequence number is not reused.
        #expect(try await append(outbox, [3]) == [3])
        await outbox.close()
        let reopened = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(reopened).map(\.sequence) == [1, 3])
    }

    @Test func aFailedFsyncPoisonsTheOutboxUntilItIsReopened() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let disk = FailingDisk()
        let outbox = try FileOutbox(url: scratch.journal, io: disk.io, now: { Date() })
        try await append(outbox, [1])
        disk.failFsync = true
        let error = await #expect(throws: OutboxError.self) { try await append(outbox, [2]) }
        #expect(error?.code == .poisoned)
        // Even once fsync works again, the outbox refuses changes: what reached the disk is unknown.
        disk.failFsync = false
        let again = await #expect(throws: OutboxError.self) { try await append(outbox, [3]) }
        #expect(again?.code == .poisoned)
        await #expect(throws: OutboxError.self) { try await outbox.compact() }
        await outbox.close()
        // Reopened, it replays what is really on disk (here the write did land) and goes on.
        let reopened = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(reopened).map(\.sequence) == [1, 2])
        #expect(try await append(reopened, [4]) == [3])
    }

    @Test func aReadErrorWhileOpeningIsAnErrorAndTheFileIsKept() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do { try await append(FileOutbox(url: scratch.journal), Array(1...50)) }
        let before = try Data(contentsOf: scratch.journal)
        let disk = FailingDisk()
        disk.failReadsFrom = Int64(before.count / 2)
        let error = #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal, io: disk.io, now: { Date() }) }
        #expect(error?.code == .io)
        #expect(error?.description.contains("Input/output error") == true)
        #expect(try Data(contentsOf: scratch.journal) == before)
        #expect(try await claimable(FileOutbox(url: scratch.journal)).count == 50)
    }

    // MARK: - Compaction

    @Test func compactionKeepsTheStateAndDropsTheHistory() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let outbox = try FileOutbox(url: scratch.journal)
        let sequences = try await append(outbox, Array(1...6), progress: true) + append(outbox, Array(7...10), agency: "000.00.15.H20", progress: true)
        let claimed = try await outbox.claim(limit: 100, lease: .seconds(60), excluding: [])
        #expect(claimed.map(\.sequence) == sequences)
        try await outbox.acknowledge(claimed[0..<7].map(\.claim), known: claimed[0..<7].map(\.dossier.code))
        try await outbox.deadLetter([DeadLetterRequest(claimed[7].claim, reason: DeadLetterReason(.refused, "refused"))])
        try await outbox.release([Release(sequence: sequences[8], lease: claimed[8].lease, failures: 2, lastFailure: "HTTP 500", dossierDelivered: true)])
        try await outbox.release([Release(sequence: sequences[9], lease: claimed[9].lease)])
        let counts = try await outbox.counts()
        let dead = try await outbox.deadLetters(matching: .all)
        #expect(await outbox.reclaimableRecords > 0)
        let sizeBefore = try Data(contentsOf: scratch.journal).count

        try await outbox.compact()
        #expect(try Data(contentsOf: scratch.journal).count < sizeBefore)
        #expect(!FileManager.default.fileExists(atPath: scratch.journal.path + ".rewriting"))
        #expect(await outbox.reclaimableRecords == 0)
        // The same outbox keeps working on the new file, and a reopened one sees the same state.
        #expect(try await append(outbox, [11]) == [11])
        await outbox.close()
        let reopened = try FileOutbox(url: scratch.journal)
        var expected = counts
        expected["000.00.14.H20"]?.received += 1
        expected["000.00.14.H20"]?.pending += 1
        let after = try await reopened.counts()
        #expect(after.mapValues(\.received) == expected.mapValues(\.received))
        #expect(after.mapValues(\.acknowledged) == expected.mapValues(\.acknowledged))
        #expect(after.mapValues(\.pending) == expected.mapValues(\.pending))
        #expect(try await reopened.deadLetters(matching: .all) == dead)
        let pending = try await claimable(reopened)
        #expect(pending.map(\.sequence) == [9, 10, 11])
        #expect(pending.first?.delivery.attempts == 2 && pending.first?.delivery.dossierDelivered == true)
        #expect(try await reopened.knownToPortal(claimed.map(\.dossier.code)).count == 7)
        // What was appended before is still recognised as unchanged.
        let again = try await reopened.append([try DossierChange(try Fixtures.dossier(1), progress: [try Fixtures.progress(for: try Fixtures.dossier(1))]).encoded()]) { _, _ in [] }
        #expect(again == [.unchanged(sequence: 1)])
    }

    @Test func purgingRemovesThePersonalDataFromTheDisk() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let outbox = try FileOutbox(url: scratch.journal)
        let sequences = try await append(outbox, [1, 2])
        let claimed = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
        #expect(claimed.map(\.sequence) == sequences)
        try await outbox.deadLetter([DeadLetterRequest(claimed[1].claim, reason: DeadLetterReason(.refused, "no"))])
        #expect(try String(contentsOf: scratch.journal, encoding: .utf8).contains("Khai sinh 2"))
        #expect(try await outbox.purge(matching: .all) == 1)
        #expect(!(try String(contentsOf: scratch.journal, encoding: .utf8).contains("Khai sinh 2")))
        #expect(try await outbox.counts()["000.00.14.H20"]?.purged == 1)
    }

    @Test func aLeftoverRewriteFileIsIgnored() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        do { try await append(FileOutbox(url: scratch.journal), [1]) }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: scratch.journal.path + ".rewriting"))
        let outbox = try FileOutbox(url: scratch.journal)
        #expect(try await claimable(outbox).map(\.sequence) == [1])
        #expect(!FileManager.default.fileExists(atPath: scratch.journal.path + ".rewriting"))
    }
}
