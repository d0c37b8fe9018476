import Dispatch
import Foundation

/// Maps `0..<count` on up to `concurrency` threads, results in index order: how the batch reader
/// decodes the dossiers one read completed on every core while handing them out in order, and
/// how `SyncEngine` encodes a large `enqueue(contentsOf:)` (package API, not public).
///
/// Work is claimed in blocks (`block` indices at a time) from a shared cursor, so a thread slowed
/// by a busy machine takes fewer blocks; each block starts from a fresh `State` (per-thread
/// scratch such as a warning log), so no two threads share one. The calling thread works too and
/// then waits only for blocks other threads have claimed: helpers are asked for on Dispatch's
/// global queue, and one that starts late (the pool busy, or the caller itself a pool thread)
/// finds nothing left and returns — the map never waits for a thread that has not started.
package enum ParallelMap {
    /// The results of `transform` for every index in `0..<count`, in order.
    ///
    /// At most one thread per active processor is used, whatever `concurrency` asks. With
    /// `concurrency` ≤ 1, or fewer indices than two blocks, everything runs on the calling thread
    /// with one `State`.
    package static func map<State, Result>(count: Int, concurrency: Int, block: Int = 8,
                                   state makeState: @escaping @Sendable () -> State,
                                   _ transform: @escaping @Sendable (inout State, Int) -> Result) -> [Result] {
        let block = max(1, block)
        let threads = concurrency > 1 ? min(concurrency, processors, (count + block - 1) / block) : 1
        guard threads > 1 else {
            var state = makeState()
            return (0..<count).map { transform(&state, $0) }
        }
        return [Result](unsafeUninitializedCapacity: count) { slots, initialized in
            guard let first = slots.baseAddress else { return }
            let work = Work(count: count, block: block, slots: Slots(first: first))
            let run: @Sendable () -> Void = {
                while let range = work.claim() {
                    var state = makeState()
                    for index in range { (work.slots.first + index).initialize(to: transform(&state, index)) }
                    work.complete(range.count)
                }
            }
            for _ in 1..<threads { DispatchQueue.global().async(execute: run) }
            run()
            work.waitUntilComplete()
            initialized = count
        }
    }

    /// The processors this process may run on, read once.
    private static let processors = ProcessInfo.processInfo.activeProcessorCount

    /// The results' storage: each slot is written by the one thread that claimed its block.
    private struct Slots<Result>: @unchecked Sendable {
        let first: UnsafeMutablePointer<Result>
    }

    /// The blocks not yet claimed and the indices not yet done, shared by the threads of one map.
    private final class Work<Result>: @unchecked Sendable {
        private let condition = NSCondition()
        private var start = 0, done = 0
        private let count: Int, block: Int
        let slots: Slots<Result>

        init(count: Int, block: Int, slots: Slots<Result>) {
            self.count = count
            self.block = block
            self.slots = slots
        }

        /// The next block of indices, or `nil` when every block is claimed.
        func claim() -> Range<Int>? {
            condition.withLock {
                guard start < count else { return nil }
                defer { start = min(count, start + block) }
                return start..<min(count, start + block)
            }
        }

        /// Records that `indices` slots were written.
        func complete(_ indices: Int) {
            condition.withLock {
                done += indices
                if done == count { condition.broadcast() }
            }
        }

        /// Waits until every slot is written (only blocks already claimed can be outstanding).
        func waitUntilComplete() {
            condition.withLock {
                while done < count { condition.wait() }
            }
        }
    }
}
