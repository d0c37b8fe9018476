import DVCClient
import DVCTesting
import Foundation
import Testing

/// HTTPTransport over real loopback sockets, against DVCTesting's LoopbackHTTPServer.
@Suite("HTTPTransport over loopback sockets")
struct HTTPTransportSocketTests {
    static func server(_ handler: @escaping LoopbackHTTPServer.Handler) throws -> LoopbackHTTPServer {
        let server = try LoopbackHTTPServer(handler: handler)
        server.start()
        return server
    }

    @Test func echoesHeadersAndBodiesWithKeepAlive() async throws {
        let server = try Self.server { request in
            LoopbackHTTPServer.Response(status: 200, headers: ["X-Method": request.method, "X-Path": request.target, "X-Dst": request.headers["dstcode"] ?? ""], body: request.body)
        }
        defer { server.stop() }
        #expect(server.port > 0)
        let transport = HTTPTransport(configuration: .init(allowsInsecureLoopback: true))
        for i in 0..<20 {
            let body = Data("{\"n\":\(i),\"text\":\"Nguyễn Văn An\"}".utf8)
            let response = try await transport.send(PortalRequest(url: server.baseURL.appendingPathComponent("api/integration"),
                                                                  headers: ["dstcode": "DST"], body: body, operation: "echo"))
            #expect(response.status == 200 && response.body == body)
            #expect(response.header("x-method") == "POST" && response.header("X-Path") == "/api/integration" && response.header("x-dst") == "DST")
        }
    }

    /// A request cancelled at any moment — before its task is registered, while it waits — ends at
    /// once with `CancellationError`; it used to be able to hang past its own timeout.
    @Test func aCancelledRequestEndsAtOnceWhateverTheMoment() async throws {
        let server = try Self.server { _ in
            try? await Task.sleep(for: .seconds(30))
            return LoopbackHTTPServer.Response(status: 200)
        }
        defer { server.stop() }
        let transport = HTTPTransport(configuration: .init(timeout: .seconds(60), allowsInsecureLoopback: true))
        let url = server.baseURL.appendingPathComponent("slow")
        let outcomes = await withTaskGroup(of: String.self) { group in
            // The hang detector: a request that has not ended 20 s after it was cancelled is stuck.
            for attempt in 0..<40 {
                group.addTask {
                    let request = Task { try await transport.send(PortalRequest(url: url, operation: "slow")) }
                    if attempt % 2 == 1 { try? await Task.sleep(for: .milliseconds(attempt)) }
                    request.cancel()
                    return await withTaskGroup(of: String.self) { race in
                        race.addTask {
                            do {
                                _ = try await request.value
                                return "answered"
                            } catch is CancellationError {
                                return "cancelled"
                            } catch {
                                return "failed: \(error)"
                            }
                        }
                        race.addTask {
                            try? await Task.sleep(for: .seconds(20))
                            return "hung"
                        }
                        let first = await race.next() ?? "none"
                        race.cancelAll()
                        return first
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.count == 40)
        #expect(outcomes.allSatisfy { $0 == "cancelled" }, "\(Set(outcomes))")
    }

    @Test func manyConcurrentClients() async throws {
        let server = try Self.server { request in LoopbackHTTPServer.Response(status: 200, body: request.body) }
        defer { server.stop() }
        let transport = HTTPTransport(configuration: .init(allowsInsecureLoopback: true))
        let url = server.baseURL.appendingPathComponent("x")
        let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask { try await transport.send(PortalRequest(url: url, body: Data("\(i)".utf8), operation: "c")).body == Data("\(i)".utf8) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(ok == 64)
    }

    @Test func limitsAndFaultsSurfaceAsErrors() async throws {
        let server = try LoopbackHTTPServer(maximumRequestSize: 1_000) { request in
            switch request.path {
            case "/big": return LoopbackHTTPServer.Response(status: 200, body: Data(repeating: 0x41, count: 5_000))
            case "/drop": return LoopbackHTTPServer.Response(status: 200, body: Data(repeating: 0x42, count: 2_000), closesConnectionMidway: true)
            case "/slow":
                try? await Task.sleep(for: .milliseconds(1_500))
                return LoopbackHTTPServer.Response(status: 200)
            default: return LoopbackHTTPServer.Response(status: 503, headers: ["Retry-After": "2"])
            }
        }
        server.start()
        defer { server.stop() }
        let transport = HTTPTransport(configuration: .init(maximumResponseSize: 1_000, allowsInsecureLoopback: true))
        let base = server.baseURL
        await #expect(throws: HTTPTransport.Failure(reason: .responseTooLarge, url: base.appendingPathComponent("big").absoluteString)) {
            try await transport.send(PortalRequest(method: .get, url: base.appendingPathComponent("big"), operation: "big"))
        }
        await #expect(throws: (any Error).self) { try await transport.send(PortalRequest(method: .get, url: base.appendingPathComponent("drop"), operation: "drop")) }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: HTTPTransport.Failure(reason: .timedOut, url: base.appendingPathComponent("slow").absoluteString)) {
            try await transport.send(PortalRequest(method: .get, url: base.appendingPathComponent("slow"), timeout: .milliseconds(300), operation: "slow"))
        }
        // A lower bound only (a slow machine cannot break it): the timeout did not fire at once.
        #expect(clock.now - start >= .milliseconds(300))
        let unavailable = try await transport.send(PortalRequest(method: .get, url: base.appendingPathComponent("other"), operation: "other"))
        #expect(unavailable.status == 503 && unavailable.header("Retry-After") == "2")
        let tooLarge = try await transport.send(PortalRequest(url: base.appendingPathComponent("x"), body: Data(repeating: 1, count: 2_000), operation: "post"))
        #expect(tooLarge.status == 413)
    }

    /// A `POST` redirected by 301/302/303 would arrive as a body-less `GET`: not followed, the
    /// caller sees the 3xx. 307/308 keep the method and body and are followed; a `GET` is
    /// followed on any of them; another port is never followed.
    @Test func redirectsKeepTheRequestOrAreNotFollowed() async throws {
        let other = try Self.server { _ in LoopbackHTTPServer.Response(status: 200, body: Data("other port".utf8)) }
        defer { other.stop() }
        let server = try Self.server { request in
            switch request.path {
            case "/target": return LoopbackHTTPServer.Response(status: 200, headers: ["X-Method": request.method], body: request.body)
            case "/elsewhere": return LoopbackHTTPServer.Response(status: 302, headers: ["Location": other.baseURL.appendingPathComponent("target").absoluteString])
            default: return LoopbackHTTPServer.Response(status: Int(request.path.dropFirst()) ?? 500, headers: ["Location": "/target"])
            }
        }
        defer { server.stop() }
        let transport = HTTPTransport(configuration: .init(allowsInsecureLoopback: true))
        let body = Data(#"{"session":"s","service":"DongBoHoSoMC"}"#.utf8)
        for status in [301, 302, 303, 307, 308] {
            let url = server.baseURL.appendingPathComponent(String(status))
            let post = try await transport.send(PortalRequest(url: url, body: body, operation: "post"))
            if status >= 307 {
                #expect(post.status == 200 && post.header("X-Method") == "POST" && post.body == body, "POST after \(status)")
            } else {
                #expect(post.status == status, "POST after \(status) must not become a GET")
            }
            let get = try await transport.send(PortalRequest(method: .get, url: url, operation: "get"))
            #expect(get.status == 200 && get.header("X-Method") == "GET", "GET after \(status)")
        }
        let away = try await transport.send(PortalRequest(method: .get, url: server.baseURL.appendingPathComponent("elsewhere"), operation: "get"))
        #expect(away.status == 302)
    }

    @Test func stopReleasesThePort() throws {
        let server = try LoopbackHTTPServer { _ in LoopbackHTTPServer.Response(status: 200) }
        server.start()
        let port = server.port
        server.stop()
        let again = try LoopbackHTTPServer(port: port) { _ in LoopbackHTTPServer.Response(status: 200) }
        #expect(again.port == port)
        again.stop()
    }
}
