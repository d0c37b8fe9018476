/// `URL` and `Duration` appear in this file's public API.
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The ``Transport`` over HTTP(S), on `URLSession` (FoundationNetworking on Linux) — the only file
/// of DVCKit that imports it.
///
/// - `https` is required, except for loopback addresses when ``Configuration/allowsInsecureLoopback``
///   is set (for the sandbox in tests); anything else is refused before it is sent.
/// - No cookies are stored or sent; a redirect is followed only to the same host and port (and
///   scheme policy), and for a request with a body only on 307/308, which keep the method and
///   body; any other redirect is not followed, and its 3xx response is returned as it is.
/// - A response larger than ``Configuration/maximumResponseSize`` is cut off and reported as an error.
public final class HTTPTransport: Transport {
    /// Limits and policies.
    public struct Configuration: Sendable {
        /// How long to wait for a response when the request does not say (default 30 s).
        public var timeout: Duration
        /// The largest response body accepted (default 32 MiB).
        public var maximumResponseSize: Int
        /// Whether plain `http` to 127.0.0.0/8, `localhost` and `::1` is allowed (tests only).
        public var allowsInsecureLoopback: Bool

        /// Creates a configuration.
        public init(timeout: Duration = .seconds(30), maximumResponseSize: Int = 32 << 20, allowsInsecureLoopback: Bool = false) {
            self.timeout = timeout
            self.maximumResponseSize = maximumResponseSize
            self.allowsInsecureLoopback = allowsInsecureLoopback
        }
    }

    /// Why a request was not sent or its response not accepted.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What failed.
        public enum Reason: String, Sendable, Hashable {
            /// Not `https` (and not an allowed loopback address).
            case insecureURL = "insecure-url"
            /// The response exceeded the maximum size.
            case responseTooLarge = "response-too-large"
            /// The response was not HTTP.
            case invalidResponse = "invalid-response"
            /// No complete response within the request's timeout.
            case timedOut = "timed-out"
        }

        /// What failed.
        public let reason: Reason
        /// The URL involved.
        public let url: String

        /// Creates a failure.
        public init(reason: Reason, url: String) {
            self.reason = reason
            self.url = url
        }

        /// `reason: url`, the URL's password and secret query values redacted.
        public var description: String { "\(reason.rawValue): \(Redaction.url(url))" }
    }

    /// The configuration.
    public let configuration: Configuration
    private let session: URLSession
    private let delegate: Delegate

    /// Creates a transport with its own cookie-less session.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpShouldSetCookies = false
        sessionConfiguration.httpCookieAcceptPolicy = .never
        sessionConfiguration.httpCookieStorage = nil
        sessionConfiguration.urlCache = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        delegate = Delegate(maximumSize: configuration.maximumResponseSize)
        session = URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// Whether `url` may be sent to under `configuration`.
    public static func isAllowed(_ url: URL, allowsInsecureLoopback: Bool) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return true
        case "http": return allowsInsecureLoopback && isLoopback(url.host ?? "")
        default: return false
        }
    }

    /// Whether `host` is `localhost`, `::1` or an IPv4 literal in 127.0.0.0/8 (a name such as
    /// `127.attacker.example` is not).
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber) && (Int(octet) ?? 256) <= 255
        }
    }

    /// Sends `request` and collects the response. A request with a body redirected by 307 or
    /// 308 to the same host and port is sent again, method and body unchanged, to the new
    /// location (at most ``maximumRedirects`` times; each hop has the request's timeout).
    public func send(_ request: PortalRequest) async throws -> PortalResponse {
        var request = request
        for _ in 0...Self.maximumRedirects {
            let response = try await sendOnce(request)
            guard request.method != .get, response.status == 307 || response.status == 308,
                  let location = response.header("Location"), let target = URL(string: location, relativeTo: request.url)?.absoluteURL,
                  Self.sameOrigin(request.url, target) else { return response }
            request.url = target
        }
        throw Failure(reason: .invalidResponse, url: request.url.absoluteString)
    }

    /// The most redirects one request follows.
    public static let maximumRedirects = 5

    private func sendOnce(_ request: PortalRequest) async throws -> PortalResponse {
        guard Self.isAllowed(request.url, allowsInsecureLoopback: configuration.allowsInsecureLoopback) else {
            throw Failure(reason: .insecureURL, url: request.url.absoluteString)
        }
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.httpBody = request.method == .get ? nil : request.body
        urlRequest.httpShouldHandleCookies = false
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        // The timeout is enforced here: swift-corelibs-foundation treats a sub-second
        // `timeoutInterval` as an immediate timeout, so URLSession's own is only a backstop.
        let timeout = request.timeout ?? configuration.timeout
        let seconds = timeout.inSeconds
        urlRequest.timeoutInterval = max(1, seconds.rounded(.up) + 1)
        let finalRequest = urlRequest
        let url = request.url.absoluteString
        return try await withThrowingTaskGroup(of: PortalResponse.self) { group in
            group.addTask { try await self.perform(finalRequest) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure(reason: .timedOut, url: url)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw Failure(reason: .invalidResponse, url: url) }
            return first
        }
    }

    /// Runs one data task. Cancellation resumes the caller at once, whichever comes first — the
    /// cancellation or the registration of the task — so a cancelled request never hangs.
    private func perform(_ urlRequest: URLRequest) async throws -> PortalResponse {
        let task = session.dataTask(with: urlRequest)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task, allowsInsecureLoopback: configuration.allowsInsecureLoopback, continuation: continuation)
                if Task.isCancelled {
                    delegate.cancel(task)
                } else {
                    task.resume()
                }
            }
        } onCancel: {
            delegate.cancel(task)
        }
    }

    /// Whether URLSession may follow a redirect: a `GET` to the same host and port. A request with
    /// a body is never followed there: after 301, 302 or 303 it would arrive as a body-less `GET`
    /// (which an RPC endpoint answers with something else entirely), and swift-corelibs-foundation
    /// drops the body even on 307/308. ``send(_:)`` follows 307/308 itself, body included
    /// (RFC 9110 §15.4.8–9); any other 3xx is returned to the caller as it is.
    static func followsRedirect(from original: URLRequest, status: Int, to next: URLRequest) -> Bool {
        guard let from = original.url, let to = next.url, sameOrigin(from, to) else { return false }
        return (original.httpMethod ?? "GET") == "GET"
    }

    static func sameOrigin(_ from: URL, _ to: URL) -> Bool {
        from.host?.lowercased() == to.host?.lowercased() && effectivePort(from) == effectivePort(to)
    }

    private static func effectivePort(_ url: URL) -> Int? {
        url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil)
    }

    /// Collects each task's response and body, enforces the size limit and the redirect policy.
    final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private struct Pending {
            var continuation: CheckedContinuation<PortalResponse, any Error>
            var response: HTTPURLResponse?
            var body = Data()
            var failure: (any Error)?
            var allowsInsecureLoopback: Bool
        }

        private let lock = NSLock()
        private var pending: [Int: Pending] = [:]
        private let maximumSize: Int

        init(maximumSize: Int) { self.maximumSize = maximumSize }

        func register(_ task: URLSessionTask, allowsInsecureLoopback: Bool, continuation: CheckedContinuation<PortalResponse, any Error>) {
            lock.withLock { pending[task.taskIdentifier] = Pending(continuation: continuation, allowsInsecureLoopback: allowsInsecureLoopback) }
        }

        /// Cancels `task` and resumes its caller with `CancellationError`, if it is still waiting.
        func cancel(_ task: URLSessionTask) {
            let entry = lock.withLock { pending.removeValue(forKey: task.taskIdentifier) }
            task.cancel()
            entry?.continuation.resume(throwing: CancellationError())
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            let tooLarge = response.expectedContentLength > Int64(maximumSize)
            lock.withLock {
                pending[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse
                if tooLarge { pending[dataTask.taskIdentifier]?.failure = Failure(reason: .responseTooLarge, url: response.url?.absoluteString ?? "") }
            }
            completionHandler(tooLarge ? .cancel : .allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let overflow = lock.withLock { () -> Bool in
                guard let size = pending[dataTask.taskIdentifier]?.body.count else { return false }
                if size + data.count > maximumSize {
                    pending[dataTask.taskIdentifier]?.failure = Failure(reason: .responseTooLarge, url: dataTask.originalRequest?.url?.absoluteString ?? "")
                    return true
                }
                // In place: a copy of the entry would copy the whole body for every chunk.
                pending[dataTask.taskIdentifier]?.body.append(data)
                return false
            }
            if overflow { dataTask.cancel() }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            let allowsLoopback = lock.withLock { pending[task.taskIdentifier]?.allowsInsecureLoopback ?? false }
            guard let original = task.originalRequest,
                  HTTPTransport.followsRedirect(from: original, status: response.statusCode, to: request),
                  let target = request.url, HTTPTransport.isAllowed(target, allowsInsecureLoopback: allowsLoopback) else {
                completionHandler(nil)  // not followed: the caller gets the 3xx response itself
                return
            }
            completionHandler(request)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            if let failure = entry.failure { return entry.continuation.resume(throwing: failure) }
            if let error { return entry.continuation.resume(throwing: error) }
            guard let response = entry.response else {
                return entry.continuation.resume(throwing: Failure(reason: .invalidResponse, url: task.originalRequest?.url?.absoluteString ?? ""))
            }
            var headers: [String: String] = [:]
            for (name, value) in response.allHeaderFields { headers[String(describing: name)] = String(describing: value) }
            entry.continuation.resume(returning: PortalResponse(status: response.statusCode, headers: headers, body: entry.body))
        }
    }
}
