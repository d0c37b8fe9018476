// dvc-journal-stress: a test helper (not a product). Appends dossiers to a FileOutbox one change
// per call from 16 concurrent tasks, and writes `durable CODE` to standard error as each append
// returns — so that a test can kill it with SIGKILL at any moment and check that every change it
// was told is durable is in the journal.
//
//   dvc-journal-stress JOURNAL AGENCY COUNT
//
// Dossiers 1…COUNT of AGENCY (at most 9,999); once all are appended it prints `done` and waits to
// be killed.
import DVCCore
import DVCSync
import DVCTesting
import Foundation

let arguments = CommandLine.arguments
let agency = arguments.count == 4 ? arguments[2] : ""
guard arguments.count == 4, let count = Int(arguments[3]), (1...9_999).contains(count) else {
    FileHandle.standardError.write(Data("usage: dvc-journal-stress JOURNAL AGENCY COUNT\n".utf8))
    exit(2)
}
do {
    let outbox = try FileOutbox(url: URL(fileURLWithPath: arguments[1]))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<16 {
            group.addTask {
                for number in stride(from: 1 + worker, through: count, by: 16) {
                    let dossier = try Fixtures.dossier(number, agency: agency)
                    let outcome = try await outbox.append([try DossierChange(dossier).encoded()]) { _, _ in [] }
                    guard case .appended? = outcome.first else { continue }
                    FileHandle.standardError.write(Data("durable \(dossier.code.rawValue)\n".utf8))
                    // A pause between appends keeps a run long enough to be killed in the middle.
                    try await Task.sleep(for: .milliseconds(3))
                }
            }
        }
        try await group.waitForAll()
    }
    FileHandle.standardError.write(Data("done\n".utf8))
    while true { try await Task.sleep(for: .seconds(60)) }
} catch {
    FileHandle.standardError.write(Data("dvc-journal-stress: \(error)\n".utf8))
    exit(1)
}
