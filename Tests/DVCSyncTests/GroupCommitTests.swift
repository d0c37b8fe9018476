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

/// Group commit: concurrent appends share an `fsync`, and none returns before an `fsync` that
/// covers its record has succeeded.
@Suite("File outbox: group commit")
struct GroupCommitTests {
    /// A disk whose first `fsync` (once armed) waits until `expectedWrites` records were written,
    /// and which counts `fsync`s and the appends that had returned when each one began.
    final class GatedDisk: @unchecked Sendable {
        private let condition = NSCondition()
        private var writes = 0
        private var armed = false
        private(set) var expectedWrites = 0
        private(set) var fsyncs: [(fileSize: Int64, returnedBefore: Int)] = []
        private var returned = 0
        var failFsync = false

        func arm(expecting count: Int) {
            condition.withLock {
                (armed, expectedWrites, writes, fsyncs) = (true, count, 0, [])
            }
        }

        func noteReturn() { condition.withLock { returned += 1 } }
        var returnedCount: Int { condition.withLock { returned } }
        var writeCount: Int { condition.withLock { writes } }
        var syncs: [(fileSize: Int64, returnedBefore: Int)] { condition.withLock { fsyncs } }

        var io: JournalIO {
            JournalIO(
                write: { fd, bytes in
                    let result = JournalIO.system.write(fd, bytes)
                    self.condition.withLock {
                        self.writes += 1
                        self.condition.broadcast()
                    }
                    return result
                },
                fsync: { fd in
                    let fail = self.condition.withLock { () -> Bool in
                        if self.armed {
                            // The first armed fsync holds until every concurrent append has written.
                            while self.writes < self.expectedWrites { self.condition.wait() }
                            self.armed = false
                        }
                        var info = stat()
                        fstat(fd, &info)
                        self.fsyncs.append((Int64(info.st_size), self.returned))
                        return self.failFsync
                    }
                    return fail ? (-1, EIO) : JournalIO.system.fsync(fd)
                },
                read: { fd, buffer, offset in JournalIO.system.read(fd, buffer, offset) })
        }
    }

    func change(_ number: Int) throws -> EncodedChange {
        try DossierChange(try Fixtures.dossier(number)).encoded()
    }

    @Test func sixteenConcurrentAppendsShareTheirFsyncs() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let disk = GatedDisk()
        let outbox = try FileOutbox(url: scratch.journal, io: disk.io, now: { Date() })
        disk.arm(expecting: 16)
        let sequences = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for number in 1...16 {
                let change = try change(number)
                group.addTask {
                    let outcome = try await outbox.append([change]) { _, _ in [] }
                    disk.noteReturn()
                    guard case .appended(let sequence)? = outcome.first else { throw OutboxError(.invalidRequest, "not appended") }
                    return sequence
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sequences.sorted() == Array(1...16))
        let syncs = disk.syncs
        // The first fsync covers what was written when it started (one record, or all sixteen if
        // the other appends reached the journal before the sync task did); it holds until all
        // sixteen are written, so at most one more covers the rest: one or two instead of sixteen.
        #expect((1...2).contains(syncs.count), "\(syncs.count) fsyncs")
        // No append returned before an fsync had begun after its write.
        #expect(syncs.first?.returnedBefore == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: scratch.journal.path)[.size] as? Int)
        #expect(syncs.last?.fileSize == Int64(size))
        await outbox.close()
        let reopened = try FileOutbox(url: scratch.journal)
        let entries = try await reopened.claim(limit: 100, lease: .seconds(60), excluding: [])
        #expect(entries.count == 16)
    }

    @Test func aFailedGroupFsyncFailsEveryAppendItCovered() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let disk = GatedDisk()
        let outbox = try FileOutbox(url: scratch.journal, io: disk.io, now: { Date() })
        disk.failFsync = true
        disk.arm(expecting: 4)
        let failures = try await withThrowingTaskGroup(of: OutboxError.Code?.self) { group in
            for number in 1...4 {
                let change = try change(number)
                group.addTask {
                    do {
                        _ = try await outbox.append([change]) { _, _ in [] }
                        return nil
                    } catch let error as OutboxError {
                        return error.code
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(failures.count == 4 && failures.allSatisfy { $0 == .poisoned })
        // Nothing whose fsync failed is handed out for sending.
        let entries = try await outbox.claim(limit: 100, lease: .seconds(60), excluding: [])
        #expect(entries.isEmpty)
    }

    @Test func anEntryIsNotClaimedBeforeItIsDurable() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let disk = GatedDisk()
        let outbox = try FileOutbox(url: scratch.journal, io: disk.io, now: { Date() })
        disk.arm(expecting: 2)
        let first = try change(1), second = try change(2)
        // The first append's fsync is held until a second record is written; meanwhile its entry
        // is on disk but not durable, and a claim does not hand it out.
        async let appended = outbox.append([first]) { _, _ in [] }
        while disk.writeCount < 1 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(try await outbox.claim(limit: 10, lease: .seconds(60), excluding: []).isEmpty)
        _ = try await outbox.append([second]) { _, _ in [] }
        _ = try await appended
        let entries = try await outbox.claim(limit: 10, lease: .seconds(60), excluding: [])
        #expect(entries.map(\.sequence) == [1, 2])
    }
}
