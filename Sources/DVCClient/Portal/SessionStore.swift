import Foundation

extension PortalError {
    /// A login the adapter answered and refused (credentials, a locked account) — not one that got
    /// no answer, or an answer of a broken server.
    var isRefusedLogin: Bool { code == .loginFailed && underlying == nil && (httpStatus.map { $0 < 500 } ?? false) }
}

/// The cached session, shared by every call: one caller logs in while the others wait for it.
actor SessionStore {
    enum Step { case ready(String), mustLogIn }

    private var token: String?
    private var expiresAt: Date?
    private var loggingIn = false
    private var refusal: (error: any Error, until: Date)?
    private var waiters: [CheckedContinuation<Result<String, any Error>, Never>] = []
    private let now: @Sendable () -> Date
    private(set) var logins = 0

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The cached session, or the outcome of the login in progress, or `.mustLogIn` for the one
    /// caller that performs the login. With `replacing`, the cached session is dropped if it is
    /// still that one, so callers that saw the same expired session cause a single re-login. A
    /// refused login is thrown again, without asking, until its cool-down ends.
    func begin(replacing stale: String?) async throws -> Step {
        if let stale, token == stale {
            token = nil
            expiresAt = nil
        }
        if let token, let expiresAt, now() < expiresAt { return .ready(token) }
        if let refusal, now() < refusal.until { throw refusal.error }
        if loggingIn {
            let outcome = await withCheckedContinuation { waiters.append($0) }
            return .ready(try outcome.get())
        }
        loggingIn = true
        logins += 1
        return .mustLogIn
    }

    /// Ends the login in progress and wakes every waiting caller with its outcome; a refused
    /// login is remembered for `cooldown`.
    func complete(_ outcome: Result<String, any Error>, lifetime: Duration, cooldown: Duration? = nil) {
        switch outcome {
        case .success(let fresh):
            token = fresh
            expiresAt = now().addingTimeInterval(max(0, lifetime.inSeconds))
            refusal = nil
        case .failure(let error):
            if let cooldown { refusal = (error, now().addingTimeInterval(cooldown.inSeconds)) }
        }
        loggingIn = false
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume(returning: outcome) }
    }
}
