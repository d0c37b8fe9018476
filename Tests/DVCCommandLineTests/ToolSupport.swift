import DVCClient
import DVCCommandLine
import DVCCore
import DVCTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory of its own for one test, removed by `cleanUp()`.
/// Runs blocking work (a pipe read, waiting for a child process) on a thread of its own: on the
/// cooperative pool it can starve every task, and Foundation's child-process bookkeeping, which
/// runs on the same dispatch queues.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

struct Workspace {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    var journal: String { path("journal") }
    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// Writes `dossiers` as a `DongBoHoSoMC` envelope.
    @discardableResult
    func write(_ dossiers: [Dossier], to name: String) throws -> String {
        let data = try PortalJSON.encode(DossierSyncRequest(unitCode: "000.00.00.H20", isUpdating: false, dossiers: dossiers))
        try data.write(to: directory.appendingPathComponent(name))
        return path(name)
    }
}

/// A sandbox served over loopback by this test process.
final class ServedSandbox: @unchecked Sendable {
    let sandbox: PortalSandbox
    let server: LoopbackHTTPServer
    var url: String { "http://127.0.0.1:\(server.port)" }

    init(faults: String = "", latency: Duration? = nil, strictTransitions: Bool = false) throws {
        sandbox = PortalSandbox(configuration: .init(faults: try SandboxFaults(faults), latency: latency,
                                                     statusTransitionSeverity: strictTransitions ? .error : .warning))
        server = try sandbox.serve()
    }

    deinit { server.stop() }

    /// The portal options every command of a test takes.
    var options: [String] { ["--portal", url, "--agency", "000.00.00.H20", "--username", "sandbox"] }

    func records() async -> [String: SandboxDossierRecord] { await sandbox.dossierRecords() }
}

/// Runs a command in process: its exit status, standard output and standard error.
struct Run {
    let status: Int32
    let output: String
    let errors: String

    static let environment = ["DVC_PORTAL_PASSWORD": "sandbox"]

    static func sync(_ words: [String], environment: [String: String] = environment) async -> Run {
        let output = TextStream(), errors = TextStream()
        let status = await SyncCommand.run(words, environment: environment, output: output, errors: errors)
        return Run(status: status, output: output.text, errors: errors.text)
    }

    static func reconcile(_ words: [String], environment: [String: String] = environment) async -> Run {
        let output = TextStream(), errors = TextStream()
        let status = await ReconcileCommand.run(words, environment: environment, output: output, errors: errors)
        return Run(status: status, output: output.text, errors: errors.text)
    }

    static func report(_ words: [String]) async -> Run {
        let output = TextStream(), errors = TextStream()
        let status = await ReportCommand.run(words, environment: [:], output: output, errors: errors)
        return Run(status: status, output: output.text, errors: errors.text)
    }

    /// The `--json` summary.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any] ?? [:] }
}
