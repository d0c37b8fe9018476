import DVCSQLite
import DVCSync
import DVCTesting
import Foundation
import Testing

/// Each check gets a database in a directory of its own.
final class SQLiteOutboxSubject: OutboxConformanceSubject, @unchecked Sendable {
    private let lock = NSLock()
    private var directories: [URL] = []
    private var files: [ObjectIdentifier: URL] = [:]

    func make() async throws -> any Outbox {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("outbox.sqlite")
        let outbox = try SQLiteOutbox(url: url)
        lock.withLock {
            directories.append(directory)
            files[ObjectIdentifier(outbox)] = url
        }
        return outbox
    }

    func reopen(_ outbox: any Outbox) async throws -> any Outbox {
        guard let sqlite = outbox as? SQLiteOutbox, let url = lock.withLock({ files[ObjectIdentifier(sqlite)] }) else {
            throw OutboxError(.invalidRequest, "not an outbox of this subject")
        }
        await sqlite.close()
        let reopened = try SQLiteOutbox(url: url)
        lock.withLock { files[ObjectIdentifier(reopened)] = url }
        return reopened
    }

    func cleanUp() async {
        for directory in lock.withLock({ directories }) { try? FileManager.default.removeItem(at: directory) }
    }
}

@Suite("SQLite outbox")
struct SQLiteOutboxTests {
    @Test(arguments: OutboxConformance.Check.allCases)
    func keepsTheOutboxContract(_ check: OutboxConformance.Check) async throws {
        try await OutboxConformance.run(check, on: SQLiteOutboxSubject())
    }

    @Test func aMissingDirectoryIsATypedError() {
        #expect(throws: SQLiteError.self) { try SQLiteOutbox(url: URL(fileURLWithPath: "/no/such/dir/outbox.sqlite")) }
    }
}
