import DVCCore
import DVCSync
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Group commit from outside the process: a child appends from 16 concurrent tasks and reports
/// each append as it returns; killed with SIGKILL at any moment, every reported change is in the
/// journal when it is reopened, and the journal opens clean. (A killed process leaves what it
/// wrote in the page cache, so this proves "written and whole before it returns"; that the
/// `fsync` covering it had completed is `GroupCommitTests`' gated-`fsync` test.)
@Suite("File outbox: durable when an append returns, across SIGKILL", .serialized)
struct GroupCommitProcessTests {
    @Test func everyReportedAppendSurvivesSIGKILL() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let journal = workspace.directory.appendingPathComponent("outbox.jsonl")
        var reported = Set<String>()
        var killedMidRun = 0
        for (round, agency) in ["000.00.14.H20", "000.00.15.H20", "000.00.16.H20"].enumerated() {
            let child = try SyncProcessTests.SyncProcess([journal.path, agency, "9999"], in: workspace, name: "stress-\(round)",
                                                         tool: "dvc-journal-stress")
            // Killed once a few hundred appends have returned — mid-run, with appends in flight.
            let started = try await child.waitFor("durable", timeout: .seconds(120))
            #expect(started, "the helper reported nothing: \(child.errorText.prefix(300))")
            let deadline = ContinuousClock.now + .seconds(60)
            while child.errorText.components(separatedBy: "durable ").count < 100 + round * 50, child.process.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            child.signal(SIGKILL)
            let ended = try await child.wait()
            #expect(ended.signalled, "round \(round) ended on its own (status \(ended.status)): \(child.errorText.suffix(300))")
            // Mid-run: appends in flight, not all of them returned.
            if !child.errorText.contains("done") { killedMidRun += 1 }
            for line in child.errorText.split(separator: "\n") where line.hasPrefix("durable ") { reported.insert(String(line.dropFirst(8))) }
        }
        #expect(reported.count >= 300)   // at least 100, 150 and 200 in the three rounds
        #expect(killedMidRun > 0)
        let outbox = try FileOutbox(url: journal)
        let entries = try await outbox.claim(limit: 100_000, lease: .seconds(60), excluding: [])
        let stored = Set(entries.map(\.change.dossier.code.rawValue))
        let lost = reported.subtracting(stored)
        #expect(lost.isEmpty, "reported durable but not in the journal: \(lost.sorted().prefix(5))")
        await outbox.close()
    }
}
