/// `Data` and `URL` appear in this file's public API.
public import Foundation
/// Settlement updates DVCCore's ``PaymentRecord``.
public import DVCCore

/// Asks a gateway, server to server, what became of a payment: the confirmation a callback whose
/// status is not signed needs before anyone believes it.
public protocol PaymentStatusLookup: Sendable {
    /// The gateway's state of `payment`.
    func confirmedState(of payment: InitiatedPayment) async throws(PortalError) -> PaymentTransactionState
}

extension PaymentPlatformClient: PaymentStatusLookup {
    /// `QUERY` (``state(of:at:)``).
    public func confirmedState(of payment: InitiatedPayment) async throws(PortalError) -> PaymentTransactionState {
        try await state(of: payment.reference)
    }
}

extension PaymentGatewayClient: PaymentStatusLookup where Definition == KeyPayGateway {
    /// KeyPay's detail look-up (`spec/portal-protocol.md` §13.2): `POST` JSON `client_id`,
    /// `transaction_id`, `command`, `check_sum` = HMAC-SHA256(`hash_key_1`,
    /// `client_id|command|transaction_id`), to ``lookupEndpoint``.
    ///
    /// The reply's fields are not documented; DVCKit reads the callback's family **[U]**: `error`
    /// `"0"` for an answer, `trans_amount` (must equal the amount initiated) and `status`, mapped
    /// through ``KeyPayGateway/detailStatuses`` (`"0"` paid by default; anything unmapped is
    /// ``PaymentTransactionState/unknown(_:)``, which settles nothing). The reply is trusted
    /// because it comes over TLS from the endpoint configured, not from the citizen's browser.
    public func confirmedState(of payment: InitiatedPayment) async throws(PortalError) -> PaymentTransactionState {
        let operation = "keypay-detail"
        guard let lookupEndpoint else {
            throw PortalError(code: .invalidRequest, operation: operation, portalMessage: "no lookupEndpoint configured for KeyPay")
        }
        let checksum = PaymentChecksum.keyPay([gateway.clientID, gateway.command, payment.reference], key: gateway.hashKey1)
        let fields = ["client_id": gateway.clientID, "transaction_id": payment.reference, "command": gateway.command, "check_sum": checksum]
        let request = PortalRequest(url: lookupEndpoint, headers: ["Content-Type": "application/json"],
                                    body: try Exchange.body(fields, operation: operation), operation: operation)
        let response = try await Exchange(transport: transport).send(request)
        guard let reply = callbackFields(response.body) else {
            throw PortalError(code: .invalidResponse, operation: operation, portalMessage: "the reply is not a JSON object", httpStatus: response.status)
        }
        guard callbackField("error", in: reply) == "0" else {
            throw PortalError(code: .rejected, operation: operation, portalCode: callbackField("error", in: reply), portalMessage: reply["msg"] as? String)
        }
        guard let status = callbackField("status", in: reply) else {
            throw PortalError(code: .invalidResponse, operation: operation, portalMessage: "the reply has no status")
        }
        if let amount = callbackField("trans_amount", in: reply), Int(amount) != payment.amount {
            throw PortalError(code: .invalidResponse, operation: operation, portalMessage: "trans_amount \(amount.prefix(20)) differs from the \(payment.amount) initiated")
        }
        return gateway.detailStatuses[status] ?? .unknown(status)
    }
}

/// Settles payment callbacks into ``PaymentRecord``s: verifies the body, confirms an unsigned
/// "paid" with a server-to-server look-up, and applies the state machine in which paid is final
/// (thanh toán chỉ được ghi nhận một lần).
///
/// ```swift
/// let settlement = PaymentSettlement(verifier: keyPay, lookup: keyPay)
/// let result = try await settlement.settle(body) { reference in await store.payment(reference) }
/// try await store.save(result.record, ifVersion: previousVersion)   // compare-and-set
/// ```
///
/// Without a look-up (PayGov documents none) an unsigned "paid" stays
/// ``PaymentRecord/Change/needsConfirmation``: the payment is not marked paid until a signed
/// source says so.
public struct PaymentSettlement: Sendable {
    /// What a settlement did.
    public struct Result: Sendable {
        /// The record after the callback (store it if ``change`` moved it or it remembered a new piece of evidence).
        public var record: PaymentRecord
        /// What changed.
        public var change: PaymentRecord.Change
        /// The callback as verified.
        public var callback: VerifiedPayment
        /// Why the look-up failed, when an unsigned "paid" could not be confirmed (ask again later).
        public var lookupFailure: PortalError?
    }

    /// Verifies callback bodies.
    public let verifier: any PaymentCallbackVerifier
    /// Confirms unsigned outcomes; `nil` when the gateway has no look-up.
    public let lookup: (any PaymentStatusLookup)?

    /// Creates a settlement.
    public init(verifier: any PaymentCallbackVerifier, lookup: (any PaymentStatusLookup)?) {
        self.verifier = verifier
        self.lookup = lookup
    }

    /// Settles one callback body against the stored record that `record(reference)` returns.
    /// Throws ``PaymentCallbackError`` when the body does not prove itself (checked before the
    /// reference is reported unknown) or its amount differs from the record's.
    public func settle(_ body: Data, record: (String) async -> PaymentRecord?) async throws(PaymentCallbackError) -> Result {
        let named = verifier.reference(in: body)
        var stored: PaymentRecord? = nil
        if let named { stored = await record(named) }
        let found = stored
        let callback = try verifier.verify(body) { reference in
            guard let found, found.reference == reference else { return nil }
            return InitiatedPayment(reference: found.reference, amount: found.amount, dossierCode: found.dossierCode)
        }
        guard var updated = found else { throw PaymentCallbackError(.unknownReference(callback.reference)) }
        var change = updated.record(callback.evidence)
        var failure: PortalError?
        if change == .needsConfirmation, let lookup {
            let payment = InitiatedPayment(reference: updated.reference, amount: updated.amount, dossierCode: updated.dossierCode)
            do throws(PortalError) {
                let state = try await lookup.confirmedState(of: payment)
                if let outcome = state.outcome {
                    let evidence = PaymentRecord.Evidence(outcome: outcome, isAuthenticated: true, transactionID: callback.transactionID, amount: updated.amount)
                    change = updated.record(evidence)
                }
            } catch {
                failure = error
            }
        }
        return Result(record: updated, change: change, callback: callback, lookupFailure: failure)
    }
}

extension PaymentTransactionState {
    /// The outcome a look-up reports, or `nil` for a state that settles nothing (``unknown(_:)``).
    public var outcome: PaymentRecord.Evidence.Outcome? {
        switch self {
        case .succeeded: .paid
        case .pending: .pending
        case .failed: .failed
        case .unknown: nil
        }
    }
}
