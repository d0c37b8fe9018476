/// `Data` appears in this file's public API.
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on POSIX sockets, written for the portal sandbox only (máy chủ thử
/// nghiệm): it binds a loopback address, serves `Content-Length` bodies with keep-alive on
/// concurrent connections, and shuts down cleanly. It is not a general-purpose web server, but
/// `dvc-sandbox` serves it to other languages' test suites, so hostile input gets an HTTP error,
/// never a crash or a hang: bounded connections, header and body sizes, a deadline per request,
/// conflicting `Content-Length`s and folded headers refused, `Expect: 100-continue` honoured,
/// and response headers that would split the response refused.
///
/// Responses are written with a single `send` and `TCP_NODELAY` set: writing headers and body
/// separately on a loopback socket meets Nagle's algorithm and the client's delayed ACK and costs
/// ~40 ms a request (design.md, "Measured on this kind of machine").
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// A request as received.
    public struct Request: Sendable {
        /// The method, e.g. `POST`.
        public var method: String
        /// The path with its query, e.g. `/_sandbox/state?limit=10`.
        public var target: String
        /// Header fields, names lower-cased.
        public var headers: [String: String]
        /// The body.
        public var body: Data

        /// The path without the query.
        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }

        /// The query parameters.
        public var query: [String: String] { Self.queryItems(of: target) }

        /// The query parameters of a request target (`/path?a=1&b=`): names and values
        /// percent-decoded (`+` is a space in a form), the last of a repeated name kept, pairs
        /// without a name (`?=x`, `?&`) ignored.
        public static func queryItems(of target: String) -> [String: String] {
            guard let query = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first else { return [:] }
            return formItems(String(query))
        }

        /// The pairs of an `application/x-www-form-urlencoded` text, decoded as ``queryItems(of:)`` does.
        public static func formItems(_ text: String) -> [String: String] {
            var items: [String: String] = [:]
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { part in
                    let spaced = part.replacingOccurrences(of: "+", with: " ")
                    return spaced.removingPercentEncoding ?? spaced
                }
                guard let name = parts.first, !name.isEmpty else { continue }
                items[name] = parts.count > 1 ? parts[1] : ""
            }
            return items
        }
    }

    /// A response to write.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Header fields (`Content-Length` and `Connection` are added).
        public var headers: [String: String]
        /// The body.
        public var body: Data
        /// A fault: write part of the response, then close the connection.
        public var closesConnectionMidway: Bool

        /// Creates a response.
        public init(status: Int, headers: [String: String] = [:], body: Data = Data(), closesConnectionMidway: Bool = false) {
            self.status = status
            self.headers = headers
            self.body = body
            self.closesConnectionMidway = closesConnectionMidway
        }
    }

    /// Answers a request.
    public typealias Handler = @Sendable (Request) async -> Response

    /// A failure to start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// What failed, with `errno`'s text.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    /// Bounds on what clients may do.
    public struct Limits: Sendable, Hashable {
        /// The largest request accepted (header and body), in bytes (default 16 MiB).
        public var maximumRequestSize: Int
        /// The largest header block, in bytes (default 64 KiB); larger ones get 431.
        public var maximumHeaderSize: Int
        /// The most header fields one request may carry (default 100); more get 431.
        public var maximumHeaderCount: Int
        /// Connections served at once (default 256); more are answered 503 and closed.
        public var maximumConnections: Int
        /// How long a client may take to send one whole request (default 30 s); a slower one is disconnected.
        public var requestTimeout: Duration

        /// Creates limits.
        public init(maximumRequestSize: Int = 16 << 20, maximumHeaderSize: Int = 64 << 10, maximumConnections: Int = 256,
                    requestTimeout: Duration = .seconds(30), maximumHeaderCount: Int = 100) {
            self.maximumHeaderCount = maximumHeaderCount
            self.maximumRequestSize = maximumRequestSize
            self.maximumHeaderSize = maximumHeaderSize
            self.maximumConnections = maximumConnections
            self.requestTimeout = requestTimeout
        }
    }

    /// The address bound (default `127.0.0.1`).
    public let host: String
    /// The port bound (the one picked when 0 was asked for).
    public private(set) var port: UInt16 = 0
    /// The limits.
    public let limits: Limits
    /// The largest request accepted (header and body), in bytes.
    public var maximumRequestSize: Int { limits.maximumRequestSize }

    let handler: Handler
    private var listener: Int32 = -1
    let lock = NSLock()
    var connections: Set<Int32> = []
    var running = false
    private var acceptThread: Thread?

    /// Binds and listens on `host:port` (port 0 picks a free one), without serving yet. A host
    /// outside 127.0.0.0/8 must be asked for with `allowsNonLoopback` (the sandbox has no
    /// authentication worth the name).
    public init(host: String = "127.0.0.1", port: UInt16 = 0, limits: Limits = Limits(), allowsNonLoopback: Bool = false,
                handler: @escaping Handler) throws {
        self.host = host
        self.limits = limits
        self.handler = handler
        guard allowsNonLoopback || host.hasPrefix("127.") else {
            throw StartError(message: "\(host) is not a loopback address; pass allowsNonLoopback to serve other machines")
        }
        #if canImport(Darwin)
        let stream = SOCK_STREAM
        #else
        let stream = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #endif
        listener = socket(AF_INET, stream, 0)
        guard listener >= 0 else { throw StartError(message: "socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(listener)
            throw StartError(message: "not an IPv4 address: \(host)")
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(listener, 128) == 0 else {
            let message = String(cString: strerror(errno))
            close(listener)
            throw StartError(message: "bind/listen \(host):\(port): \(message)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        self.port = UInt16(bigEndian: actual.sin_port)
    }

    /// The pre-limits initialiser: `maximumRequestSize` with the other limits' defaults.
    public convenience init(host: String = "127.0.0.1", port: UInt16 = 0, maximumRequestSize: Int, handler: @escaping Handler) throws {
        try self.init(host: host, port: port, limits: Limits(maximumRequestSize: maximumRequestSize), handler: handler)
    }

    deinit { stop() }

    /// The base URL, e.g. `http://127.0.0.1:50123`.
    public var baseURL: URL { URL(string: "http://\(host):\(port)") ?? URL(fileURLWithPath: "/") }

    /// Starts accepting connections on a background thread.
    public func start() {
        let fd = lock.withLock { () -> Int32 in
            running = listener >= 0
            return listener
        }
        guard fd >= 0 else { return }
        let thread = Thread { [weak self] in
            guard let self else { return }
            // This thread owns the listener from here on and closes it, under the lock, when accepting ends.
            self.acceptLoop(fd)
            self.lock.withLock {
                close(fd)
                self.listener = -1
            }
        }
        thread.name = "LoopbackHTTPServer.accept"
        acceptThread = thread
        thread.start()
    }

    /// Stops accepting, shuts every connection down and releases the port. It does not block
    /// (callers are often async tasks, and a handler may need the same threads to finish): a
    /// request already in its handler completes, but no new request is read after it returns.
    public func stop() {
        let both = Int32(SHUT_RDWR)
        // Everything under the lock: the accept thread closes the listener under the same lock,
        // so a descriptor number is never shut down after it was closed and given to someone else.
        lock.withLock {
            let wasRunning = running
            running = false
            if listener >= 0 {
                // A running accept thread owns the listener and closes it when accept() returns.
                shutdown(listener, both)
                if !wasRunning {
                    close(listener)
                    listener = -1
                }
            }
            // A connection leaves the set (under the lock) before it closes its descriptor.
            for connection in connections { shutdown(connection, both) }
        }
    }

    /// Connections open right now.
    public var openConnections: Int { lock.withLock { connections.count } }

    private func acceptLoop(_ fd: Int32) {
        while lock.withLock({ running }) {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                    continue
                }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            #if canImport(Darwin)
            setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let admitted = lock.withLock { () -> Bool? in
                guard running else { return nil }
                guard connections.count < limits.maximumConnections else { return false }
                connections.insert(client)
                return true
            }
            guard admitted == true else {
                if admitted == false { write(client, Self.status(503, "too many connections"), keepAlive: false) }
                close(client)
                continue
            }
            let thread = Thread { [weak self] in
                guard let self else { _ = close(client); return }
                self.serve(client)
                self.finish(client)
            }
            thread.start()
        }
    }

    /// Leaves the set under the lock, then closes: `stop()` never shuts down a reused descriptor.
    private func finish(_ client: Int32) {
        lock.withLock { _ = connections.remove(client) }
        close(client)
    }
}
