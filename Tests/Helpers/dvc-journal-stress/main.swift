// dvc-journal-stress: a test helper (not a product). Appends dossiers to a FileOutbox one change
// per call from 16 concurrent tasks, and writes `durable CODE` to standard error as each append
// returns — so that a test can kill it with SIGKILL at any moment and check that every change it
// was told is durable is in the journal.
//
//   dvc-journal-stress JOURNAL FIRST COUNT
import DVCCore
import DVCSync
import DVCTesting
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4, let first = Int(arguments[2]), let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: dvc-journal-stress JOURNAL FIRST COUNT\n".utf8))
    exit(2)
}
do {
    let outbox = try FileOutbox(url: URL(fileURLWithPath: arguments[1]))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<16 {
            group.addTask {
                for number in stride(from: first + worker, to: first + count, by: 16) {
                    let dossier = try Fixtures.dossier(number)
                    let outcome = try await outbox.append([try DossierChange(dossier).encoded()]) { _, _ in [] }
                    guard case .appended? = outcome.first else { continue }
                    FileHandle.standardError.write(Data("durable \(dossier.code.rawValue)\n".utf8))
                }
            }
        }
        try await group.waitForAll()
    }
    FileHandle.standardError.write(Data("done\n".utf8))
} catch {
    FileHandle.standardError.write(Data("dvc-journal-stress: \(error)\n".utf8))
    exit(1)
}
