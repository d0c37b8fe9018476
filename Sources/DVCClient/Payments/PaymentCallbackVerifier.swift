/// `Data` appears in this file's public API.
public import Foundation
/// Verified callbacks become DVCCore's ``PaymentRecord/Evidence``.
public import DVCCore

/// A payment callback that proved itself: what it says, for which reference, and whether the
/// gateway's checksum covers what it says.
public struct VerifiedPayment: Sendable, Hashable {
    /// The reference given when the payment was created.
    public var reference: String
    /// The amount in VND (checked against the amount initiated).
    public var amount: Int
    /// What the gateway reports.
    public var outcome: PaymentRecord.Evidence.Outcome
    /// Whether the checksum covers ``outcome``. The national platform signs `MaLoi`; KeyPay's and
    /// PayGov's callback checksums leave the status out, so their "paid" must be confirmed with a
    /// look-up (``PaymentStatusLookup``) before it is believed.
    public var isOutcomeSigned: Bool
    /// The gateway's transaction id (`MaGiaoDich`, `transaction_code`, `transactionNo`).
    public var transactionID: String

    /// Creates a verified payment.
    public init(reference: String, amount: Int, outcome: PaymentRecord.Evidence.Outcome, isOutcomeSigned: Bool, transactionID: String) {
        self.reference = reference
        self.amount = amount
        self.outcome = outcome
        self.isOutcomeSigned = isOutcomeSigned
        self.transactionID = transactionID
    }

    /// Whether this callback alone proves the payment: paid, and signed. A KeyPay or PayGov "paid"
    /// is never proof; settle it with ``PaymentSettlement``, which looks it up.
    public var isPaid: Bool { outcome == .paid && isOutcomeSigned }

    /// The evidence to record in the payment's ``PaymentRecord``.
    public var evidence: PaymentRecord.Evidence {
        PaymentRecord.Evidence(outcome: outcome, isAuthenticated: isOutcomeSigned, transactionID: transactionID, amount: amount)
    }
}

/// Verifies a gateway's payment callback, whatever the gateway: the national platform, KeyPay or a
/// provincial PayGov — so a province switches gateways by configuration, not by code.
///
/// Each verifier checks the checksum *before* it asks `initiated` about the reference, so a
/// forged callback learns nothing about which references exist.
public protocol PaymentCallbackVerifier: Sendable {
    /// The reference a callback body names, before anything is verified (to fetch the payment
    /// it claims to settle); `nil` when the body does not name one.
    func reference(in body: Data) -> String?
    /// Verifies `body` against the payments initiated; throws why it is refused.
    func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment
}

/// The text of a top-level JSON field, whether sent as a string or a number.
func callbackField(_ key: String, in fields: [String: Any]) -> String? {
    (fields[key] as? String) ?? (fields[key] as? NSNumber)?.stringValue
}

/// The top-level fields of a JSON callback body.
func callbackFields(_ body: Data) -> [String: Any]? {
    JSONLimits.standard.jsonObject(body)
}

extension PaymentPlatformClient: PaymentCallbackVerifier {
    /// `MaThamChieu`.
    public func reference(in body: Data) -> String? { callbackFields(body).flatMap { callbackField("MaThamChieu", in: $0) } }

    /// Verifies a national-platform confirm callback (see ``verifyCallback(_:initiated:)``); its
    /// outcome (`MaLoi`) is signed.
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        let confirmation = try verifyCallback(body, initiated: initiated)
        return VerifiedPayment(reference: confirmation.reference, amount: confirmation.amount, outcome: confirmation.isPaid ? .paid : .failed,
                               isOutcomeSigned: true, transactionID: confirmation.transactionID)
    }
}

/// KeyPay acting for the portal ("kpdvcqg", `spec/portal-protocol.md` §13.2): request checksums with
/// `hash_key_1`, callback checksums with `hash_key_2` over
/// `addition_fee|client_id|command|trans_amount|transaction_id|version`. The amount must also
/// equal the amount initiated, so an altered amount cannot pass; the `status` is not covered, so
/// a callback's "paid" is confirmed with the detail look-up (``PaymentGatewayClient/confirmedState(of:)``).
public struct KeyPayGateway: PaymentCallbackVerifier, CustomStringConvertible {
    /// Our client id (`client_id`).
    public var clientID: String
    /// Keys for requests and for callbacks. Secret.
    public var hashKey1: String, hashKey2: String
    /// `command` (default `PAY`) and `version` (default `3.0`).
    public var command: String, version: String
    /// What the detail look-up's `status` values mean **[U]**: by default only `"0"` (paid, as in
    /// the callback); unmapped values settle nothing.
    public var detailStatuses: [String: PaymentTransactionState]

    /// Creates the gateway.
    public init(clientID: String, hashKey1: String, hashKey2: String, command: String = "PAY", version: String = "3.0",
                detailStatuses: [String: PaymentTransactionState] = ["0": .succeeded]) {
        self.clientID = clientID
        self.hashKey1 = hashKey1
        self.hashKey2 = hashKey2
        self.command = command
        self.version = version
        self.detailStatuses = detailStatuses
    }

    /// The client id, without keys.
    public var description: String { "KeyPay(client: \(clientID), keys: <redacted>)" }

    /// `check_sum` of a create-transaction request.
    public func createChecksum(transactionID: String, amount: Int, additionFee: Int = 0) -> String {
        PaymentChecksum.keyPay([String(additionFee), clientID, command, String(amount), transactionID, version], key: hashKey1)
    }

    /// `transaction_id`.
    public func reference(in body: Data) -> String? { callbackFields(body).flatMap { callbackField("transaction_id", in: $0) } }

    /// Verifies a KeyPay callback (`transaction_id`, `trans_amount`, `addition_fee`, `status`,
    /// `check_sum`, …): the checksum over the amount received, then that amount against the amount
    /// initiated. `status` is not covered by the checksum, so a "paid" comes back unsigned.
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        guard let fields = callbackFields(body) else { throw PaymentCallbackError(.malformed(["body"])) }
        func text(_ key: String) -> String? { callbackField(key, in: fields) }
        let missing = ["transaction_id", "trans_amount", "status", "check_sum"].filter { text($0) == nil }
        guard missing.isEmpty, let reference = text("transaction_id"), let checksum = text("check_sum"), let amountText = text("trans_amount") else {
            throw PaymentCallbackError(.malformed(missing))
        }
        let fee = text("addition_fee") ?? "0"
        let expected = PaymentChecksum.keyPay([fee, clientID, text("command") ?? command, amountText, reference, text("version") ?? version], key: hashKey2)
        guard PaymentChecksum.matches(checksum, expected) else { throw PaymentCallbackError(.checksumMismatch) }
        guard let amount = Int(amountText), amount >= 0 else { throw PaymentCallbackError(.malformed(["trans_amount"])) }
        guard let payment = initiated(reference) else { throw PaymentCallbackError(.unknownReference(reference)) }
        guard amount == payment.amount else { throw PaymentCallbackError(.amountMismatch(expected: payment.amount, received: amount)) }
        return VerifiedPayment(reference: reference, amount: amount, outcome: text("status") == "0" ? .paid : .failed, isOutcomeSigned: false,
                               transactionID: text("transaction_code") ?? "")
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

    /// `orderId`.
    public func reference(in body: Data) -> String? { callbackFields(body).flatMap { callbackField("orderId", in: $0) } }

    /// Verifies a PayGov callback (`orderId`, `requestCode`, `amount`, `errorCode`, `checksum`, …);
    /// the reference is the `orderId`. The checksum (the create formula **[U]**) leaves `errorCode`
    /// out and equals the one sent when the payment was created, so a "paid" comes back unsigned.
    public func verify(_ body: Data, initiated: (String) -> InitiatedPayment?) throws(PaymentCallbackError) -> VerifiedPayment {
        guard let fields = callbackFields(body) else { throw PaymentCallbackError(.malformed(["body"])) }
        func text(_ key: String) -> String? { callbackField(key, in: fields) }
        let missing = ["orderId", "requestCode", "amount", "errorCode", "checksum"].filter { text($0) == nil }
        guard missing.isEmpty, let order = text("orderId"), let request = text("requestCode"), let checksum = text("checksum"),
              let amount = text("amount").flatMap(Int.init), amount >= 0 else { throw PaymentCallbackError(.malformed(missing.isEmpty ? ["amount"] : missing)) }
        guard PaymentChecksum.matches(checksum, self.checksum(orderID: order, requestCode: request, amount: amount)) else {
            throw PaymentCallbackError(.checksumMismatch)
        }
        guard let payment = initiated(order) else { throw PaymentCallbackError(.unknownReference(order)) }
        guard payment.amount == amount else { throw PaymentCallbackError(.amountMismatch(expected: payment.amount, received: amount)) }
        return VerifiedPayment(reference: order, amount: amount, outcome: text("errorCode") == "00" ? .paid : .failed, isOutcomeSigned: false,
                               transactionID: text("transactionNo") ?? "")
    }
}
