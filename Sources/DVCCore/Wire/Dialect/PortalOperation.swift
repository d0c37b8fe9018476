/// One portal service as a typed value (thao tác): its name, whether it reads, whether sending
/// it twice is harmless, how its input becomes a ``PortalMessage``, and the type of its reply's
/// data. Every service DVCKit speaks is one of these (see `PortalOperation+Catalogue.swift`);
/// `PortalClient.send(_:_:)` sends any of them through one pipeline, over any ``PortalDialect``.
///
/// A service DVCKit does not know is one value of your own:
///
/// ```swift
/// extension PortalOperation where Input == String, Output == LossyList<ProcedureSummary> {
///     static var unitProcedures: Self {
///         PortalOperation(PortalService(rawValue: "LayDanhSachTTHCDonVi"), isRead: true) { unit in
///             PortalMessage(service: PortalService(rawValue: "LayDanhSachTTHCDonVi"), isRead: true, parameters: ["maDonVi": .text(unit)])
///         }
///     }
/// }
/// let rows = try await client.send(.unitProcedures, "000.00.00.H56")
/// ```
public struct PortalOperation<Input: Sendable, Output: Decodable & Sendable>: Sendable {
    /// The service.
    public let service: PortalService
    /// Whether the call only reads.
    public let isRead: Bool
    /// Whether sending it twice does no harm; one that is not (a progress push appends to the
    /// dossier's history) is resent only when it surely did not arrive.
    public let isIdempotent: Bool
    private let makeMessage: @Sendable (Input) -> PortalMessage

    /// Creates an operation; `message` lays its input out as a dialect-neutral message.
    public init(_ service: PortalService, isRead: Bool = false, isIdempotent: Bool = true, message: @escaping @Sendable (Input) -> PortalMessage) {
        self.service = service
        self.isRead = isRead
        self.isIdempotent = isIdempotent
        self.makeMessage = message
    }

    /// The message for `input`.
    public func message(for input: Input) -> PortalMessage {
        var message = makeMessage(input)
        message.service = service
        message.isRead = isRead
        return message
    }
}

/// The reply data of a service that answers none worth reading: whatever `result` holds (`""`,
/// `{}`, `"OK"`, as adapters answer) is accepted and dropped (xác nhận).
public struct PortalAcknowledgement: Decodable, Sendable, Hashable {
    /// Accepts any value.
    public init(from decoder: any Decoder) {}

    /// Creates an acknowledgement.
    public init() {}
}
