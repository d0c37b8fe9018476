/// `Duration` appears in this file's public API.
public import Foundation
import DVCCore

/// When and how long to wait before sending a failed request again (chính sách thử lại).
///
/// Retried: failures of the transport (no response, timeouts) and HTTP 408, 429 and 5xx. Never
/// retried: a response the portal gave about the data (HTTP 200 with a non-zero `error_code`),
/// 4xx other than 408/429, a refused login (an adapter locks the account after a few), a request
/// DVCKit refused to send, cancellation. The portal's create and update of a dossier are keyed by
/// the dossier code, so resending them is safe; a request that is not idempotent
/// (``PortalRequest/isIdempotent``) is resent only after HTTP 429 or a connection that was never
/// made. `Retry-After` (seconds or an HTTP date) is honoured; a response asking for a longer
/// wait than ``maximumDelay`` is returned to the caller instead of being retried early.
///
/// ```swift
/// let policy = RetryPolicy.exponentialJitter(maximumAttempts: 6, base: .milliseconds(200), cap: .seconds(20))
/// ```
public struct RetryPolicy: Sendable {
    /// How many times a request is sent at most, the first time included.
    public var maximumAttempts: Int
    /// The longest wait between attempts. A server asking (`Retry-After`) for longer is not
    /// retried within the call.
    public var maximumDelay: Duration
    private let delayForAttempt: @Sendable (_ attempt: Int, _ random: Double) -> Duration

    /// A policy from its parts: `delay(attempt, random)` gives the wait after failed attempt
    /// `attempt` (1-based), `random` being uniform in 0..<1 for jitter.
    public init(maximumAttempts: Int, maximumDelay: Duration = .seconds(60), delay: @escaping @Sendable (_ attempt: Int, _ random: Double) -> Duration) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.maximumDelay = maximumDelay
        self.delayForAttempt = delay
    }

    /// Never retry.
    public static let none = RetryPolicy(maximumAttempts: 1) { _, _ in .zero }

    /// Exponential backoff with full jitter: the wait after attempt *n* is uniform in
    /// `0 ..< min(cap, base × 2ⁿ⁻¹)`.
    public static func exponentialJitter(maximumAttempts: Int = 5, base: Duration = .milliseconds(500), cap: Duration = .seconds(30)) -> RetryPolicy {
        RetryPolicy(maximumAttempts: maximumAttempts, maximumDelay: cap) { attempt, random in
            let ceiling = min(cap, base * (1 << min(attempt - 1, 30)))
            return ceiling * random
        }
    }

    /// Five attempts, exponential backoff with jitter from 0.5 s, capped at 30 s.
    public static let `default` = exponentialJitter()

    /// The wait after failed attempt `attempt`, given the server's `Retry-After` (if any).
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, random: Double) -> Duration {
        let computed = delayForAttempt(attempt, random)
        return min(maximumDelay, max(computed, retryAfter ?? .zero))
    }

    /// Whether a response status is worth retrying.
    public static func isRetryable(status: Int) -> Bool { status == 408 || status == 429 || (500...599).contains(status) }

    /// Whether a response status is worth retrying for a request that must not arrive twice: only
    /// 429 (the server says it did not take it).
    static func isRetryableOnce(status: Int) -> Bool { status == 429 }

    /// Whether a failure without a response is worth retrying; `idempotent` requests tolerate a
    /// lost reply, others only a connection that was never made.
    static func isRetryable(_ error: any Error, idempotent: Bool) -> Bool {
        if error is CancellationError { return false }
        if let portal = error as? PortalError {
            switch portal.code {
            case .loginFailed, .sessionExpired, .invalidRequest, .rejected, .alreadyExists: return false
            default: break
            }
            return portal.underlying.map { isRetryable($0, idempotent: idempotent) } ?? idempotent
        }
        if let failure = error as? HTTPTransport.Failure {
            switch failure.reason {
            case .insecureURL, .responseTooLarge: return false
            case .timedOut, .invalidResponse: return idempotent
            }
        }
        return idempotent || neverConnected(error)
    }

    /// Whether `error` says no connection was made (nothing can have been delivered).
    static func neverConnected(_ error: any Error) -> Bool {
        let error = error as NSError
        guard error.domain == NSURLErrorDomain else { return false }
        return [NSURLErrorCannotConnectToHost, NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed, NSURLErrorNotConnectedToInternet].contains(error.code)
    }

    /// Reads `Retry-After` (RFC 9110 §10.2.3): whole seconds, or an HTTP date in any of the three
    /// forms a recipient must accept (§5.6.7: IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the
    /// obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`),
    /// relative to `now`. `nil` when the value is none of these.
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return .seconds(Int(value) ?? Int.max)  // more digits than an Int holds: longer than any policy waits
        }
        guard let date = httpDate(value) else { return nil }
        return .milliseconds(max(0, Int((date - now.timeIntervalSince1970) * 1000)))
    }

    /// An HTTP date as seconds since 1970, or `nil`.
    static func httpDate(_ text: String) -> Double? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map { $0.lowercased() }
        // IMF-fixdate and RFC 850: weekday, day, month, year, time, GMT. asctime: weekday, month, day, time, year.
        let day: String, month: String, year: String, time: String
        switch words.count {
        case 6 where words[5] == "gmt": (day, month, year, time) = (words[1], words[2], words[3], words[4])
        case 5: (day, month, year, time) = (words[2], words[1], words[4], words[3])
        default: return nil
        }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard let monthIndex = months.firstIndex(of: month), let d = Int(day), var y = Int(year), clock.count == 3,
              (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        if year.count == 2 { y += y < 70 ? 2000 : 1900 }  // RFC 850's two-digit year (RFC 9110 §5.6.7)
        guard (1...9999).contains(y) else { return nil }
        guard let date = CalendarDate(year: y, month: monthIndex + 1, day: d) else { return nil }
        return Double(date.daysSinceEpoch * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2])
    }
}

/// Waits; the real one sleeps, tests inject one that records the schedule instead.
public protocol Sleeper: Sendable {
    /// Waits `duration` (throws when the task is cancelled).
    func sleep(for duration: Duration) async throws
}

/// Sleeps with `Task.sleep`.
public struct TaskSleeper: Sleeper {
    /// Creates the sleeper.
    public init() {}
    /// Sleeps for `duration`.
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// Sends a request again after transport failures, timeouts, 408, 429 and 5xx, by a
/// ``RetryPolicy``; checks for cancellation before every attempt.
public struct RetryMiddleware: PortalMiddleware {
    /// The policy.
    public let policy: RetryPolicy
    private let sleeper: any Sleeper
    private let events: (any PortalEventSink)?
    private let random: @Sendable () -> Double

    /// Creates the middleware; `sleeper` and `random` are injectable for tests.
    public init(policy: RetryPolicy = .default, sleeper: any Sleeper = TaskSleeper(), events: (any PortalEventSink)? = nil,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.policy = policy
        self.sleeper = sleeper
        self.events = events
        self.random = random
    }

    /// Sends `request`, retrying by the policy.
    public func intercept(_ request: PortalRequest, next: @Sendable (PortalRequest) async throws -> PortalResponse) async throws -> PortalResponse {
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let reason: String
            var retryAfter: Duration?
            do {
                let response = try await next(request)
                let retryable = request.isIdempotent ? RetryPolicy.isRetryable(status: response.status) : RetryPolicy.isRetryableOnce(status: response.status)
                guard retryable, attempt < policy.maximumAttempts else { return response }
                reason = "HTTP \(response.status)"
                retryAfter = RetryPolicy.retryAfter(response.header("Retry-After"))
                // Asked to wait longer than the policy ever waits: sending earlier than asked
                // would only be refused again, so the response goes back to the caller (the sync
                // engine backs off between rounds).
                if let retryAfter, retryAfter > policy.maximumDelay { return response }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard attempt < policy.maximumAttempts, RetryPolicy.isRetryable(error, idempotent: request.isIdempotent) else { throw error }
                reason = String(describing: type(of: error))
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, random: random())
            events?.record(.retry(operation: request.operation, attempt: attempt, delay: delay, reason: reason))
            try await sleeper.sleep(for: delay)
            attempt += 1
        }
    }
}
