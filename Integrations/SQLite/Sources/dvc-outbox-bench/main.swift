// Measures SQLiteOutbox against FileOutbox on the same machine, in the same run:
//   swift run -c release --package-path Integrations/SQLite dvc-outbox-bench [--entries N] [--singles N]
// enqueue/s one change per call and 1,000 per call, claim-and-acknowledge/s (the outbox's share
// of a sync, no network), reopen time, and size on disk. Results go to Documentation/Performance.md.
import DVCSQLite
import DVCSync
import DVCTesting
import Foundation

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else { return fallback }
    return value
}

let entries = option("--entries", 100_000), singles = option("--singles", 2_000)

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func size(of directory: URL) -> Int {
    let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.fileSizeKey])) ?? []
    return files.reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
}

struct Kind {
    let name: String
    let open: (URL) throws -> any Outbox
    let close: (any Outbox) async -> Void
}

let kinds = [
    Kind(name: "FileOutbox", open: { try FileOutbox(url: $0.appendingPathComponent("outbox.jsonl")) }, close: { await ($0 as? FileOutbox)?.close() }),
    Kind(name: "SQLiteOutbox", open: { try SQLiteOutbox(url: $0.appendingPathComponent("outbox.sqlite")) }, close: { await ($0 as? SQLiteOutbox)?.close() }),
]

// The changes, encoded once, as the engine would hand them over.
var changes: [EncodedChange] = []
changes.reserveCapacity(entries + singles)
for number in 1...(entries + singles) {
    let dossier = try Fixtures.dossier(number % 9_999 + 1, agency: ["000.00.14.H20", "000.00.15.H20", "000.00.16.H20"][number / 9_999 % 3])
    changes.append(try DossierChange(dossier, resend: true).encoded())
}

print("outbox          enqueue/s (1/call)  enqueue/s (1,000/call)  claim+ack/s  reopen (s)  size (MB)   entries \(entries)")
for kind in kinds {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dvc-outbox-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var outbox = try kind.open(directory)
    let single = try await seconds {
        for change in changes[entries...] { _ = try await outbox.append([change]) { _, _ in [] } }
    }
    let batched = try await seconds {
        for start in stride(from: 0, to: entries, by: 1_000) {
            _ = try await outbox.append(Array(changes[start..<min(start + 1_000, entries)])) { _, _ in [] }
        }
    }
    await kind.close(outbox)
    var reopened: (any Outbox)?
    let reopen = try await seconds { reopened = try kind.open(directory) }
    outbox = reopened ?? outbox
    var drained = 0
    let claimAck = try await seconds {
        while true {
            let claimed = try await outbox.claim(limit: 500, lease: .seconds(300), excluding: [])
            if claimed.isEmpty { break }
            try await outbox.acknowledge(claimed.map(\.claim), known: [])
            drained += claimed.count
        }
    }
    await kind.close(outbox)
    let bytes = size(of: directory)
    func rate(_ count: Int, _ time: Double) -> String { String(Int(Double(count) / max(time, 1e-9))) }
    print(kind.name.padding(toLength: 16, withPad: " ", startingAt: 0)
          + rate(singles, single).padding(toLength: 20, withPad: " ", startingAt: 0)
          + rate(entries, batched).padding(toLength: 24, withPad: " ", startingAt: 0)
          + rate(drained, claimAck).padding(toLength: 13, withPad: " ", startingAt: 0)
          + String(format: "%.2f", reopen).padding(toLength: 12, withPad: " ", startingAt: 0)
          + String(format: "%.1f", Double(bytes) / 1_048_576))
}
