/// `URL` appears in this file's public API.
public import Foundation
/// `Transport` appears in this file's public API.
public import DVCClient

extension PortalSandbox {
    /// How a client reaches the sandbox (đường kết nối): in process, or over real sockets.
    public enum Route: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Through ``PortalSandbox/transport``: no sockets, deterministic, fastest.
        case inProcess = "in process"
        /// Over HTTP on 127.0.0.1 through `HTTPTransport`, as a deployed client would talk.
        case loopback = "loopback HTTP"

        /// The raw value.
        public var description: String { rawValue }
    }

    /// What a `PortalClient` needs to reach this sandbox by one route: the transport and the
    /// adapter URL to put in its configuration, and the server to stop for ``Route/loopback``.
    public struct Endpoint: Sendable {
        /// The route.
        public let route: Route
        /// The transport to give the client.
        public let transport: any Transport
        /// The adapter URL to give the client.
        public let adapterURL: URL
        /// The HTTP server, for ``Route/loopback``; stop it when done (``stop()``).
        public let server: LoopbackHTTPServer?

        /// Stops the server, if there is one.
        public func stop() { server?.stop() }
    }

    /// An endpoint for reaching this sandbox by `route`; ``Route/loopback`` starts a server on an
    /// ephemeral port and an `HTTPTransport` that allows plain HTTP to loopback only.
    /// - Throws: when the server cannot listen.
    public func endpoint(_ route: Route) throws -> Endpoint {
        switch route {
        case .inProcess:
            return Endpoint(route: route, transport: transport, adapterURL: Self.inProcessURL, server: nil)
        case .loopback:
            let server = try serve()
            return Endpoint(route: route, transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)), adapterURL: server.baseURL, server: server)
        }
    }
}
