import DVCCore
import DVCSync
import Foundation
import Testing

@Suite("File outbox")
struct FileOutboxTests {
    @Test func entriesSurviveReopeningWithTheirState() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let first = try Make.dossier(1), second = try Make.dossier(2), third = try Make.dossier(3, agency: "000.00.15.H20")
        do {
            let outbox = try FileOutbox(url: scratch.journal)
            let a = try await outbox.append(first, progress: [try Make.progress(for: first)])
            let b = try await outbox.append(second)
            _ = try await outbox.append(third)
            #expect([a.sequence, b.sequence] == [1, 2])
            try await outbox.acknowledge([a.sequence], known: [first.code])
            try await outbox.deadLetter(b.sequence, reason: "error_code -1: invalid")
        }
        let reopened = try FileOutbox(url: scratch.journal)
        let pending = await reopened.pending
        #expect(pending.map(\.sequence) == [3])
        #expect(pending.first?.dossier == third)
        #expect(await reopened.deadLetters.map(\.entry.dossier) == [second])
        #expect(await reopened.deadLetters.first?.reason == "error_code -1: invalid")
        #expect(await reopened.isKnownToPortal(first.code))
        #expect(!(await reopened.isKnownToPortal(third.code)))
        #expect(await reopened.latestStatus(of: first.code) == .received)
        // Sequence numbers continue after the highest recovered one.
        #expect(try await reopened.append(try Make.dossier(4)).sequence == 4)

        let report = await reopened.report()
        #expect(report.agencies.map(\.agency) == ["000.00.14.H20", "000.00.15.H20"])
        let h14 = try #require(report.agencies.first)
        #expect((h14.received, h14.synced, h14.pending, h14.rejected) == (3, 1, 1, 1))
        #expect(h14.rejections.map(\.dossierCode) == [second.code.rawValue])
        #expect(report.total.received == report.total.synced + report.total.pending + report.total.rejected)
    }

    @Test func aProgressEntryRoundTripsThroughTheJournal() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let dossier = try Make.dossier(7, status: .processing)
        let progress = [try Make.progress(for: dossier, minute: 1), try Make.progress(for: dossier, minute: 2)]
        _ = try await FileOutbox(url: scratch.journal).append(dossier, progress: progress)
        let entry = try #require(await FileOutbox(url: scratch.journal).pending.first)
        #expect(entry.dossier == dossier)
        #expect(entry.progress == progress)
    }

    @Test func aTornLastRecordIsCutOffAndTheJournalStaysUsable() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        _ = try await FileOutbox(url: scratch.journal).append(try Make.dossier(1))
        let intact = try Data(contentsOf: scratch.journal)
        // A crash in the middle of the next append: half a record, no newline.
        let handle = try FileHandle(forWritingTo: scratch.journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"op\":\"enqueue\",\"seq\":2,\"item\":{\"dossier\":{\"MaHoSo\":\"000.00".utf8))
        try handle.close()

        let outbox = try FileOutbox(url: scratch.journal)
        #expect(await outbox.pending.map(\.sequence) == [1])
        let after = try Data(contentsOf: scratch.journal)
        #expect(after == intact)
        _ = try await outbox.append(try Make.dossier(2))
        let reopened = try FileOutbox(url: scratch.journal)
        #expect(await reopened.pending.map(\.sequence) == [1, 2])
    }

    @Test func aDamagedCompleteRecordIsAnErrorNotSilentLoss() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        _ = try await FileOutbox(url: scratch.journal).append(try Make.dossier(1))
        let handle = try FileHandle(forWritingTo: scratch.journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"op\":\"vanish\"}\n".utf8))
        try handle.close()
        let error = #expect(throws: OutboxError.self) { try FileOutbox(url: scratch.journal) }
        #expect(error?.description.contains("unknown journal record \"vanish\"") == true)
    }

    @Test func anUnwritableLocationIsAClearError() throws {
        let error = #expect(throws: OutboxError.self) { try FileOutbox(url: URL(fileURLWithPath: "/nonexistent-dvckit/outbox.jsonl")) }
        #expect(error?.description.contains("cannot open /nonexistent-dvckit/outbox.jsonl") == true)
    }
}
