import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection's requests: reading within the limits, answering, and writing safely.
extension LoopbackHTTPServer {
    /// A request head, parsed.
    package struct Head {
        package var method: String, target: String, version: String
        package var headers: [String: String]
    }

    /// Why a request head is refused.
    package enum HeadError: Error {
        case malformed(String)
        case conflictingLength
        case tooManyHeaders
    }

    func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let timeout = Double(limits.requestTimeout.components.seconds) + Double(limits.requestTimeout.components.attoseconds) / 1e18
        while true {
            let deadline = Date().addingTimeInterval(timeout)
            /// Reads more; `false` when the peer closed, failed, or the request's deadline passed.
            func receive() -> Bool {
                while true {
                    let n = recv(fd, &chunk, chunk.count, 0)
                    if n > 0 {
                        buffer.append(contentsOf: chunk[0..<n])
                        return true
                    }
                    let timedOut = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    guard timedOut, Date() < deadline, isRunning else { return false }
                }
            }
            // Read until the end of the header block, searching only the new bytes.
            var headerEnd: Int?
            var searched = 0
            while headerEnd == nil {
                if let end = Self.find([13, 10, 13, 10], in: buffer, from: max(0, searched - 3)) { headerEnd = end; break }
                searched = buffer.count
                if buffer.count > limits.maximumHeaderSize { return write(fd, Self.status(431, "header too large"), keepAlive: false) }
                guard receive() else { return }
            }
            guard let end = headerEnd, end <= limits.maximumHeaderSize else { return write(fd, Self.status(431, "header too large"), keepAlive: false) }
            let head: Head
            do { head = try Self.parseHead(buffer[0..<end], maximumHeaderCount: limits.maximumHeaderCount) } catch {
                if case .tooManyHeaders = error { return write(fd, Self.status(431, "more than \(limits.maximumHeaderCount) header fields"), keepAlive: false) }
                if case .conflictingLength = error { return write(fd, Self.status(400, "conflicting Content-Length headers"), keepAlive: false) }
                if case .malformed(let why) = error { return write(fd, Self.status(400, "malformed request: \(why)"), keepAlive: false) }
                return
            }
            buffer.removeFirst(end + 4)
            if head.headers["transfer-encoding"] != nil { return write(fd, Self.status(411, "send a Content-Length"), keepAlive: false) }
            let length: Int
            if let text = head.headers["content-length"] {
                guard !text.isEmpty, text.utf8.allSatisfy({ $0 &- 0x30 < 10 }), let value = Int(text) else {
                    return write(fd, Self.status(400, "bad Content-Length"), keepAlive: false)
                }
                length = value
            } else {
                length = 0
            }
            guard length <= limits.maximumRequestSize - end else { return write(fd, Self.status(413, "request too large"), keepAlive: false) }
            if length > buffer.count, head.headers["expect"]?.lowercased() == "100-continue" {
                sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            while buffer.count < length {
                guard receive() else { return }
            }
            let body = Data(buffer[0..<length])
            buffer.removeFirst(length)
            guard isRunning else { return }
            let connection = head.headers["connection"]?.lowercased()
            let keepAlive = head.version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive"
            var response = respond(to: Request(method: head.method, target: head.target, headers: head.headers, body: body))
            if !Self.isSafe(response.headers) { response = Self.status(500, "the handler answered a header that would split the response") }
            if response.closesConnectionMidway {
                let bytes = Self.serialize(response, keepAlive: true)
                _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, bytes.count / 2, Self.sendFlags) }
                return
            }
            write(fd, response, keepAlive: keepAlive && isRunning)
            if !keepAlive || !isRunning { return }
        }
    }

    private var isRunning: Bool { lock.withLock { running } }

    /// Runs the async handler from this connection's thread.
    private func respond(to request: Request) -> Response {
        final class Box: @unchecked Sendable { var response = Response(status: 500) }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let handler = self.handler
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *) {
            // Off the cooperative pool, so that busy tests around the server cannot starve it.
            Task(executorPreference: HandlerExecutor.shared) {
                box.response = await handler(request)
                done.signal()
            }
        } else {
            Task {
                box.response = await handler(request)
                done.signal()
            }
        }
        done.wait()
        return box.response
    }

    func write(_ fd: Int32, _ response: Response, keepAlive: Bool) {
        sendAll(fd, Self.serialize(response, keepAlive: keepAlive))
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
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

    /// Whether every header name is a token and no value holds CR, LF or NUL.
    static func isSafe(_ headers: [String: String]) -> Bool {
        headers.allSatisfy { name, value in
            !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
                && !value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
        }
    }

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
        case 100: "Continue"
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

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else { return nil }
        for i in start...(bytes.count - pattern.count) where bytes[i] == pattern[0] && bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
        return nil
    }

    /// The request line and headers: names lower-cased, repeated headers joined with `, `
    /// (conflicting `Content-Length`s refused), folded lines refused (RFC 9112 §5.2).
    package static func parseHead(_ bytes: ArraySlice<UInt8>, maximumHeaderCount: Int = 100) throws(HeadError) -> Head {
        guard !bytes.contains(0) else { throw .malformed("NUL byte") }
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ", omittingEmptySubsequences: false).map(String.init) ?? []
        guard parts.count == 3, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else { throw .malformed("request line") }
        guard !parts[0].isEmpty, parts[0].utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { throw .malformed("method") }
        guard parts[1].hasPrefix("/") else { throw .malformed("target") }
        var headers: [String: String] = [:]
        guard lines.count - 1 <= maximumHeaderCount else { throw .tooManyHeaders }
        for line in lines.dropFirst() where !line.isEmpty {
            guard let first = line.first, first != " ", first != "\t" else { throw .malformed("folded header line") }
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line") }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, !name.contains(" ") else { throw .malformed("header name") }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let existing = headers[name] {
                if name == "content-length" {
                    guard existing == value else { throw .conflictingLength }
                    continue
                }
                headers[name] = existing + ", " + value
            } else {
                headers[name] = value
            }
        }
        return Head(method: parts[0], target: parts[1], version: parts[2], headers: headers)
    }
}
