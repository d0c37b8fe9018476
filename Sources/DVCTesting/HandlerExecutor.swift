import Dispatch
import Foundation

/// Where the loopback server runs its handlers' tasks: Dispatch threads of its own rather than
/// Swift's cooperative pool (as many threads as cores). A test suite whose other tests keep every
/// cooperative thread busy with synchronous work — common, and on a 2-core machine two such tests
/// are enough — would otherwise leave the sandbox unable to answer for as long as they run.
///
/// A task executor preference (SE-0417) carries into the handler's child tasks and the default
/// actors it calls, the sandbox's included; jobs are spread over serial queues, each of which
/// gets a thread of its own when it has work.
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
final class HandlerExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor every server shares.
    static let shared = HandlerExecutor(width: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let queues: [DispatchQueue]
    private let lock = NSLock()
    private var next = 0

    private init(width: Int) {
        queues = (0..<width).map { DispatchQueue(label: "vn.dvckit.testing.handlers.\($0)") }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let queue = lock.withLock { () -> DispatchQueue in
            defer { next = (next + 1) % queues.count }
            return queues[next]
        }
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
