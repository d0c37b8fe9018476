/// `Data` appears in this file's public API.
public import Foundation
import DVCCore

/// A payment callback that proved itself: what was paid, for which reference.
public struct VerifiedPayment: Sendable, Hashable {
    /// The reference given when the payment was created.
    public var reference: String
    /// The amount paid in VND.
    public var amount: Int
    /// Whether the gateway reports it as paid (rather than failed or cancelled).
    public var isPaid: Bool
    /// The gateway's transaction id.
    public var transactionID: String
}

/// Verifies a gateway's payment callback, whatever the gateway: the national platform, KeyPay or a
/// provincial PayGov — so a province switches gateways by configuration, not by code.
public protocol PaymentCallbackVerifier: Sendable {
    /// Verifies `body` against the payments initiated; throws why it is refused.
    func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment
}

extension PaymentPlatformClient: PaymentCallbackVerifier {
    /// Verifies a national-platform confirm callback (see ``verifyCallback(_:initiated:)``).
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        let confirmation = try verifyCallback(body, initiated: initiated)
        return VerifiedPayment(reference: confirmation.reference, amount: confirmation.amount, isPaid: confirmation.isPaid, transactionID: confirmation.transactionID)
    }
}

/// KeyPay acting for the portal ("kpdvcqg", `spec/portal-protocol.md` §13.2): request checksums with
/// `hash_key_1`, callback checksums with `hash_key_2` over
/// `addition_fee|client_id|command|trans_amount|transaction_id|version` — computed from the
/// amount **we** initiated, so an altered amount cannot pass.
public struct KeyPayGateway: PaymentCallbackVerifier, CustomStringConvertible {
    /// Our client id (`client_id`).
    public var clientID: String
    /// Keys for requests and for callbacks. Secret.
    public var hashKey1: String, hashKey2: String
    /// `command` (default `PAY`) and `version` (default `3.0`).
    public var command: String, version: String

    /// Creates the gateway.
    public init(clientID: String, hashKey1: String, hashKey2: String, command: String = "PAY", version: String = "3.0") {
        self.clientID = clientID
        self.hashKey1 = hashKey1
        self.hashKey2 = hashKey2
        self.command = command
        self.version = version
    }

    /// The client id, without keys.
    public var description: String { "KeyPay(client: \(clientID), keys: <redacted>)" }

    /// `check_sum` of a create-transaction request.
    public func createChecksum(transactionID: String, amount: Int, additionFee: Int = 0) -> String {
        PaymentChecksum.keyPay([String(additionFee), clientID, command, String(amount), transactionID, version], key: hashKey1)
    }

    /// Verifies a KeyPay callback (`transaction_id`, `trans_amount`, `addition_fee`, `status`, `check_sum`, …).
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        guard let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { throw PaymentCallbackError(.malformed(["body"])) }
        func text(_ key: String) -> String? { (fields[key] as? String) ?? (fields[key] as? NSNumber)?.stringValue }
        let missing = ["transaction_id", "trans_amount", "status", "check_sum"].filter { text($0) == nil }
        guard missing.isEmpty, let reference = text("transaction_id"), let checksum = text("check_sum") else { throw PaymentCallbackError(.malformed(missing)) }
        guard let payment = initiated(reference) else { throw PaymentCallbackError(.unknownReference(reference)) }
        let fee = text("addition_fee") ?? "0"
        let expected = PaymentChecksum.keyPay([fee, clientID, text("command") ?? command, String(payment.amount), reference, text("version") ?? version], key: hashKey2)
        guard PaymentChecksum.matches(checksum, expected) else { throw PaymentCallbackError(.checksumMismatch) }
        guard let amount = text("trans_amount").flatMap(Int.init), amount == payment.amount else {
            throw PaymentCallbackError(.amountMismatch(expected: payment.amount, received: text("trans_amount").flatMap(Int.init) ?? -1))
        }
        return VerifiedPayment(reference: reference, amount: amount, isPaid: text("status") == "0", transactionID: text("transaction_code") ?? "")
    }
}

/// A provincial PayGov gateway (`PAYGOV-DONGTHAP`, …; `spec/portal-protocol.md` §13.3). Its create
/// checksum is SHA-256 of `secretKey + accessKey + partnerCode + orderId + requestCode + amount`.
/// The reference system never checked the callback's checksum; DVCKit checks it with the same
/// formula over the callback's fields **[U]** (the callback formula is not documented).
public struct PayGovGateway: PaymentCallbackVerifier, CustomStringConvertible {
    /// Our partner code, e.g. `PAYGOV-DONGTHAP`.
    public var partnerCode: String
    /// The access and secret keys. Secret.
    public var accessKey: String, secretKey: String
    /// The service code, this server's IP address, and the gateway's bearer and LGSP tokens (secret).
    public var serviceCode: String, ipAddress: String, bearerToken: String?, lgspAccessToken: String?

    /// Creates the gateway.
    public init(partnerCode: String, accessKey: String, secretKey: String, serviceCode: String = "", ipAddress: String = "",
                bearerToken: String? = nil, lgspAccessToken: String? = nil) {
        self.partnerCode = partnerCode
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.serviceCode = serviceCode
        self.ipAddress = ipAddress
        self.bearerToken = bearerToken
        self.lgspAccessToken = lgspAccessToken
    }

    /// The partner, without keys.
    public var description: String { "PayGov(\(partnerCode), keys: <redacted>)" }

    /// `orderId` for a dossier: `<agency code>-<dossier code>-01`.
    public static func orderID(agencyCode: String, dossierCode: String) -> String { "\(agencyCode)-\(dossierCode)-01" }

    /// `checksum` of a create request.
    public func checksum(orderID: String, requestCode: String, amount: Int) -> String {
        PaymentChecksum.payGov(secretKey: secretKey, accessKey: accessKey, partnerCode: partnerCode, orderID: orderID, requestCode: requestCode, amount: amount)
    }

    /// Verifies a PayGov callback (`orderId`, `requestCode`, `amount`, `errorCode`, `checksum`, …);
    /// the reference is the `orderId`.
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        guard let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { throw PaymentCallbackError(.malformed(["body"])) }
        func text(_ key: String) -> String? { (fields[key] as? String) ?? (fields[key] as? NSNumber)?.stringValue }
        let missing = ["orderId", "requestCode", "amount", "errorCode", "checksum"].filter { text($0) == nil }
        guard missing.isEmpty, let order = text("orderId"), let request = text("requestCode"), let checksum = text("checksum"),
              let amount = text("amount").flatMap(Int.init) else { throw PaymentCallbackError(.malformed(missing.isEmpty ? ["amount"] : missing)) }
        guard PaymentChecksum.matches(checksum, self.checksum(orderID: order, requestCode: request, amount: amount)) else {
            throw PaymentCallbackError(.checksumMismatch)
        }
        guard let payment = initiated(order) else { throw PaymentCallbackError(.unknownReference(order)) }
        guard payment.amount == amount else { throw PaymentCallbackError(.amountMismatch(expected: payment.amount, received: amount)) }
        return VerifiedPayment(reference: order, amount: amount, isPaid: text("errorCode") == "00", transactionID: text("transactionNo") ?? "")
    }
}
