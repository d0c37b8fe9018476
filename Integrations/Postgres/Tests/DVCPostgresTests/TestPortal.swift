import DVCClient
import DVCCore
import DVCTesting
import Foundation

/// The portal the workers of a test talk to: the `dvc-sandbox` executable of the root package
/// when it has been built (CI builds it first), else the same sandbox server in this process.
final class TestPortal: @unchecked Sendable {
    /// A dossier as the portal holds it: creates, and the statuses of the versions received.
    struct Record { let creates: Int; let versions: [String] }

    let url: String
    private let process: Process?
    private let sandbox: PortalSandbox?
    private let server: LoopbackHTTPServer?

    /// Whether the workers talk to the `dvc-sandbox` executable.
    var isExecutable: Bool { process != nil }

    init(latencyMilliseconds: Int) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/dvc-sandbox")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            let sandbox = PortalSandbox(configuration: .init(latency: .milliseconds(latencyMilliseconds)))
            let server = try sandbox.serve()
            (self.sandbox, self.server, self.process, url) = (sandbox, server, nil, server.baseURL.absoluteString)
            return
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0", "--latency", String(latencyMilliseconds)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        // The announcing line is read on a thread of its own, off the cooperative pool.
        let line: String = await withCheckedContinuation { continuation in
            Thread {
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        (self.sandbox, self.server, self.process) = (nil, nil, process)
        url = line.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    deinit {
        process?.terminate()
        server?.stop()
    }

    /// Every dossier the portal holds.
    func records() async throws -> [String: Record] {
        if let sandbox {
            return await sandbox.dossierRecords().mapValues { Record(creates: $0.creates, versions: $0.versions.map(\.wireValue)) }
        }
        let transport = HTTPTransport(configuration: .init(allowsInsecureLoopback: true))
        var records: [String: Record] = [:]
        var after: String?
        repeat {
            var target = url + "/_sandbox/state?limit=2000"
            if let after { target += "&after=" + after }
            guard let address = URL(string: target) else { throw URLError(.badURL) }
            let response = try await transport.send(PortalRequest(method: .get, url: address, operation: "state"))
            let document = try JSONSerialization.jsonObject(with: response.body) as? [String: Any] ?? [:]
            for (code, record) in document["dossiers"] as? [String: [String: Any]] ?? [:] {
                let statuses = record["statuses"] as? [String] ?? []
                records[code] = Record(creates: record["creates"] as? Int ?? 0,
                                       versions: statuses.reduce(into: []) { if $0.last != $1 { $0.append($1) } })
            }
            after = document["next"] as? String
        } while after != nil
        return records
    }
}
