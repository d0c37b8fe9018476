/// `Duration` and `Date` appear in this file's public API.
public import Foundation
/// The clock is a `Sleeper` the client and the engine take.
public import DVCClient

/// Runs asynchronous code deterministically on one thread, in virtual time (ordonnancement mô
/// phỏng): every job of every task that prefers this executor runs here, one at a time, in the
/// order it was scheduled; when no job is left, virtual time jumps to the next timer. The same
/// program with the same seed runs the same way every time, and an hour of timeouts and backoffs
/// takes milliseconds.
///
/// Tasks started under ``run(_:)`` — their child tasks, and the default actors they call — run
/// here (a task executor preference, SE-0417). An unstructured `Task {}` does not inherit it: code
/// that a simulation drives must not start one (``SyncEngine`` and ``FileOutbox`` opened with
/// simulated I/O do not).
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
public final class SimulationScheduler: TaskExecutor, @unchecked Sendable {
    private struct Timer {
        let at: Double
        let order: UInt64
        let fire: @Sendable () -> Void
    }

    private let lock = NSLock()
    private let wake = NSCondition()
    private var jobs: [UnownedJob] = []
    private var nextJob = 0
    private var timers: [UInt64: Timer] = [:]
    private var timerOrder: UInt64 = 0
    private var elapsed: Double = 0
    /// The virtual time zero.
    public let epoch: Date

    /// Creates a scheduler whose virtual clock starts at `epoch`.
    public init(epoch: Date = Date(timeIntervalSince1970: 1_772_409_600)) {
        self.epoch = epoch
    }

    /// Seconds of virtual time since ``epoch``.
    public var seconds: Double { lock.withLock { elapsed } }

    /// The virtual time.
    public var now: Date { epoch.addingTimeInterval(seconds) }

    /// Schedules a job (the Swift runtime calls this).
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.withLock { jobs.append(job) }
        wake.lock()
        wake.signal()
        wake.unlock()
    }

    /// Calls `fire` once `delay` of virtual time has passed; returns a handle for ``cancelTimer(_:)``.
    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        lock.withLock {
            timerOrder += 1
            timers[timerOrder] = Timer(at: elapsed + max(0, delay.inSeconds), order: timerOrder, fire: fire)
            return timerOrder
        }
    }

    /// Cancels a timer; `false` when it already fired.
    func cancelTimer(_ id: UInt64) -> Bool { lock.withLock { timers.removeValue(forKey: id) != nil } }

    private func nextRunnable() -> UnownedJob? {
        lock.withLock {
            guard nextJob < jobs.count else { return nil }
            let job = jobs[nextJob]
            nextJob += 1
            if nextJob > 1_024 && nextJob * 2 > jobs.count {
                jobs.removeFirst(nextJob)
                nextJob = 0
            }
            return job
        }
    }

    private func advance() -> (@Sendable () -> Void)? {
        lock.withLock {
            guard let first = timers.values.min(by: { ($0.at, $0.order) < ($1.at, $1.order) }) else { return nil }
            timers[first.order] = nil
            elapsed = max(elapsed, first.at)
            return first.fire
        }
    }

    /// Why a run did not finish.
    public enum Stall: Error, Sendable, CustomStringConvertible {
        /// No job and no timer was left, yet the body had not returned (a task waits for something
        /// outside the simulation, forever).
        case deadlock(seconds: Double)
        /// The virtual time passed `limit` before the body returned.
        case timeLimit(seconds: Double)

        /// One line.
        public var description: String {
            switch self {
            case .deadlock(let seconds): "deadlock at \(seconds) s of virtual time: nothing left to run and nothing to wait for"
            case .timeLimit(let seconds): "still running after \(seconds) s of virtual time"
            }
        }
    }

    /// Runs `body` under this scheduler on a thread of its own until it returns, advancing virtual
    /// time whenever nothing is runnable.
    /// - Parameter limit: virtual seconds after which the run is abandoned.
    /// - Throws: ``Stall`` when the body cannot finish.
    public func run<T: Sendable>(limit: Double = .infinity, _ body: @escaping @Sendable () async -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread { [self] in
                let box = ResultBox<T>()
                Task(executorPreference: self) {
                    let value = await body()
                    box.set(value)
                }
                while true {
                    if let job = nextRunnable() {
                        job.runSynchronously(on: asUnownedTaskExecutor())
                        continue
                    }
                    if let value = box.value {
                        continuation.resume(returning: value)
                        return
                    }
                    if seconds > limit {
                        continuation.resume(throwing: Stall.timeLimit(seconds: seconds))
                        return
                    }
                    if let fire = advance() {
                        fire()
                        continue
                    }
                    // Nothing runnable, no timer: a job may still arrive from another thread (a
                    // continuation resumed outside); wait a moment of real time before giving up.
                    wake.lock()
                    let arrived = wake.wait(until: Date().addingTimeInterval(2))
                    wake.unlock()
                    if !arrived && nextRunnable().map({ job in
                        job.runSynchronously(on: asUnownedTaskExecutor())
                        return true
                    }) == nil {
                        if let value = box.value {
                            continuation.resume(returning: value)
                        } else {
                            continuation.resume(throwing: Stall.deadlock(seconds: seconds))
                        }
                        return
                    }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    func set(_ value: T) { lock.withLock { stored = value } }
    var value: T? { lock.withLock { stored } }
}

/// A ``SimulationScheduler``'s clock as the engine and the client take it: `sleep` waits in virtual
/// time (and throws `CancellationError` at once when its task is cancelled), `now` reads it.
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
public struct SimulationClock: Sleeper {
    /// The scheduler whose time this is.
    public let scheduler: SimulationScheduler
    /// Added to every reading of ``now`` (a worker whose clock is off).
    public var skew: Double

    /// Creates the clock of `scheduler`, off by `skew` seconds.
    public init(_ scheduler: SimulationScheduler, skew: Double = 0) {
        self.scheduler = scheduler
        self.skew = skew
    }

    /// The virtual time, skewed.
    public var now: @Sendable () -> Date {
        let scheduler = scheduler, skew = skew
        return { scheduler.now.addingTimeInterval(skew) }
    }

    /// Waits `duration` of virtual time.
    public func sleep(for duration: Duration) async throws {
        let state = SleepState()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard state.begin(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let id = scheduler.schedule(after: duration) { state.finish(nil) }
                state.timer(id)
            }
        } onCancel: {
            if let id = state.cancel(), !scheduler.cancelTimer(id) { return }
            state.finish(CancellationError())
        }
    }
}

/// One sleep's continuation and timer, shared with its cancellation handler.
private final class SleepState: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, any Error>?
    private var id: UInt64?
    private var cancelled = false
    private var done = false

    /// Stores the continuation; `false` when the task was cancelled before.
    func begin(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        lock.withLock {
            if cancelled {
                done = true
                return false
            }
            self.continuation = continuation
            return true
        }
    }

    func timer(_ id: UInt64) { lock.withLock { self.id = id } }

    /// Marks the sleep cancelled; returns its timer, if one was set.
    func cancel() -> UInt64? {
        lock.withLock {
            cancelled = true
            return id
        }
    }

    func finish(_ error: (any Error)?) {
        let continuation: CheckedContinuation<Void, any Error>? = lock.withLock {
            guard !done else { return nil }
            done = true
            defer { self.continuation = nil }
            return self.continuation
        }
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
    }
}
