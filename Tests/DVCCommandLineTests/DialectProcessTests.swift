import DVCCommandLine
import DVCKit
import DVCTesting
import Foundation
import Testing

/// `dvc-sync` and `dvc-reconcile --dialect NAME` against `dvc-sandbox --dialect NAME`, as
/// separate processes over loopback HTTP, for every shipped dialect.
@Suite("Dialects end to end", .serialized)
struct DialectProcessTests {
    @Test(arguments: PortalDialect.shipped.map(\.name))
    func syncAndReconcileSpeakEveryShippedDialect(_ name: String) async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let sandbox = try await SyncProcessTests.SandboxProcess(["--dialect", name])
        var dossiers = try (1...40).map { try Fixtures.dossier($0) }
        let created = try workspace.write(dossiers, to: "created.json")
        let common = ["--portal", sandbox.url, "--agency", "000.00.00.H20", "--username", "sandbox", "--dialect", name]
        let sync = ["--journal", workspace.journal, "--batch", "15", "--json"]

        let first = try SyncProcessTests.SyncProcess(common + sync + [created], in: workspace, name: "first")
        #expect(try await first.wait().status == 0, "\(first.errorText.suffix(400))")
        #expect(first.json["acknowledged"] as? Int == 40)
        for index in dossiers.indices where index % 4 == 0 { dossiers[index].status = .processing }
        let updated = try workspace.write(dossiers, to: "updated.json")
        let second = try SyncProcessTests.SyncProcess(common + sync + [updated], in: workspace, name: "second")
        #expect(try await second.wait().status == 0, "\(second.errorText.suffix(400))")

        let records = try await sandbox.records()
        #expect(records.count == 40)
        #expect(records.values.allSatisfy { $0["creates"] as? Int == 1 })
        #expect(records.values.filter { $0["updates"] as? Int == 1 }.count == 10)

        let reconcile = try SyncProcessTests.SyncProcess(common + ["--json", updated], in: workspace, name: "reconcile", tool: "dvc-reconcile")
        #expect(try await reconcile.wait().status == 0, "\(reconcile.errorText.suffix(400))")
        #expect(reconcile.json["checked"] as? Int == 40 && reconcile.json["current"] as? Int == 40)
    }

    @Test func aDialectFileIsReadAndAWrongOneNamesItsKey() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let good = workspace.directory.appendingPathComponent("gateway.json")
        var dialect = PortalDialect.tdGateway
        dialect.name = "my-gateway"
        dialect.routes["DongBoHoSoMC"]?.path = "/hs/them"
        try dialect.jsonData().write(to: good)
        #expect(try PortalOptions.dialect(named: good.path) == dialect)
        let bad = workspace.directory.appendingPathComponent("bad.json")
        try Data(#"{"replies":{"successCodes":0}}"#.utf8).write(to: bad)
        #expect(throws: UsageError("--dialect \(bad.path): `replies.successCodes`: expected Array<Any>")) { try PortalOptions.dialect(named: bad.path) }
        #expect(throws: UsageError.self) { try PortalOptions.dialect(named: "no-such-dialect") }
    }
}
