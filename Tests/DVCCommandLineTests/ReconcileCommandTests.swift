import DVCClient
import DVCCommandLine
import DVCCore
import DVCTesting
import Foundation
import Testing

@Suite("dvc-reconcile")
struct ReconcileCommandTests {
    /// A portal holding dossiers 1–4 of H20's agency 14 (4 in status "processing").
    func portalHoldingFour() async throws -> ServedSandbox {
        let portal = try ServedSandbox()
        let client = PortalClient(configuration: .init(adapterURL: URL(string: portal.url)!, credentials: .init(username: "sandbox", password: "sandbox"),
                                                       unitCode: "000.00.00.H20"),
                                  transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)))
        try await client.syncDossiers(try (1...4).map { try Fixtures.dossier($0) }, isUpdating: false)
        try await client.syncDossiers([try Fixtures.dossier(4, status: .processing)], isUpdating: true)
        return portal
    }

    func export(_ workspace: Workspace) throws -> String {
        var other = try Fixtures.dossier(7, agency: "000.00.15.H20")
        other.code = try DossierCode("000.00.15.H20-260215-0007")
        other.receivedAt = try PortalTimestamp("20260215090000")
        // 1, 2 current; 3 stale (the portal has it received, the export says processing); 4 current; 5, 6, 7 missing.
        return try workspace.write([try Fixtures.dossier(1), try Fixtures.dossier(2), try Fixtures.dossier(3, status: .processing),
                                    try Fixtures.dossier(4, status: .processing), try Fixtures.dossier(5), try Fixtures.dossier(6), other], to: "export.json")
    }

    @Test func classifiesEveryDossierAndReportsPerAgencyAndMonth() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try await portalHoldingFour()
        let file = try export(workspace)
        let run = await Run.reconcile(portal.options + ["--json", "--rate", "0", file])
        #expect(run.status == 1)
        #expect(run.json["checked"] as? Int == 7 && run.json["current"] as? Int == 3 && run.json["stale"] as? Int == 1 && run.json["missing"] as? Int == 3)
        let rows = try #require(run.json["byAgencyMonth"] as? [[String: Any]])
        #expect(rows.map { "\($0["agency"] ?? "") \($0["month"] ?? "")" } == ["000.00.14.H20 2026-03", "000.00.15.H20 2026-02"])
        #expect(rows.first?["onPortal"] as? Int == 4 && rows.first?["syncedShare"] as? String == "66.67")
        #expect(rows.last?["missing"] as? Int == 1 && rows.last?["syncedShare"] as? String == "0.00")

        let table = await Run.reconcile(portal.options + [file])
        #expect(table.output.contains("000.00.14.H20  2026-03        6        3      1        2  4/6 (66.67 %)"))
        #expect(table.output.contains("total                         7        3      1        3  4/7 (57.14 %)"))
    }

    @Test func enqueueingTheGapsLetsDvcSyncCloseThem() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try await portalHoldingFour()
        let file = try export(workspace)
        let found = await Run.reconcile(portal.options + ["--json", "--enqueue", "--journal", workspace.journal, file])
        #expect(found.status == 1 && found.json["enqueued"] as? Int == 4, "\(found.errors)")
        // dvc-sync with that journal and no new file sends them (an empty batch file).
        let empty = try workspace.write([], to: "empty.json")
        let sync = await Run.sync(portal.options + ["--journal", workspace.journal, "--json", empty])
        #expect(sync.status == 0, "\(sync.errors)")
        #expect(sync.json["acknowledged"] as? Int == 4)
        let again = await Run.reconcile(portal.options + ["--json", file])
        #expect(again.status == 0)
        #expect(again.json["current"] as? Int == 7)
        #expect((await portal.records())["000.00.14.H20-260302-0005"]?.creates == 1)
    }

    @Test func aStateFileMakesAnInterruptedRunResume() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let portal = try await portalHoldingFour()
        let file = try export(workspace)
        let state = workspace.path("reconcile.state")
        let first = await Run.reconcile(portal.options + ["--json", "--state", state, file])
        #expect(first.json["checked"] as? Int == 7)
        func lookUps() async -> Int {
            ((await portal.sandbox.stateDocument()["totals"] as? [String: Any])?["received"] as? [String: Int])?["TraCuuHoSo"] ?? 0
        }
        #expect(await lookUps() == 7)
        // As if interrupted after three answers, the last one torn mid-write.
        let lines = try String(contentsOfFile: state, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(3).joined(separator: "\n") + "\n" + lines[3].prefix(20)).write(toFile: state, atomically: true, encoding: .utf8)
        let resumed = await Run.reconcile(portal.options + ["--json", "--state", state, file])
        #expect(resumed.json["checked"] as? Int == 7 && resumed.json["missing"] as? Int == 3)
        #expect(await lookUps() == 7 + 4)
    }

    @Test func usageErrorsExitTwo() async {
        #expect(await Run.reconcile(["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u"]).status == 2)
        let enqueue = await Run.reconcile(["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "--enqueue", "f.json"])
        #expect(enqueue.status == 2 && enqueue.errors.contains("--enqueue needs --journal DIR"))
        #expect(await Run.reconcile(["--portal", "https://p.example", "--agency", "000.00.00.H20", "--username", "u", "--rate", "-1", "f.json"]).status == 2)
    }
}
