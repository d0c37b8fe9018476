import DVCClient
import DVCCommandLine
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

@Suite("dvc-sync")
struct SyncCommandTests {
    @Test func syncsAFileAndRunningItAgainSendsNothingNew() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try ServedSandbox()
        var dossiers = try (1...120).map { try Fixtures.dossier($0) }
        for n in stride(from: 0, to: 120, by: 4) {
            var later = dossiers[n]
            later.status = .processing
            dossiers.append(later)
        }
        let file = try workspace.write(dossiers, to: "batch.json")
        let first = await Run.sync(portal.options + ["--journal", workspace.journal, "--json", file])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.json["received"] as? Int == 150 && first.json["acknowledged"] as? Int == 150)
        #expect(first.json["pending"] as? Int == 0 && first.json["deadLettered"] as? Int == 0)
        #expect(first.json["read"] as? Int == 150 && first.json["appended"] as? Int == 150)
        #expect(first.errors.contains("150 dossiers read, 150 new, 0 already in the journal, 0 invalid"))
        let records = await portal.records()
        #expect(records.count == 120)
        #expect(records["000.00.14.H20-260302-0005"]?.statuses == [.received, .processing])
        let calls = (await portal.sandbox.stateDocument()["totals"] as? [String: Any])?["calls"] as? Int

        // Idempotent: the same file again adds nothing and sends nothing.
        let second = await Run.sync(portal.options + ["--journal", workspace.journal, "--json", file])
        #expect(second.status == 0)
        #expect(second.json["appended"] as? Int == 0 && second.json["unchanged"] as? Int == 150 && second.json["received"] as? Int == 150)
        #expect((await portal.sandbox.stateDocument()["totals"] as? [String: Any])?["calls"] as? Int == calls)
        #expect(!first.output.contains("sandbox\"") && !first.errors.contains("password"))
    }

    @Test func invalidDossiersAreReportedAndLeftOutTheRestGo() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try ServedSandbox()
        var late = try Fixtures.dossier(2)
        late.dueAt = try PortalTimestamp("20260301080000")
        let file = try workspace.write([try Fixtures.dossier(1), late, try Fixtures.dossier(3)], to: "batch.json")
        // One more that cannot even be decoded: a status the standard does not have.
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"data\":[", with: "\"data\":[{\"MaHoSo\":\"000.00.14.H20-260302-0009\",\"TrangThaiHoSo\":\"42\"},")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let run = await Run.sync(portal.options + ["--journal", workspace.journal, "--json", file])
        #expect(run.status == 0)
        #expect(run.json["invalid"] as? Int == 2 && run.json["acknowledged"] as? Int == 2)
        #expect(run.errors.contains("data[0] left out"))
        #expect(run.errors.contains("data[2].NgayHenTra") && run.errors.contains("[dates.order]"))
        #expect((await portal.records()).count == 2)
    }

    @Test func deadLettersExitThreeAndCanBeListedRequeuedAndPurged() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try ServedSandbox(strictTransitions: true)
        // The portal holds dossier 2 as withdrawn (final) and enforces the transition table: "received" is refused.
        var withdrawn = try Fixtures.dossier(2)
        let client = PortalClient(configuration: .init(adapterURL: URL(string: portal.url)!, credentials: .init(username: "sandbox", password: "sandbox"),
                                                       unitCode: "000.00.00.H20"),
                                  transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)))
        try await client.syncDossiers([withdrawn], isUpdating: false)
        withdrawn.status = .withdrawn
        try await client.syncDossiers([withdrawn], isUpdating: true)
        // Batches of two, one at a time: refused in [1, 2], refused again first in [2, 3, 4] with
        // the portal accepting the others around it — the refusal is dossier 2's own.
        let file = try workspace.write(try (1...6).map { try Fixtures.dossier($0) }, to: "batch.json")
        let run = await Run.sync(portal.options + ["--journal", workspace.journal, "--batch", "2", "--concurrency", "1", file])
        #expect(run.status == 3, "\(run.output)\(run.errors)")
        #expect(run.output.contains("000.00.14.H20         6             5        0              1"))

        let list = await Run.sync(["dead-letters", "--journal", workspace.journal])
        #expect(list.status == 0)
        #expect(list.output.contains("000.00.14.H20-260302-0002\trefused\t"))
        #expect(list.output.contains("status.transition"))
        let json = await Run.sync(["dead-letters", "--journal", workspace.journal, "--json"])
        let letters = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(letters.first?["dossier"] as? String == "000.00.14.H20-260302-0002" && letters.first?["kind"] as? String == "refused")

        #expect(await Run.sync(["dead-letters", "--journal", workspace.journal, "--reason", "no such words"]).output == "no dead letters\n")
        #expect(await Run.sync(["dead-letters", "--journal", workspace.journal, "--reason", "STATUS.TRANSITION"]).output.contains("1 dead letter(s)"))
        let requeued = await Run.sync(["dead-letters", "--journal", workspace.journal, "--requeue", "--dossier", "000.00.14.H20-260302-0002"])
        #expect(requeued.output == "requeued 1 dead letter(s)\n")
        let status = await Run.sync(["status", "--journal", workspace.journal, "--json"])
        #expect(status.output.contains("\"pending\":1"))
        // Still refused when sent again, alongside new dossiers the portal accepts; then purged for good.
        let more = try workspace.write(try (7...10).map { try Fixtures.dossier($0) }, to: "more.json")
        #expect(await Run.sync(portal.options + ["--journal", workspace.journal, "--batch", "2", "--concurrency", "1", more]).status == 3)
        let purged = await Run.sync(["dead-letters", "--journal", workspace.journal, "--purge", "--json"])
        #expect(purged.output == "{\"purged\":1}\n")
        let after = await Run.sync(["status", "--journal", workspace.journal, "--json"])
        #expect(after.output.contains("\"deadLettered\":0") && after.output.contains("\"purged\":1"))
        let others = try workspace.write([try Fixtures.dossier(1), try Fixtures.dossier(3)], to: "others.json")
        #expect(await Run.sync(portal.options + ["--journal", workspace.journal, others]).status == 0)
    }

    @Test func aDeadlineStopsWithEntriesPendingAndExitFour() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try ServedSandbox(faults: "error=1")
        let file = try workspace.write(try (1...10).map { try Fixtures.dossier($0) }, to: "batch.json")
        // Against a portal that fails every call, only the deadline can end the run (exit 4, all
        // pending); no wall-clock bound is asserted (shared machines, sanitizer builds).
        let run = await Run.sync(portal.options + ["--journal", workspace.journal, "--deadline", "1", "--json", file])
        #expect(run.status == 4)
        #expect(run.json["pending"] as? Int == 10 && run.json["acknowledged"] as? Int == 0)
        // The portal comes back: a second run finishes the job.
        let healthy = try ServedSandbox()
        #expect(await Run.sync(healthy.options + ["--journal", workspace.journal, file]).status == 0)
        #expect((await healthy.records()).count == 10)
    }

    @Test func aSecondSyncOnTheSameJournalIsRefused() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try ServedSandbox()
        let file = try workspace.write([try Fixtures.dossier(1)], to: "batch.json")
        try FileManager.default.createDirectory(atPath: workspace.journal, withIntermediateDirectories: true)
        let holder = try FileOutbox(url: SyncCommand.journalURL(workspace.journal))
        let run = await Run.sync(portal.options + ["--journal", workspace.journal, file])
        #expect(run.status == 1)
        #expect(run.errors.contains("is in use by process"))
        // status still works while it is held.
        #expect(await Run.sync(["status", "--journal", workspace.journal]).status == 0)
        await holder.close()
    }

    @Test(arguments: [
        (["--journal", "J", "f.json"], "--portal URL is required"),
        (["--portal", "http://portal.example.gov.vn", "--agency", "000.00.00.H20", "--username", "u", "--journal", "J", "f.json"],
         "--portal must be https"),
        (["--portal", "http://127.attacker.example", "--agency", "000.00.00.H20", "--username", "u", "--journal", "J", "f.json"],
         "--portal must be https"),
        (["--portal", "https://p.example", "--agency", "H20-bad", "--username", "u", "--journal", "J", "f.json"], "is not an agency code"),
        (["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "f.json"], "--journal DIR is required"),
        (["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "--journal", "J"], "at least one FILE"),
        (["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "--journal", "J", "--batch", "0", "f.json"], "--batch takes"),
        (["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "--journal", "J", "--password", "x", "f.json"],
         "unknown option --password"),
    ] as [([String], String)])
    func usageErrorsExitTwo(_ words: [String], _ message: String) async {
        let run = await Run.sync(words)
        #expect(run.status == 2)
        #expect(run.errors.contains(message), "\(run.errors)")
    }

    @Test func thePasswordComesOnlyFromTheEnvironment() async {
        let run = await Run.sync(["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "--journal", "J", "f.json"],
                                 environment: [:])
        #expect(run.status == 2)
        #expect(run.errors.contains("set DVC_PORTAL_PASSWORD"))
    }

    @Test func repairQuarantinesADamagedRecord() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try ServedSandbox(faults: "error=1")
        let file = try workspace.write(try (1...3).map { try Fixtures.dossier($0) }, to: "batch.json")
        #expect(await Run.sync(portal.options + ["--journal", workspace.journal, "--deadline", "0.2", file]).status == 4)
        let journal = SyncCommand.journalURL(workspace.journal)
        var bytes = try Data(contentsOf: journal)
        let found = try #require(bytes.range(of: Data("Khai sinh 2".utf8)))
        bytes[found.lowerBound] = UInt8(ascii: "k")
        try bytes.write(to: journal)
        let broken = await Run.sync(["status", "--journal", workspace.journal])
        #expect(broken.status == 1 && broken.errors.contains("damaged record"))
        let repair = await Run.sync(["repair", "--journal", workspace.journal])
        #expect(repair.status == 0 && repair.output.contains("quarantined 1 damaged record(s)"))
        // The quarantined dossier is back the next time the file is given.
        let healthy = try ServedSandbox()
        let run = await Run.sync(healthy.options + ["--journal", workspace.journal, "--json", file])
        #expect(run.status == 0 && run.json["appended"] as? Int == 1 && run.json["acknowledged"] as? Int == 3)
    }
}
