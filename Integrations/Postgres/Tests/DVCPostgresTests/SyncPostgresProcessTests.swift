import DVCCore
import DVCPostgres
import DVCSync
import DVCTesting
import Foundation
import Testing

/// `dvc-sync-postgres` as separate processes: two at once, one database, one portal.
@Suite("dvc-sync-postgres processes", .enabled(if: TestDatabase.available, "set DVC_POSTGRES_URL to run the PostgreSQL tests"))
struct SyncPostgresProcessTests {
    static func executable(_ name: String) -> URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// Runs a process to its end off the cooperative pool; its standard output.
    static func run(_ binary: URL, _ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    let process = Process()
                    process.executableURL = binary
                    process.arguments = arguments
                    process.environment = environment
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    @Test func twoWorkersOnOneDatabaseSendEveryDossierOnce() async throws {
        let url = try #require(TestDatabase.url, "DVC_POSTGRES_URL is not set (required in CI)")
        let binary = try #require(Self.executable("dvc-sync-postgres"))
        let sandbox = PortalSandbox()
        let server = try sandbox.serve()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-sync-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Each worker loads half the dossiers, then both sync whatever is pending, concurrently.
        var files: [String] = []
        for half in 0..<2 {
            let dossiers = try (1...300).filter { $0 % 2 == half }.map { try Fixtures.dossier($0) }
            let file = directory.appendingPathComponent("half\(half).json")
            try PortalJSON.encode(DossierSyncRequest(unitCode: "000.00.00.H20", isUpdating: false, dossiers: dossiers)).write(to: file)
            files.append(file.path)
        }
        let schema = "dvc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let environment = ["DVC_PORTAL_PASSWORD": "sandbox", "DVC_POSTGRES_SCHEMA": schema, "PATH": "/usr/bin:/bin"]
        let common = ["--database", url, "--portal", server.baseURL.absoluteString, "--agency", "000.00.00.H20", "--username", "sandbox",
                      "--batch", "10", "--json"]
        async let first = Self.run(binary, common + [files[0]], environment: environment)
        async let second = Self.run(binary, common + [files[1]], environment: environment)
        let results = try await [first, second]
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.output))")
        let records = await sandbox.dossierRecords()
        #expect(records.count == 300)
        #expect(records.values.allSatisfy { $0.creates == 1 && $0.updates == 0 })
        let check = try PostgresOutbox(connection: url, schema: schema)
        let counts = try await check.counts().values.reduce(into: 0) { $0 += $1.acknowledged }
        #expect(counts == 300)
        await check.close()
        let connection = try PostgresConnection(url)
        try connection.query("DROP SCHEMA \(schema) CASCADE")
        connection.close()
    }

    /// Three workers on one database and one portal, 6,000 dossiers of which 1,000 have a later
    /// version; one worker killed with SIGKILL mid-run (against the `dvc-sandbox` executable when
    /// the root package is built). Its leases expire and the others finish:
    /// every dossier created exactly once, every later version after the earlier one.
    @Test func threeWorkersOneKilledEveryDossierOnceAndInOrder() async throws {
        let url = try #require(TestDatabase.url, "DVC_POSTGRES_URL is not set (required in CI)")
        let binary = try #require(Self.executable("dvc-sync-postgres"))
        let portal = try await TestPortal(latencyMilliseconds: 20)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-sync-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var first: [Dossier] = [], second: [Dossier] = []
        for number in 1...6_000 {
            let dossier = try Fixtures.dossier(number % 9_000, agency: ["000.00.14.H20", "000.00.15.H20", "000.00.16.H20"][number % 3])
            first.append(dossier)
            if number % 6 == 0 {
                var later = dossier
                later.status = .processing
                second.append(later)
            }
        }
        #expect(Set(first.map(\.code)).count == 6_000 && second.count == 1_000)
        var files: [String] = []
        for (name, dossiers) in [("first.json", first), ("second.json", second)] {
            let file = directory.appendingPathComponent(name)
            try PortalJSON.encode(DossierSyncRequest(unitCode: "000.00.00.H20", isUpdating: false, dossiers: dossiers)).write(to: file)
            files.append(file.path)
        }
        let schema = "dvc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let environment = ["DVC_PORTAL_PASSWORD": "sandbox", "DVC_POSTGRES_SCHEMA": schema, "PATH": "/usr/bin:/bin"]
        let arguments = ["--database", url, "--portal", portal.url, "--agency", "000.00.00.H20", "--username", "sandbox",
                         "--batch", "25", "--lease", "2", "--json"] + files

        let victim = Process()
        victim.executableURL = binary
        victim.arguments = arguments
        victim.environment = environment
        victim.standardOutput = FileHandle.nullDevice
        victim.standardError = FileHandle.nullDevice
        try victim.run()
        async let a = Self.run(binary, arguments, environment: environment)
        async let b = Self.run(binary, arguments, environment: environment)
        // Once the workers are well into sending, the first is killed the hard way.
        let check = try PostgresOutbox(connection: url, schema: schema)
        var acknowledged = 0
        for _ in 0..<1_500 {
            try await Task.sleep(for: .milliseconds(20))
            acknowledged = (try? await check.counts().values.reduce(into: 0) { $0 += $1.acknowledged }) ?? 0
            if acknowledged >= 1_000 { break }
        }
        kill(victim.processIdentifier, SIGKILL)
        let killedAt = try await check.counts().values.reduce(into: 0) { $0 += $1.acknowledged }
        let results = try await [a, b]
        #expect(acknowledged >= 1_000 && killedAt < 7_000, "killed after \(killedAt) of 7,000")
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.output))")
        // The survivors may finish while the victim's last leases are still running out: one more run drains them.
        let last = try await Self.run(binary, arguments, environment: environment)
        #expect(last.status == 0)
        let counts = try await check.counts().values.reduce(into: OutboxCounts()) { $0.add($1) }
        #expect(counts.acknowledged == 7_000 && counts.pending == 0 && counts.deadLettered == 0)

        let records = try await portal.records()
        #expect(records.count == 6_000, "portal: \(portal.isExecutable ? "the dvc-sandbox executable" : "the sandbox in process")")
        #expect(records.values.filter { $0.creates != 1 }.isEmpty, "dossiers created twice or never")
        let updated = Set(second.map(\.code.rawValue))
        let outOfOrder = records.filter { code, record in record.versions != (updated.contains(code) ? ["2", "4"] : ["2"]) }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.count) dossiers whose versions arrived out of order or not at all")
        await check.close()
        let connection = try PostgresConnection(url)
        try connection.query("DROP SCHEMA \(schema) CASCADE")
        connection.close()
    }
}
