import DVCPostgres
import DVCSync
import DVCCore
import DVCTesting
import Foundation
import Testing

/// The database the tests use: `DVC_POSTGRES_URL` (Scripts/postgres-cluster.sh starts a
/// throwaway one). Without it the tests are skipped with a message; in CI
/// (`DVC_REQUIRE_POSTGRES=1`) its absence is a failure.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["DVC_POSTGRES_URL"]
    static let required = ProcessInfo.processInfo.environment["DVC_REQUIRE_POSTGRES"] == "1"
    static var available: Bool { url != nil || required }
}

/// Each check gets a schema of its own, dropped afterwards.
final class PostgresOutboxSubject: OutboxConformanceSubject, @unchecked Sendable {
    let url: String
    private let lock = NSLock()
    private var schemas: [String] = []

    init() throws {
        guard let url = TestDatabase.url else { throw OutboxError(.invalidRequest, "DVC_POSTGRES_URL is not set (required in CI)") }
        self.url = url
    }

    func make() async throws -> any Outbox {
        let schema = "dvc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        lock.withLock { schemas.append(schema) }
        return try PostgresOutbox(connection: url, schema: schema)
    }

    func reopen(_ outbox: any Outbox) async throws -> any Outbox {
        guard let postgres = outbox as? PostgresOutbox else { throw OutboxError(.invalidRequest, "not a PostgresOutbox") }
        await postgres.close()
        return try PostgresOutbox(connection: url, schema: postgres.schema)
    }

    func cleanUp() async {
        guard let connection = try? PostgresConnection(url) else { return }
        for schema in lock.withLock({ schemas }) { _ = try? connection.query("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        connection.close()
    }
}

@Suite("PostgreSQL outbox", .enabled(if: TestDatabase.available, "set DVC_POSTGRES_URL (Scripts/postgres-cluster.sh start) to run the PostgreSQL tests"))
struct PostgresOutboxTests {
    @Test(arguments: OutboxConformance.Check.allCases)
    func keepsTheOutboxContract(_ check: OutboxConformance.Check) async throws {
        try await OutboxConformance.run(check, on: try PostgresOutboxSubject())
    }

    /// Two outboxes on one database (as two workers would be) never claim the same entry, and a
    /// later version waits for the earlier one whoever holds it.
    @Test func twoWorkersShareTheWorkWithoutSharingAnEntry() async throws {
        let subject = try PostgresOutboxSubject()
        let first = try await subject.make()
        guard let postgres = first as? PostgresOutbox else { return }
        let second = try PostgresOutbox(connection: subject.url, schema: postgres.schema)
        var changes: [EncodedChange] = []
        for number in 1...30 { changes.append(try DossierChange(try Fixtures.dossier(number)).encoded()) }
        var later = try Fixtures.dossier(1)
        later.status = .processing
        changes.append(try DossierChange(later).encoded())
        _ = try await first.append(changes) { _, _ in [] }
        async let a = first.claim(limit: 20, lease: .seconds(60), excluding: [])
        async let b = second.claim(limit: 20, lease: .seconds(60), excluding: [])
        let (claimedA, claimedB) = try await (a, b)
        let all = claimedA.map(\.sequence) + claimedB.map(\.sequence)
        #expect(Set(all).count == all.count && all.count == 30)
        #expect(!all.contains(31), "the later version of dossier 1 waits for the earlier one")
        await second.close()
        await subject.cleanUp()
    }

    /// Enqueued inside the caller's transaction: rolled back with it, committed with it, and an
    /// idle worker wakes on the commit.
    @Test func appendJoinsTheCallersTransactionAndWakesIdleWorkers() async throws {
        let subject = try PostgresOutboxSubject()
        guard let outbox = try await subject.make() as? PostgresOutbox else { return }
        let connection = try PostgresConnection(subject.url)
        try connection.query("SET search_path TO \(outbox.schema)")
        let change = try DossierChange(try Fixtures.dossier(7)).encoded()
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.transaction { db in
                _ = try outbox.append([change], validate: { _, _ in [] }, on: db)
                throw Abort()
            }
        }
        #expect(try await outbox.claim(limit: 10, lease: .seconds(60), excluding: []).isEmpty)
        #expect(try await outbox.waitForWork(upTo: .milliseconds(100)) == false)
        async let woke = outbox.waitForWork(upTo: .seconds(10))
        try await Task.sleep(for: .milliseconds(200))
        _ = try connection.transaction { db in try outbox.append([change], validate: { _, _ in [] }, on: db) }
        #expect(try await woke)
        #expect(try await outbox.claim(limit: 10, lease: .seconds(60), excluding: []).count == 1)
        connection.close()
        await outbox.close()
        await subject.cleanUp()
    }

    @Test func badConnectionStringsAndSchemasAreTypedErrors() {
        #expect(throws: PostgresError.self) { try PostgresConnection("host=/no/such/dir port=1 dbname=x connect_timeout=1") }
        #expect(throws: PostgresError.self) { try PostgresOutbox(connection: TestDatabase.url ?? "", schema: "Robert'); DROP TABLE x;--") }
    }

    /// A connection the server dropped is reset on the next statement, set up as before, and the
    /// outbox goes on working; the statement that met the loss fails with a connection error.
    @Test func aLostConnectionIsResetAndTheOutboxGoesOn() async throws {
        let url = try #require(TestDatabase.url, "DVC_POSTGRES_URL is not set (required in CI)")
        let name = "dvc_reset_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let subject = try PostgresOutboxSubject()
        guard let first = try await subject.make() as? PostgresOutbox else { return }
        let outbox = try PostgresOutbox(connection: url + " application_name=\(name)", schema: first.schema)
        _ = try await outbox.append([try DossierChange(try Fixtures.dossier(1)).encoded()]) { _, _ in [] }
        let admin = try PostgresConnection(url)
        let killed = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [name])
        #expect(killed.count == 1)
        do {
            _ = try await outbox.counts()
            Issue.record("a statement on a dropped connection succeeded")
        } catch let error as PostgresError {
            #expect(error.kind == .connection)
        }
        let counts = try await outbox.counts()
        #expect(counts.values.reduce(0) { $0 + $1.pending } == 1, "reset, with the outbox's search_path set again")
        admin.close()
        await outbox.close()
        await first.close()
        await subject.cleanUp()
    }
}
