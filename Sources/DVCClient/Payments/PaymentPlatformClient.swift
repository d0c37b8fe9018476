/// `URL`, `Data` and `Duration` appear in this file's public API.
public import Foundation
/// The client takes and returns DVCCore's payment models.
public import DVCCore

/// A payment the one-stop system initiated, as it must remember it to verify the callback.
public struct InitiatedPayment: Sendable, Hashable, Codable {
    /// The reference sent as `MaThamChieu`.
    public var reference: String
    /// The amount in VND.
    public var amount: Int
    /// The dossier paid for.
    public var dossierCode: String?

    /// Creates a record.
    public init(reference: String, amount: Int, dossierCode: String? = nil) {
        self.reference = reference
        self.amount = amount
        self.dossierCode = dossierCode
    }
}

/// The national payment platform (nền tảng thanh toán, PP DVCQG; `spec/portal-protocol.md` §13.1):
/// create a payment (`INIT`), ask its state (`QUERY`), fetch the receipt (`GET_BILL`), and verify
/// and answer the confirm callback.
///
/// `INIT` is not retried (sending it twice could create two payments); `QUERY` and `GET_BILL` are
/// read-only and follow the retry policy.
public struct PaymentPlatformClient: Sendable {
    /// The platform account. ``description`` never shows the secret.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The platform's endpoint.
        public var endpoint: URL
        /// The partner code (`MaDoiTac`).
        public var partnerCode: String
        /// The shared secret appended to every checksum. Secret.
        public var secret: String
        /// The protocol version (`PhienBan`).
        public var version: String
        /// This server's IPv4 address (`Ip`).
        public var ipAddress: String
        /// How long to wait (the reference system uses 60 s).
        public var timeout: Duration
        /// Retry policy for `QUERY` and `GET_BILL`.
        public var retryPolicy: RetryPolicy
        /// Where events go.
        public var eventSink: (any PortalEventSink)?
        /// The fields the checksum of our reply to a confirm callback covers, in order. The
        /// platform does not document it **[U]**; the default follows its other messages.
        public var replyChecksumFields: [PaymentConfirmationReply.Field]

        /// Creates a configuration.
        public init(endpoint: URL, partnerCode: String, secret: String, ipAddress: String, version: String = "1.0.6",
                    timeout: Duration = .seconds(60), retryPolicy: RetryPolicy = .default, eventSink: (any PortalEventSink)? = nil,
                    replyChecksumFields: [PaymentConfirmationReply.Field] = PaymentConfirmationReply.defaultChecksumFields) {
            self.replyChecksumFields = replyChecksumFields
            self.endpoint = endpoint
            self.partnerCode = partnerCode
            self.secret = secret
            self.ipAddress = ipAddress
            self.version = version
            self.timeout = timeout
            self.retryPolicy = retryPolicy
            self.eventSink = eventSink
        }

        /// The endpoint and partner, without the secret.
        public var description: String { "PaymentPlatform(\(endpoint.absoluteString), partner: \(partnerCode), secret: <redacted>)" }
    }

    /// The configuration.
    public let configuration: Configuration
    private let once: any Transport
    private let retrying: any Transport

    /// Creates a client.
    public init(configuration: Configuration, transport: any Transport, sleeper: any Sleeper = TaskSleeper()) {
        self.configuration = configuration
        let events: [any PortalMiddleware] = configuration.eventSink.map { [EventMiddleware(sink: $0)] } ?? []
        once = MiddlewareTransport(transport, middleware: events)
        retrying = MiddlewareTransport(transport, middleware: [RetryMiddleware(policy: configuration.retryPolicy, sleeper: sleeper, events: configuration.eventSink)] + events)
    }

    /// Creates a payment and returns the platform's reply, whose ``PaymentReply/paymentURL`` the
    /// citizen is sent to. Remember the returned ``InitiatedPayment`` to verify the callback.
    public func initiate(reference: String, amount: Int, description: String, receipt: PaymentReceipt,
                         at time: PortalTimestamp = .now) async throws(PortalError) -> (reply: PaymentReply, payment: InitiatedPayment) {
        var request = PaymentRequest(partnerCode: configuration.partnerCode, reference: reference, amount: amount, description: description,
                                     transactionTime: time, ipAddress: configuration.ipAddress, receipt: receipt)
        request.version = configuration.version
        request.checksum = PaymentChecksum.platform(request.checksumValues, secret: configuration.secret)
        let reply = try await send(request, operation: "INIT", through: once)
        guard reply.result == .success, reply.paymentURL != nil else {
            throw PortalError(code: .rejected, operation: "INIT", portalCode: reply.result.wireValue, portalMessage: reply.message)
        }
        return (reply, InitiatedPayment(reference: reference, amount: amount, dossierCode: receipt.dossierCode))
    }

    /// The state of a payment (`QUERY`): paid, pending (ask again later) or failed.
    public func state(of reference: String, at time: PortalTimestamp = .now) async throws(PortalError) -> PaymentTransactionState {
        let reply = try await send(lookup(.query, reference, time), operation: "QUERY", through: retrying)
        guard let state = reply.state else {
            throw PortalError(code: .invalidResponse, operation: "QUERY", portalCode: reply.result.wireValue, portalMessage: reply.message ?? "no TrangThaiGD")
        }
        return state
    }

    /// The receipt (`GET_BILL`), as the platform returns it (JSON or a PDF: sources disagree).
    public func bill(for reference: String, at time: PortalTimestamp = .now) async throws(PortalError) -> Data {
        try await raw(lookup(.getBill, reference, time), operation: "GET_BILL", through: retrying).body
    }

    /// Verifies a confirm callback body: well-formed, checksum (constant time), partner, and
    /// reference and amount against the payment initiated (`initiated(reference)`).
    public func verifyCallback(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> PaymentConfirmation {
        let confirmation: PaymentConfirmation
        do { confirmation = try PortalJSON.decode(PaymentConfirmation.self, from: body) } catch let error as WireDecodingError {
            throw PaymentCallbackError(.malformed(error.issues.map(\.path)))
        } catch {
            throw PaymentCallbackError(.malformed(["body"]))
        }
        let expected = PaymentChecksum.platform(confirmation.checksumValues, secret: configuration.secret)
        guard PaymentChecksum.matches(confirmation.checksum, expected) else { throw PaymentCallbackError(.checksumMismatch) }
        guard confirmation.partnerCode == configuration.partnerCode else { throw PaymentCallbackError(.partnerMismatch) }
        guard let payment = initiated(confirmation.reference) else { throw PaymentCallbackError(.unknownReference(confirmation.reference)) }
        guard payment.amount == confirmation.amount else {
            throw PaymentCallbackError(.amountMismatch(expected: payment.amount, received: confirmation.amount))
        }
        return confirmation
    }

    /// The reply to send back: `00` when the callback was verified, `99` with the reason otherwise.
    public func reply(to body: Data, initiated: (String) -> InitiatedPayment?, at time: PortalTimestamp = .now) -> (reply: PaymentConfirmationReply, confirmation: PaymentConfirmation?) {
        let fields = JSONLimits.standard.jsonObject(body)
        let reference = fields?["MaThamChieu"] as? String ?? ""
        var reply: PaymentConfirmationReply
        var verified: PaymentConfirmation?
        do throws(PaymentCallbackError) {
            verified = try verifyCallback(body, initiated: initiated)
            reply = PaymentConfirmationReply(result: .success, message: "", partnerCode: configuration.partnerCode, reference: reference, transactionTime: time)
        } catch {
            reply = PaymentConfirmationReply(result: .otherError, message: error.description, partnerCode: configuration.partnerCode, reference: reference, transactionTime: time)
        }
        reply.checksum = PaymentChecksum.platform(reply.checksumValues(configuration.replyChecksumFields), secret: configuration.secret)
        return (reply, verified)
    }

    // MARK: - Internals

    private func lookup(_ type: PaymentMessageType, _ reference: String, _ time: PortalTimestamp) -> PaymentLookup {
        var lookup = PaymentLookup(messageType: type, partnerCode: configuration.partnerCode, reference: reference, transactionTime: time, version: configuration.version)
        lookup.checksum = PaymentChecksum.platform(lookup.checksumValues, secret: configuration.secret)
        return lookup
    }

    private func send(_ message: some Encodable, operation: String, through transport: any Transport) async throws(PortalError) -> PaymentReply {
        let response = try await raw(message, operation: operation, through: transport)
        do { return try PortalJSON.decode(PaymentReply.self, from: response.body) } catch {
            throw PortalError(code: .invalidResponse, operation: operation, httpStatus: response.status, underlying: error)
        }
    }

    private func raw(_ message: some Encodable, operation: String, through transport: any Transport) async throws(PortalError) -> PortalResponse {
        let request = PortalRequest(url: configuration.endpoint, headers: ["Content-Type": "application/json", "Accept": "application/json"],
                                    body: try Exchange.body(message, operation: operation), timeout: configuration.timeout, operation: operation)
        return try await Exchange(transport: transport).send(request)
    }
}
