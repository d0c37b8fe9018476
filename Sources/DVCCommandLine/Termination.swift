import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a clean stop: the first one calls `stop` (the command cancels its
/// work, flushes and prints its summary); a second one ends the process at once (exit 130).
public final class Termination: @unchecked Sendable {
    // Only set once, in init; kept so the sources stay alive.
    private let sources: [any DispatchSourceSignal]

    /// Starts listening; keep the value alive while the command runs.
    public init(_ stop: @escaping @Sendable () -> Void) {
        let state = Counter()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if state.increment() > 1 { exit(130) }
                stop()
            }
            source.resume()
            return source
        }
    }

    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let queue = DispatchQueue(label: "dvckit.termination")
        func increment() -> Int { queue.sync { value += 1; return value } }
    }
}
