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
/// concurrent connections, and shuts down cleanly. It is not a general-purpose web server.
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

    /// The address bound (default `127.0.0.1`).
    public let host: String
    /// The port bound (the one picked when 0 was asked for).
    public private(set) var port: UInt16 = 0
    /// The largest request accepted (header and body), in bytes.
    public let maximumRequestSize: Int

    private let handler: Handler
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var running = false
    private var acceptThread: Thread?

    /// Binds and listens on `host:port` (port 0 picks a free one), without serving yet.
    public init(host: String = "127.0.0.1", port: UInt16 = 0, maximumRequestSize: Int = 16 << 20, handler: @escaping Handler) throws {
        self.host = host
        self.maximumRequestSize = maximumRequestSize
        self.handler = handler
        #if canImport(Darwin)
        let stream = SOCK_STREAM
        #else
        let stream = Int32(SOCK_STREAM.rawValue)
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

    deinit { stop() }

    /// The base URL, e.g. `http://127.0.0.1:50123`.
    public var baseURL: URL { URL(string: "http://\(host):\(port)") ?? URL(fileURLWithPath: "/") }

    /// Starts accepting connections on a background thread.
    public func start() {
        lock.withLock { running = true }
        let thread = Thread { [weak self] in self?.acceptLoop() }
        thread.name = "LoopbackHTTPServer.accept"
        acceptThread = thread
        thread.start()
    }

    /// Stops accepting, closes every connection, and releases the port.
    public func stop() {
        let (fd, open) = lock.withLock { () -> (Int32, Set<Int32>) in
            running = false
            let fd = listener
            listener = -1
            return (fd, connections)
        }
        let both = Int32(SHUT_RDWR)
        if fd >= 0 {
            shutdown(fd, both)
            close(fd)
        }
        for connection in open { shutdown(connection, both) }
    }

    /// Connections open right now.
    public var openConnections: Int { lock.withLock { connections.count } }

    // MARK: - Serving

    private func acceptLoop() {
        while true {
            let fd = lock.withLock { running ? listener : -1 }
            guard fd >= 0 else { return }
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            #if canImport(Darwin)
            setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            lock.withLock { _ = connections.insert(client) }
            let thread = Thread { [weak self] in
                self?.serve(client)
                close(client)
                self?.lock.withLock { _ = self?.connections.remove(client) }
            }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            // Read until the end of the header block.
            var headerEnd: Int?
            while headerEnd == nil {
                if let end = Self.find([13, 10, 13, 10], in: buffer) { headerEnd = end; break }
                if buffer.count > 65_536 { return write(fd, Self.status(431, "header too large"), keepAlive: false) }
                let n = recv(fd, &chunk, chunk.count, 0)
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            guard let end = headerEnd else { return }
            guard let (method, target, version, headers) = Self.parseHead(Array(buffer[0..<end])) else {
                return write(fd, Self.status(400, "malformed request"), keepAlive: false)
            }
            buffer.removeFirst(end + 4)
            if headers["transfer-encoding"] != nil { return write(fd, Self.status(411, "send a Content-Length"), keepAlive: false) }
            let length = Int(headers["content-length"] ?? "0") ?? -1
            guard length >= 0 else { return write(fd, Self.status(400, "bad Content-Length"), keepAlive: false) }
            guard length <= maximumRequestSize else { return write(fd, Self.status(413, "request too large"), keepAlive: false) }
            while buffer.count < length {
                let n = recv(fd, &chunk, chunk.count, 0)
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            let body = Data(buffer[0..<length])
            buffer.removeFirst(length)
            let keepAlive = version == "HTTP/1.1" ? headers["connection"]?.lowercased() != "close" : headers["connection"]?.lowercased() == "keep-alive"
            let response = respond(to: Request(method: method, target: target, headers: headers, body: body))
            if response.closesConnectionMidway {
                let bytes = Self.serialize(response, keepAlive: true)
                _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, bytes.count / 2, Self.sendFlags) }
                return
            }
            write(fd, response, keepAlive: keepAlive)
            if !keepAlive { return }
        }
    }

    /// Runs the async handler from this connection's thread.
    private func respond(to request: Request) -> Response {
        final class Box: @unchecked Sendable { var response = Response(status: 500) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let handler = self.handler
        Task {
            box.response = await handler(request)
            done.signal()
        }
        done.wait()
        return box.response
    }

    private func write(_ fd: Int32, _ response: Response, keepAlive: Bool) {
        let bytes = Self.serialize(response, keepAlive: keepAlive)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Self.sendFlags) }
            if n <= 0 { return }
            offset += n
        }
    }

    #if canImport(Darwin)
    static let sendFlags: Int32 = 0
    #else
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    static func serialize(_ response: Response, keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
        var headers = response.headers
        headers["Content-Length"] = String(response.body.count)
        headers["Connection"] = keepAlive ? "keep-alive" : "close"
        if headers["Content-Type"] == nil && !response.body.isEmpty { headers["Content-Type"] = "application/json; charset=utf-8" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + Array(response.body)
    }

    static func status(_ code: Int, _ message: String) -> Response {
        Response(status: code, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(message.utf8))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for i in 0...(bytes.count - pattern.count) where bytes[i] == pattern[0] && Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
        return nil
    }

    static func parseHead(_ bytes: [UInt8]) -> (String, String, String, [String: String])? {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ").map(String.init) ?? []
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (parts[0], parts[1], parts[2], headers)
    }
}
