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

    @Test func compactionKeepsTheStateAndDropsTheHistory() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let outbox = try FileOutbox(url: scratch.journal)
        var codes: [DossierCode] = []
        for n in 1...10 {
            let dossier = try Make.dossier(n, agency: n <= 6 ? "000.00.14.H20" : "000.00.15.H20", status: n == 10 ? .processing : .received)
            codes.append(dossier.code)
            _ = try await outbox.append(dossier, progress: [try Make.progress(for: dossier)])
        }
        try await outbox.acknowledge(Array(1...8), known: Array(codes[0..<8]))
        try await outbox.deadLetter(9, reason: "refused")
        let before = (await outbox.report(), await outbox.pending, await outbox.deadLetters)
        // 13 records (10 enqueue, known, ack, dead) less the pending entry and the dead entry's two.
        #expect(await outbox.reclaimableRecords == 10)
        let linesBefore = try String(contentsOf: scratch.journal, encoding: .utf8).split(separator: "\n").count

        try await outbox.compact()
        let linesAfter = try String(contentsOf: scratch.journal, encoding: .utf8).split(separator: "\n").count
        #expect(linesAfter < linesBefore)
        #expect(!FileManager.default.fileExists(atPath: scratch.journal.path + ".compacting"))
        // The same outbox keeps working on the new file…
        let next = try await outbox.append(try Make.dossier(11))
        #expect(next.sequence == 11)
        // …and a reopened one sees the same state.
        let reopened = try FileOutbox(url: scratch.journal)
        #expect(await reopened.pending.map(\.sequence) == before.1.map(\.sequence) + [11])
        #expect(await reopened.deadLetters == before.2)
        var expected = before.0.agencies
        expected[0].received += 1
        expected[0].pending += 1
        #expect(await reopened.report().agencies == expected)
        #expect(await reopened.isKnownToPortal(codes[0]))
        #expect(!(await reopened.isKnownToPortal(codes[9])))
        #expect(await reopened.latestStatus(of: codes[9]) == .processing)
        #expect(await reopened.latestStatus(of: codes[0]) == .received)
        #expect(try await reopened.append(try Make.dossier(12)).sequence == 12)
    }

    @Test func aLeftoverCompactionFileIsIgnored() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        _ = try await FileOutbox(url: scratch.journal).append(try Make.dossier(1))
        try Data("{\"op\":\"state\",\"seq\":99".utf8).write(to: URL(fileURLWithPath: scratch.journal.path + ".compacting"))
        let outbox = try FileOutbox(url: scratch.journal)
        #expect(await outbox.pending.map(\.sequence) == [1])
        #expect(!FileManager.default.fileExists(atPath: scratch.journal.path + ".compacting"))
    }
}
