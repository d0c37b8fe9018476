import DVCCore
import Foundation

/// The real `dvc-sync` binary against the real `dvc-sandbox` binary, both built next to
/// dvc-bench: how fast a backlog reaches a portal that answers each call in 50 ms, against the
/// reference system's way (one dossier per call, one call at a time) in the same run; and the
/// peak memory of a run over a very large file.
struct SyncToolFigures: Codable {
    struct Run: Codable {
        var dossiers: Int
        var batch: Int
        var concurrency: Int
        var latencyMilliseconds: Int
        var loadSeconds: Double
        var syncSeconds: Double
        var acknowledgedPerSecond: Int
        var maxResidentKiB: Int?
        var exitStatus: Int32
    }

    /// `--batch 50 --concurrency 8` against `--latency 50`.
    var batched: Run?
    /// `--batch 1 --concurrency 1` against the same portal: the reference system's pattern
    /// (without its 20-second tick, which would make it 5 dossiers/s).
    var oneByOne: Run?
    /// A large file with no added latency, for the peak memory.
    var large: Run?

    /// How many times faster the batched run sends than the one-by-one run.
    var ratio: Double? {
        guard let batched, let oneByOne, oneByOne.acknowledgedPerSecond > 0 else { return nil }
        return (Double(batched.acknowledgedPerSecond) / Double(oneByOne.acknowledgedPerSecond) * 10).rounded() / 10
    }
}

enum SyncToolBenchmark {
    static func run(dossiers: Int, oneByOneDossiers: Int, largeDossiers: Int) -> SyncToolFigures? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let sync = directory.appendingPathComponent("dvc-sync"), sandbox = directory.appendingPathComponent("dvc-sandbox")
        guard FileManager.default.isExecutableFile(atPath: sync.path), FileManager.default.isExecutableFile(atPath: sandbox.path) else { return nil }
        var figures = SyncToolFigures()
        figures.batched = measure(sync: sync, sandbox: sandbox, dossiers: dossiers, batch: 50, concurrency: 8, latency: 50)
        figures.oneByOne = measure(sync: sync, sandbox: sandbox, dossiers: oneByOneDossiers, batch: 1, concurrency: 1, latency: 50)
        if largeDossiers > 0 {
            figures.large = measure(sync: sync, sandbox: sandbox, dossiers: largeDossiers, batch: 50, concurrency: 8, latency: 0)
        }
        return figures
    }

    static func measure(sync: URL, sandbox: URL, dossiers: Int, batch: Int, concurrency: Int, latency: Int) -> SyncToolFigures.Run? {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-bench-sync-tool-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("dossiers.json")
        guard (try? DossierBenchmark.writeBatch(count: dossiers, to: file)) != nil else { return nil }

        let server = Process()
        server.executableURL = sandbox
        server.arguments = ["--port", "0", "--latency", String(latency)]
        let announce = Pipe()
        server.standardOutput = announce
        guard (try? server.run()) != nil else { return nil }
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        var line = ""
        while !line.contains("\n") {
            let data = announce.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            line += String(decoding: data, as: UTF8.self)
        }
        guard let url = line.split(separator: "\n").first?.split(separator: " ").last.map(String.init) else { return nil }

        let memoryReport = work.appendingPathComponent("rss")
        let gnuTime = "/usr/bin/time", hasGNUTime = FileManager.default.isExecutableFile(atPath: gnuTime)
        let process = Process()
        process.executableURL = hasGNUTime ? URL(fileURLWithPath: gnuTime) : sync
        process.arguments = (hasGNUTime ? ["-f", "%M", "-o", memoryReport.path, sync.path] : [])
            + ["--portal", url, "--agency", "000.00.00.H20", "--username", "sandbox", "--journal", work.appendingPathComponent("journal").path,
               "--batch", String(batch), "--concurrency", String(concurrency), "--json", file.path]
        process.environment = ["DVC_PORTAL_PASSWORD": "sandbox"]
        guard let data = standardOutput(of: process),
              let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        let peak = hasGNUTime ? (try? String(contentsOf: memoryReport, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) } : nil
        return SyncToolFigures.Run(dossiers: dossiers, batch: batch, concurrency: concurrency, latencyMilliseconds: latency,
                                   loadSeconds: summary["loadSeconds"] as? Double ?? 0, syncSeconds: summary["syncSeconds"] as? Double ?? 0,
                                   acknowledgedPerSecond: summary["acknowledgedPerSecond"] as? Int ?? 0, maxResidentKiB: peak,
                                   exitStatus: process.terminationStatus)
    }
}

/// Runs `process` to its end and returns what it wrote to standard output (its standard error is
/// discarded), or `nil` when it could not be started.
func standardOutput(of process: Process) -> Data? {
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}
