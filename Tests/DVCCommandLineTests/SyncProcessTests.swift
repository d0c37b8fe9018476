import DVCClient
import DVCCommandLine
import DVCCore
import DVCSync
import DVCTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dvc-sync` as a separate process, killed the hard way: what "loses nothing" means when the
/// process is gone without a chance to flush.
@Suite("dvc-sync processes", .serialized)
struct SyncProcessTests {
    /// A `dvc-sandbox` child process, and what it says it listens on.
    final class SandboxProcess: Sendable {
        let process = Process()
        let url: String

        /// Starts `dvc-sandbox` and reads the line announcing its address, off the cooperative
        /// pool (a blocking read there can starve the pool, and with it Foundation's own
        /// child-process bookkeeping, which runs on the same dispatch queues).
        init(_ arguments: [String] = []) async throws {
            let binary = try #require(ValidateCommandTests.executable("dvc-sandbox"))
            process.executableURL = binary
            process.arguments = ["--port", "0"] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let reader = output.fileHandleForReading
            let line = try await offThePool { () -> Data in
                var line = Data()
                while !line.contains(UInt8(ascii: "\n")) {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    line.append(chunk)
                }
                return line
            }
            let text = String(decoding: line, as: UTF8.self)
            url = try #require(text.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        }

        deinit {
            // Not waited for here (a deinit may run on the cooperative pool); Foundation reaps it.
            process.terminate()
        }

        /// Every dossier the sandbox holds.
        func records() async throws -> [String: [String: Any]] {
            let transport = HTTPTransport(configuration: .init(allowsInsecureLoopback: true))
            var records: [String: [String: Any]] = [:]
            var after: String?
            repeat {
                var target = url + "/_sandbox/state?limit=2000"
                if let after { target += "&after=" + after }
                let response = try await transport.send(PortalRequest(method: .get, url: try #require(URL(string: target)), operation: "state"))
                let document = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
                for (code, record) in document["dossiers"] as? [String: [String: Any]] ?? [:] { records[code] = record }
                after = document["next"] as? String
            } while after != nil
            return records
        }
    }

    /// A `dvc-sync` child process with its output in files.
    final class SyncProcess: Sendable {
        let process = Process()
        let output: URL, errors: URL

        init(_ arguments: [String], in workspace: Workspace, name: String, tool: String = "dvc-sync") throws {
            guard let binary = ValidateCommandTests.executable(tool) else { throw CocoaError(.fileNoSuchFile) }
            process.executableURL = binary
            process.arguments = arguments
            // Sanitizer settings pass through (Scripts/sanitize.sh turns leak reports off; a child
            // without them would end with LeakSanitizer's report on libcurl's caches).
            let sanitizers = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
            process.environment = sanitizers.merging(["DVC_PORTAL_PASSWORD": "sandbox", "PATH": "/usr/bin:/bin"]) { $1 }
            output = workspace.directory.appendingPathComponent("\(name).out")
            errors = workspace.directory.appendingPathComponent("\(name).err")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
        }

        var errorText: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
        var json: [String: Any] { ((try? Data(contentsOf: output)).flatMap { try? JSONSerialization.jsonObject(with: $0) }) as? [String: Any] ?? [:] }

        /// Waits until standard error contains `text` (or the process ends, or `timeout` passes).
        func waitFor(_ text: String, timeout: Duration = .seconds(120)) async throws -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if errorText.contains(text) { return true }
                if !process.isRunning { return false }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// Waits for the process to end, on a thread of its own (never blocking the pool).
        func wait() async throws -> (status: Int32, signalled: Bool) {
            try await offThePool { [self] in
                process.waitUntilExit()
                return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
            }
        }
    }

    @Test func killedAtRandomMomentsItResumesLosingNothingAndCreatingNothingTwice() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let sandbox = try await SandboxProcess()
        // 16,000 dossiers, 4,000 of them with a later version: 20,000 versions, in two files.
        var first: [Dossier] = [], second: [Dossier] = []
        var expected: [String: [String]] = [:]
        for n in 1...16_000 {
            let agency = ["000.00.14.H20", "000.00.15.H20", "000.00.16.H20", "000.00.17.H20"][n % 4]
            let dossier = try Fixtures.dossier(n % 9_000 + 1, agency: n <= 9_000 ? agency : "000.00.18.H20")
            first.append(dossier)
            expected[dossier.code.rawValue] = ["2"]
            if n % 4 == 0 {
                var later = dossier
                later.status = .processing
                second.append(later)
                expected[dossier.code.rawValue]?.append("4")
            }
        }
        #expect(expected.count == 16_000 && first.count + second.count == 20_000)
        let files = [try workspace.write(first, to: "first.json"), try workspace.write(second, to: "second.json")]
        let arguments = ["--portal", sandbox.url, "--agency", "000.00.00.H20", "--username", "sandbox", "--journal", workspace.journal,
                         "--batch", "25", "--json"] + files
        var random = SeededRandom(seed: 2026)
        var killedWhileLoading = 0, killedWhileSending = 0
        for attempt in 0..<5 {
            let run = try SyncProcess(arguments, in: workspace, name: "run\(attempt)")
            if attempt == 0 {
                // While it loads the files into the journal.
                try await Task.sleep(for: .milliseconds(300 + Int(random.next() * 500)))
            } else {
                // While it sends: after both files are read, at a random moment.
                guard try await run.waitFor("second.json:") else { break }
                try await Task.sleep(for: .milliseconds(50 + Int(random.next() * 900)))
            }
            run.signal(SIGKILL)
            let (_, signalled) = try await run.wait()
            guard signalled else { break }   // it had already finished
            if run.errorText.contains("second.json:") { killedWhileSending += 1 } else { killedWhileLoading += 1 }
        }
        #expect(killedWhileLoading >= 1 && killedWhileSending >= 2, "loading \(killedWhileLoading), sending \(killedWhileSending)")

        let last = try SyncProcess(arguments, in: workspace, name: "final")
        let (status, _) = try await last.wait()
        #expect(status == 0, "\(last.errorText.suffix(500))")
        #expect(last.json["received"] as? Int == 20_000 && last.json["acknowledged"] as? Int == 20_000)
        #expect(last.json["pending"] as? Int == 0 && last.json["deadLettered"] as? Int == 0)

        let records = try await sandbox.records()
        #expect(records.count == 16_000)
        var twice = 0, outOfOrder = 0, resent = 0
        for (code, statuses) in expected {
            guard let record = records[code] else { continue }
            if record["creates"] as? Int != 1 { twice += 1 }
            let received = record["statuses"] as? [String] ?? []
            let versions = received.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
            if versions != statuses { outOfOrder += 1 }
            if received.count > statuses.count { resent += 1 }
        }
        #expect(twice == 0, "dossiers created twice")
        #expect(outOfOrder == 0, "dossiers whose versions arrived out of order or not at all")
        // At least once, so a version may be sent again after a kill; never out of order.
        print("crash test: \(killedWhileLoading + killedWhileSending) kills, \(resent) dossiers had a version resent")
    }

    @Test func aSecondProcessOnTheSameJournalIsRefused() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let sandbox = try await SandboxProcess()
        let file = try workspace.write([try Fixtures.dossier(1)], to: "batch.json")
        try FileManager.default.createDirectory(atPath: workspace.journal, withIntermediateDirectories: true)
        let holder = try FileOutbox(url: SyncCommand.journalURL(workspace.journal))
        let arguments = ["--portal", sandbox.url, "--agency", "000.00.00.H20", "--username", "sandbox", "--journal", workspace.journal, file]
        let refused = try SyncProcess(arguments, in: workspace, name: "second")
        #expect(try await refused.wait().status == 1)
        #expect(refused.errorText.contains("is in use by process \(getpid())"))
        await holder.close()
        let after = try SyncProcess(arguments, in: workspace, name: "after")
        #expect(try await after.wait().status == 0)
    }

    @Test func sigtermStopsCleanlyWithTheSummaryAndExitFour() async throws {
        let workspace = try Workspace()
        defer { workspace.cleanUp() }
        let sandbox = try await SandboxProcess(["--latency", "20"])
        let file = try workspace.write(try (1...2_000).map { try Fixtures.dossier($0) }, to: "batch.json")
        let arguments = ["--portal", sandbox.url, "--agency", "000.00.00.H20", "--username", "sandbox", "--journal", workspace.journal,
                         "--batch", "10", "--concurrency", "2", "--json", file]
        let run = try SyncProcess(arguments, in: workspace, name: "term")
        #expect(try await run.waitFor("batch.json:"))
        try await Task.sleep(for: .milliseconds(500))
        run.signal(SIGTERM)
        let (status, signalled) = try await run.wait()
        #expect(!signalled && status == 4, "\(run.errorText.suffix(300))")
        let pending = run.json["pending"] as? Int ?? 0, acknowledged = run.json["acknowledged"] as? Int ?? 0
        #expect(pending > 0 && acknowledged > 0 && pending + acknowledged == 2_000)
        #expect(run.json["stopReason"] as? String == "cancelled")
        let finish = try SyncProcess(arguments, in: workspace, name: "finish")
        #expect(try await finish.wait().status == 0)
        #expect(finish.json["acknowledged"] as? Int == 2_000)
        #expect(try await sandbox.records().values.allSatisfy { $0["creates"] as? Int == 1 })
    }
}
