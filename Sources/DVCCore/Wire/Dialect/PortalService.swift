/// The name of a portal service (tên dịch vụ), sent as `service` in every request body
/// (the portal's integration services, as the open-source reference one-stop system calls them). An open list:
/// adapters add services, so this is a struct. Each service DVCKit speaks is a constant next to its
/// ``PortalOperation``, in one file (`PortalOperation+Catalogue.swift`).
public struct PortalService: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The service name on the wire, e.g. `DongBoHoSoMC`.
    public let rawValue: String

    /// Creates a service name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The name.
    public var description: String { rawValue }
}
