import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Group commit (ghi đồng loạt): appends write their records at once and wait for an `fsync`
/// that started after their write; one `fsync` runs at a time, off the actor, on a duplicate of
/// the journal's descriptor (so a compaction that replaces the file meanwhile does not pull it
/// away), and covers everything written before it started. Appends that arrive while it runs are
/// covered by the next one. Every other change (acknowledgements, releases, dead letters,
/// compaction) still syncs inline, and what it syncs counts as durable too.
extension Journal {
    /// The queue `fsync`s run on: never a thread of Swift's cooperative pool, which a blocking
    /// call would take from every other task.
    private static let syncQueue = DispatchQueue(label: "vn.dvckit.journal.fsync")

    /// Returns once every record up to `sequence` is durable.
    /// - Throws: ``OutboxError/Code/poisoned`` when the `fsync` failed.
    func waitUntilDurable(_ sequence: UInt64) async throws {
        guard sequence > durableSequence else { return }
        if io.syncsInline {
            let target = writtenSequence
            let outcome = io.fsync(file.descriptor)
            try file.settle(fsync: outcome.result, outcome.error)
            durableSequence = max(durableSequence, target)
            resumeWaiters(upTo: durableSequence)
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            syncWaiters.append((sequence, continuation))
            if !syncing {
                syncing = true
                Task { await self.runSyncs() }
            }
        }
    }

    /// Everything written so far is durable (a change synced inline, or a compaction).
    func noteDurable() {
        writtenSequence = max(writtenSequence, index.sequence)
        durableSequence = max(durableSequence, writtenSequence)
        resumeWaiters(upTo: durableSequence)
    }

    /// Runs `fsync`s until no append waits.
    private func runSyncs() async {
        while syncWaiters.contains(where: { $0.sequence > durableSequence }) {
            let target = writtenSequence
            let duplicate = dup(file.descriptor)
            guard duplicate >= 0 else {
                failWaiters(OutboxError(.io, "\(path): cannot sync the journal: \(JournalFile.describe(errno))"))
                break
            }
            let io = self.io
            let (result, error) = await withCheckedContinuation { (done: CheckedContinuation<(Int32, Int32), Never>) in
                Self.syncQueue.async {
                    let outcome = io.fsync(duplicate)
                    closeDescriptor(duplicate)
                    done.resume(returning: (outcome.result, outcome.error))
                }
            }
            do {
                try file.settle(fsync: result, error)
            } catch {
                failWaiters(error)
                break
            }
            durableSequence = max(durableSequence, target)
            resumeWaiters(upTo: durableSequence)
        }
        resumeWaiters(upTo: durableSequence)
        syncing = false
    }

    private func resumeWaiters(upTo sequence: UInt64) {
        guard !syncWaiters.isEmpty else { return }
        var waiting: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        for waiter in syncWaiters {
            if waiter.sequence <= sequence { waiter.continuation.resume() } else { waiting.append(waiter) }
        }
        syncWaiters = waiting
    }

    /// The `fsync` failed: the file is poisoned, and no waiting append is durable.
    private func failWaiters(_ error: any Error) {
        let waiters = syncWaiters
        syncWaiters = []
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }
}

/// `close(2)`, under a name the actor's own `close()` does not hide.
private func closeDescriptor(_ descriptor: Int32) { close(descriptor) }
