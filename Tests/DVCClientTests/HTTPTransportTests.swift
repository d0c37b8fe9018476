import DVCClient
import Foundation
import Testing

/// URL policy of HTTPTransport (no network). Its real-socket tests run against the sandbox's
/// loopback server (DVCTesting), per the client issue.
@Suite("HTTPTransport policy")
struct HTTPTransportTests {
    @Test(arguments: [
        ("https://dichvucong.gov.vn/api", false, true), ("https://127.0.0.1:8443/", false, true),
        ("http://dichvucong.gov.vn/api", false, false), ("http://dichvucong.gov.vn/api", true, false),
        ("http://127.0.0.1:8080/auth", false, false), ("http://127.0.0.1:8080/auth", true, true),
        ("http://127.4.5.6/", true, true), ("http://localhost:9/", true, true), ("http://[::1]:8080/", true, true),
        ("http://10.0.0.1/", true, false), ("ftp://127.0.0.1/", true, false), ("file:///etc/passwd", true, false),
    ])
    func onlyHTTPSOrAllowedLoopback(_ url: String, _ allowLoopback: Bool, _ allowed: Bool) throws {
        #expect(HTTPTransport.isAllowed(try #require(URL(string: url)), allowsInsecureLoopback: allowLoopback) == allowed)
    }

    @Test func insecureRequestsAreRefusedBeforeSending() async throws {
        let transport = HTTPTransport()
        let request = PortalRequest(url: try #require(URL(string: "http://dichvucong.gov.vn/api")), operation: "test")
        await #expect(throws: HTTPTransport.Failure(reason: .insecureURL, url: "http://dichvucong.gov.vn/api")) { try await transport.send(request) }
        #expect(transport.configuration.maximumResponseSize == 32 << 20)
    }
}
