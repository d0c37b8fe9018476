import DVCTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP client that writes exactly the bytes given: nothing a well-behaved HTTP library
/// would refuse to send is out of reach.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var closed = false

    init(port: UInt16, receiveTimeout seconds: Int = 10) throws {
        #if canImport(Darwin)
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        // On failure the initialiser throws after every property is set, so deinit closes the socket.
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Darwin)
            let n = bytes.withUnsafeBytes { Darwin.send(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset, 0) }
            #else
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            #endif
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Everything until the server closes (or the timeout), as text.
    func readToEnd() -> String {
        var result = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            result += chunk[0..<n]
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Reads until `marker` appears (or the peer closes).
    func read(until marker: String) -> String {
        var result = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while !String(decoding: result, as: UTF8.self).contains(marker) {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            result += chunk[0..<n]
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Closes once: a second close could close a descriptor number since given to another socket.
    func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        if first { _ = Foundation.close(fd) }
    }

    deinit { close() }
}

/// Runs blocking socket work on a thread of its own: blocking the test's task would starve the
/// few cooperative threads the server's handler needs (2 cores, 2 threads).
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// `dvc-sandbox` serves the sandbox to other languages' test suites: whatever arrives on the
/// socket gets an HTTP answer or a closed connection, and the server keeps serving.
@Suite("Hostile clients over real sockets")
struct HostileClientTests {
    static func exchange(_ port: UInt16, _ request: [UInt8]) throws -> String {
        let client = try RawClient(port: port)
        defer { client.close() }
        client.send(request)
        return client.readToEnd()
    }

    static func stillServes(_ port: UInt16) throws -> Bool {
        try exchange(port, Array("GET /_sandbox/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200")
    }

    static let bigHeader = "GET / HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"

    /// Each row: what a client sends, the status line the server must answer with.
    @Test(arguments: [
        ("GET /anything?= HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 404"),
        ("GET /_sandbox/state?limit=-1&=&&=x HTTP/1.1\r\nConnection: close\r\n\r\n", "HTTP/1.1 200"),
        (bigHeader, "HTTP/1.1 431"),
        ("GET / HTTP/1.1\r\n" + String(repeating: "X-A: 1\r\n", count: 101) + "\r\n", "HTTP/1.1 431"),
        ("POST /payment HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "HTTP/1.1 400"),
        ("POST /payment HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400"),
        ("POST /payment HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello", "HTTP/1.1 400"),
        ("POST /payment HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", "HTTP/1.1 400"),
        ("POST /payment HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n", "HTTP/1.1 413"),
        ("POST /payment HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 411"),
        ("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", "HTTP/1.1 400"),
        ("GET / HTTP/1.1\r\nX-A: \u{0}\r\n\r\n", "HTTP/1.1 400"),
        ("\u{1}\u{2}\u{3} garbage\r\n\r\n", "HTTP/1.1 400"),
        ("GET\r\n\r\n", "HTTP/1.1 400"),
        ("GET http://evil.example/ HTTP/1.1\r\n\r\n", "HTTP/1.1 400"),
        ("GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 400"),
        ("GET /oidc/authorize?client_id=sandbox-client&redirect_uri=https://x.vn/cb%0d%0aSet-Cookie:%20a=b&state=s&code_challenge_method=S256&code_challenge=c HTTP/1.1\r\nConnection: close\r\n\r\n",
         "HTTP/1.1 400"),
    ])
    func everyHostileRequestGetsAnAnswerAndTheServerLives(request: String, status: String) async throws {
        let server = try PortalSandbox().serve()
        defer { server.stop() }
        let answer = try await offThePool { try Self.exchange(server.port, Array(request.utf8)) }
        #expect(answer.hasPrefix(status), "\(answer.prefix(120))")
        #expect(!answer.contains("Set-Cookie"), "no header was injected")
        #expect(try await offThePool { try Self.stillServes(server.port) })
    }

    @Test func expectContinueIsHonoured() async throws {
        let server = try PortalSandbox().serve()
        defer { server.stop() }
        let (interim, final) = try await offThePool {
            let client = try RawClient(port: server.port)
            defer { client.close() }
            client.send("POST /payment HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
            let interim = client.read(until: "\r\n\r\n")
            client.send("{}")
            return (interim, client.readToEnd())
        }
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue"))
        #expect(final.hasPrefix("HTTP/1.1 200"))
    }

    @Test func slowClientsAreDisconnectedAndDoNotBlockOthers() async throws {
        let server = try PortalSandbox().serve(limits: .init(requestTimeout: .seconds(1)))
        defer { server.stop() }
        let slow = try RawClient(port: server.port, receiveTimeout: 20)
        defer { slow.close() }
        slow.send("GET /_sandbox/state HTTP/1.1\r\nX-Slow: ")
        #expect(try await offThePool { try Self.stillServes(server.port) }, "others are served meanwhile")
        #expect(try await offThePool { slow.readToEnd() }.isEmpty, "the slow request is dropped without an answer")
    }

    /// A suite whose other tests hold every cooperative thread with synchronous work must not
    /// silence the sandbox: its handlers run on threads of their own.
    @Test func theServerAnswersWhileEveryCooperativeThreadIsBusy() async throws {
        let server = try PortalSandbox().serve()
        defer { server.stop() }
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var set = false
            var isSet: Bool { lock.withLock { set } }
            func raise() { lock.withLock { set = true } }
        }
        let release = Flag()
        for _ in 0..<ProcessInfo.processInfo.activeProcessorCount {
            Task.detached { while !release.isSet { usleep(100) } }   // holds a cooperative thread
        }
        let port = server.port
        let answer = try await offThePool { () -> String in
            defer { release.raise() }
            usleep(200_000)   // the spinners take the pool's threads
            let client = try RawClient(port: port, receiveTimeout: 5)
            defer { client.close() }
            client.send("GET /_sandbox/state HTTP/1.1\r\nConnection: close\r\n\r\n")
            return client.readToEnd()
        }
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(80))")
    }

    @Test func connectionsBeyondTheLimitAreRefusedWith503() async throws {
        let server = try PortalSandbox().serve(limits: .init(maximumConnections: 3))
        defer { server.stop() }
        let idle = try (0..<3).map { _ in try RawClient(port: server.port) }
        defer { idle.forEach { $0.close() } }
        for client in idle { client.send("GET /_sandbox/state HTTP/1.1\r\n") }   // incomplete: each holds a slot
        var waited = 0
        while server.openConnections < 3, waited < 500 { usleep(10_000); waited += 1 }
        #expect(try await offThePool { try Self.exchange(server.port, Array("GET /_sandbox/state HTTP/1.1\r\n\r\n".utf8)) }.hasPrefix("HTTP/1.1 503"))
        idle.forEach { $0.close() }
        waited = 0
        while server.openConnections > 0, waited < 500 { usleep(10_000); waited += 1 }
        #expect(try await offThePool { try Self.stillServes(server.port) })
    }

    @Test func handlersCannotSplitResponses() async throws {
        let server = try LoopbackHTTPServer { _ in LoopbackHTTPServer.Response(status: 302, headers: ["Location": "/x\r\nSet-Cookie: a=b"]) }
        server.start()
        defer { server.stop() }
        let answer = try await offThePool { try Self.exchange(server.port, Array("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)) }
        #expect(answer.hasPrefix("HTTP/1.1 500") && !answer.contains("Set-Cookie"))
    }

    @Test func otherMachinesMustBeAskedForExplicitly() {
        #expect(throws: LoopbackHTTPServer.StartError.self) { try LoopbackHTTPServer(host: "0.0.0.0") { _ in .init(status: 200) } }
    }

    @Test func stopClosesConnectionsAndServesNothingAfter() throws {
        let server = try PortalSandbox().serve()
        let client = try RawClient(port: server.port)
        defer { client.close() }
        client.send("GET /_sandbox/state HTTP/1.1\r\n")
        var waited = 0
        while server.openConnections < 1, waited < 500 { usleep(10_000); waited += 1 }
        server.stop()
        waited = 0
        while server.openConnections > 0, waited < 500 { usleep(10_000); waited += 1 }
        #expect(server.openConnections == 0)
        #expect(throws: (any Error).self) { try RawClient(port: server.port) }
    }
}
