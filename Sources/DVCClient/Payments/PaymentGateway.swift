/// `URL` and `Data` appear in this file's public API.
public import Foundation
/// Payments refer to DVCCore's models.
public import DVCCore

/// A payment to start, whatever the gateway (thanh toán).
public struct PaymentOrder: Sendable, Hashable {
    /// The reference the gateway echoes back (`MaThamChieu`, `transaction_id`, `orderId`).
    public var reference: String
    /// The amount in VND.
    public var amount: Int
    /// What is paid, shown to the citizen.
    public var description: String
    /// What the payment is for (fees of a dossier, or a fine).
    public var receipt: PaymentReceipt
    /// Where the gateway sends the citizen back (KeyPay, PayGov).
    public var returnURL: URL?
    /// When the order is placed: PayGov's `requestCode` carries it, so each attempt is unique.
    public var createdAt: Date

    /// Creates an order.
    public init(reference: String, amount: Int, description: String, receipt: PaymentReceipt, returnURL: URL? = nil, createdAt: Date = Date()) {
        self.reference = reference
        self.amount = amount
        self.description = description
        self.receipt = receipt
        self.returnURL = returnURL
        self.createdAt = createdAt
    }
}

/// A payment gateway: start a payment (get the URL to send the citizen to) and verify its
/// callback. The national platform, KeyPay and PayGov all conform, so a province switches
/// gateways by configuration.
public protocol PaymentGateway: PaymentCallbackVerifier {
    /// Starts a payment and returns where to send the citizen, and what to remember.
    func initiate(_ order: PaymentOrder) async throws(PortalError) -> (paymentURL: URL, payment: InitiatedPayment)
}

extension PaymentPlatformClient: PaymentGateway {
    /// Starts a payment with `INIT`.
    public func initiate(_ order: PaymentOrder) async throws(PortalError) -> (paymentURL: URL, payment: InitiatedPayment) {
        let (reply, payment) = try await initiate(reference: order.reference, amount: order.amount, description: order.description, receipt: order.receipt)
        guard let text = reply.paymentURL, let url = URL(string: text) else {
            throw PortalError(code: .invalidResponse, operation: "INIT", portalMessage: "UrlThanhToan is not a URL")
        }
        return (url, payment)
    }
}

/// A gateway client for KeyPay or PayGov: the gateway's definition plus where and how to send.
public struct PaymentGatewayClient<Definition: PaymentGatewayDefinition>: PaymentGateway {
    /// The gateway (keys, partner codes).
    public let gateway: Definition
    /// The create-transaction endpoint.
    public let endpoint: URL
    /// The transaction look-up endpoint (KeyPay's `detail_transaction`), when the gateway has one.
    public let lookupEndpoint: URL?
    let transport: any Transport

    /// Creates a client; create requests are not retried (creating a payment twice must not happen).
    public init(gateway: Definition, endpoint: URL, lookupEndpoint: URL? = nil, transport: any Transport) {
        self.gateway = gateway
        self.endpoint = endpoint
        self.lookupEndpoint = lookupEndpoint
        self.transport = transport
    }

    /// Starts a payment.
    public func initiate(_ order: PaymentOrder) async throws(PortalError) -> (paymentURL: URL, payment: InitiatedPayment) {
        let operation = "\(Definition.self)-create"
        let request: PortalRequest
        do { request = try gateway.createRequest(order, endpoint: endpoint) } catch {
            throw PortalError(code: .invalidRequest, operation: operation, underlying: error)
        }
        let response = try await Exchange(transport: transport).send(request)
        guard let url = gateway.paymentURL(from: response.body) else {
            let message = JSONLimits.standard.jsonObject(response.body)?["msg"] as? String
            throw PortalError(code: .rejected, operation: operation, portalMessage: message, httpStatus: response.status)
        }
        return (url, InitiatedPayment(reference: gateway.reference(for: order), amount: order.amount, dossierCode: order.receipt.dossierCode))
    }

    /// The reference a callback names, by the gateway's rules.
    public func reference(in body: Data) -> String? { gateway.reference(in: body) }

    /// Verifies a callback with the gateway's rules.
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        try gateway.verify(body, initiated: initiated)
    }
}

/// How a gateway builds its create request and reads its reply (KeyPay, PayGov).
public protocol PaymentGatewayDefinition: PaymentCallbackVerifier {
    /// The create-transaction request for `order`.
    func createRequest(_ order: PaymentOrder, endpoint: URL) throws -> PortalRequest
    /// The payment URL in a create reply, or `nil` when the gateway refused.
    func paymentURL(from reply: Data) -> URL?
    /// The reference the gateway's callback will carry for `order`.
    func reference(for order: PaymentOrder) -> String
}

extension KeyPayGateway: PaymentGatewayDefinition {
    /// `POST` JSON: `client_id`, `transaction_id`, `trans_amount`, `command`, `version`, `description`,
    /// `locale`, `country_code`, `currency_code`, `environment`, `bill_info`, `return_url`,
    /// `addition_fee`, `check_sum` (§13.2).
    public func createRequest(_ order: PaymentOrder, endpoint: URL) throws -> PortalRequest {
        let billInfo = try JSONSerialization.jsonObject(with: try PortalJSON.encode(order.receipt))
        let fields: [String: Any] = [
            "client_id": clientID, "transaction_id": order.reference, "trans_amount": String(order.amount), "command": command,
            "version": version, "description": order.description, "locale": "vn", "country_code": "vi", "currency_code": "VND",
            "environment": "1", "bill_info": billInfo,
            "return_url": order.returnURL?.absoluteString ?? "", "addition_fee": "0",
            "check_sum": createChecksum(transactionID: order.reference, amount: order.amount),
        ]
        let body = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return PortalRequest(url: endpoint, headers: ["Content-Type": "application/json"], body: body, operation: "keypay-create")
    }

    /// `error` `"0"` and `payment_url`.
    public func paymentURL(from reply: Data) -> URL? {
        guard let object = JSONLimits.standard.jsonObject(reply) else { return nil }
        let error = (object["error"] as? String) ?? (object["error"] as? NSNumber)?.stringValue
        guard error == "0", let text = object["payment_url"] as? String else { return nil }
        return URL(string: text)
    }

    /// The order's reference (`transaction_id`).
    public func reference(for order: PaymentOrder) -> String { order.reference }
}

extension PayGovGateway: PaymentGatewayDefinition {
    /// `POST` with `Authorization: Bearer` and `lgspaccesstoken` when set; body (strings):
    /// `partnerCode`, `returnUrl`, `orderId`, `amount`, `orderInfo`, `requestCode`, `ipAddress`,
    /// `accessKey`, `serviceCode`, `checksum` (§13.3). The order's reference is the `orderId`.
    public func createRequest(_ order: PaymentOrder, endpoint: URL) throws -> PortalRequest {
        let requestCode = Self.requestCode(reference: order.reference, at: order.createdAt)
        let fields = [
            "partnerCode": partnerCode, "returnUrl": order.returnURL?.absoluteString ?? "", "orderId": order.reference,
            "amount": String(order.amount), "orderInfo": Self.withoutDiacritics(order.description), "requestCode": requestCode,
            "ipAddress": ipAddress, "accessKey": accessKey, "serviceCode": serviceCode,
            "checksum": checksum(orderID: order.reference, requestCode: requestCode, amount: order.amount),
        ]
        var headers = ["Content-Type": "application/json"]
        if let bearerToken { headers["Authorization"] = "Bearer \(bearerToken)" }
        if let lgspAccessToken { headers["lgspaccesstoken"] = lgspAccessToken }
        return PortalRequest(url: endpoint, headers: headers, body: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]),
                             operation: "paygov-create")
    }

    /// `requestCode`: the reference followed by the order time in epoch milliseconds (§13.3 gives
    /// `<dossierId><epoch ms>`), so a second attempt at the same order is a new request.
    public static func requestCode(reference: String, at time: Date) -> String {
        reference + String(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// `data.url`.
    public func paymentURL(from reply: Data) -> URL? {
        guard let object = JSONLimits.standard.jsonObject(reply),
              let data = object["data"] as? [String: Any], let text = data["url"] as? String else { return nil }
        return URL(string: text)
    }

    /// The order's reference (`orderId`).
    public func reference(for order: PaymentOrder) -> String { order.reference }

    /// PayGov wants the order information without Vietnamese diacritics.
    static func withoutDiacritics(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive], locale: Locale(identifier: "vi_VN"))
            .replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
    }
}
