/// The command works on DVCKit's public types, which its own public API exposes.
public import DVCKit
import Foundation

/// Shows how a long sync goes, on standard error: a bar redrawn in place on a terminal, a plain
/// line every few seconds otherwise (a log, a pipe, cron's mail).
///
///     [##########----------] 10,240/20,000  pending 9,760  dead 0  2,310/s  ETA 4 s
public final class ProgressDisplay: @unchecked Sendable {
    private let stream: TextStream
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var startAcknowledged: Int?
    private var drawn = false

    /// Reports on `stream`.
    public init(stream: TextStream) { self.stream = stream }

    /// How often to refresh: often on a terminal, rarely in a log.
    public var interval: Duration { stream.isTerminal ? .milliseconds(250) : .seconds(5) }

    /// Shows `status`.
    public func show(_ status: SyncStatus) {
        let total = status.total
        let line: String = lock.withLock {
            let base = startAcknowledged ?? total.acknowledged
            startAcknowledged = base
            let elapsed = max(0.001, (ContinuousClock.now - start).inSeconds)
            let rate = Double(total.acknowledged - base) / elapsed
            let settled = total.acknowledged + total.deadLettered + total.purged
            let eta = rate > 0 && total.pending > 0 ? "  ETA \(SyncStatus.age(Double(total.pending) / rate))" : ""
            let width = 20
            let filled = total.received > 0 ? min(width, width * settled / total.received) : width
            let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            return "\(bar) \(Self.number(total.acknowledged))/\(Self.number(total.received))  pending \(Self.number(total.pending))"
                + "  dead \(Self.number(total.deadLettered))  \(Self.number(Int(rate)))/s\(eta)"
        }
        if stream.isTerminal {
            lock.withLock { drawn = true }
            stream.write("\r\u{1B}[K" + line)
        } else {
            stream.write(line + "\n")
        }
    }

    /// Ends the bar's line (on a terminal).
    public func finish() {
        if lock.withLock({ drawn }) { stream.write("\n") }
    }

    /// `12,345`.
    static func number(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
