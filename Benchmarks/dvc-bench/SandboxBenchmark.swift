import DVCClient
import DVCCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the sandbox holds up: start-up time of the `dvc-sandbox` process and `requests` calls from
/// `clients` concurrent clients (each with its own connection and session), no retries.
struct SandboxFigures: Codable {
    var startSeconds: Double
    var clients: Int
    var requests: Int
    var failures: Int
    var seconds: Double
    var requestsPerSecond: Int
}

enum SandboxBenchmark {
    static func run(requests: Int, clients: Int) async -> SandboxFigures? {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dvc-sandbox")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { return nil }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        let clock = ContinuousClock()
        let start = clock.now
        guard (try? process.run()) != nil else { return nil }
        defer { process.terminate(); process.waitUntilExit() }
        // Read until the "listening on" line.
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            text += String(decoding: data, as: UTF8.self)
        }
        let started = clock.now - start
        guard let line = text.split(separator: "\n").first, let urlText = line.split(separator: " ").last, let base = URL(string: String(urlText)) else { return nil }

        let perClient = max(1, requests / clients)
        let loadStart = clock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            for client in 0..<clients {
                group.addTask {
                    let portal = PortalClient(configuration: .init(adapterURL: base, credentials: .init(username: "sandbox", password: "sandbox"),
                                                                   unitCode: "000.00.00.H20", retryPolicy: .none),
                                              transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)))
                    var failed = 0
                    for i in 0..<perClient {
                        do {
                            if i % 2 == 0 {
                                try await portal.syncDossiers([try dossier(client: client, index: i)], isUpdating: false)
                            } else {
                                _ = try await portal.dossierIsKnown(try dossier(client: client, index: i - 1).code)
                            }
                        } catch {
                            failed += 1
                        }
                    }
                    return failed
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = (clock.now - loadStart).inSeconds
        let startSeconds = started.inSeconds
        return SandboxFigures(startSeconds: (startSeconds * 1000).rounded() / 1000, clients: clients, requests: perClient * clients, failures: failures,
                              seconds: (seconds * 1000).rounded() / 1000, requestsPerSecond: Int(Double(perClient * clients) / seconds))
    }

    /// A valid dossier unique to a client and index.
    static func dossier(client: Int, index: Int) throws -> Dossier {
        let day = CalendarDate(daysSinceEpoch: 20_000 + client)
        let sequence = String(format: "%04d", index + 1)
        let date = String(format: "%02d%02d%02d", day.year % 100, day.month, day.day)
        var dossier = Dossier(code: try DossierCode("000.00.14.H20-\(date)-\(sequence)"), procedureCode: try ProcedureCode("1.001000"),
                              procedureName: "Đăng ký khai sinh", fieldCode: try FieldCode("G15-HT01"), fieldName: "Hộ tịch",
                              applicantType: .citizen, summary: "Khai sinh", receivedAt: PortalTimestamp(date: day, hour: 8, minute: 0) ?? .now,
                              status: .received, resultDelivery: .atOffice, processingAgencyName: "UBND xã")
        dossier.dueAt = PortalTimestamp(date: day.adding(days: 3), hour: 17, minute: 0)
        return dossier
    }
}
