/// What one-stop systems must remember about a payment (khoản thanh toán) so that callbacks,
/// look-ups and their replays settle it exactly once: **paid is final**.
///
/// Gateways call back more than once, callbacks are replayed (by the gateway's own retries or by
/// an attacker who saw one), and a failed attempt's callback may arrive *after* the success.
/// ``record(_:)`` is the state machine that makes every such order come out right:
///
/// | current | signed "paid" | unsigned "paid" | "failed" | "pending" |
/// |---|---|---|---|---|
/// | initiated | paid | needs confirmation | failed | pending |
/// | pending | paid | needs confirmation | failed | unchanged |
/// | failed | paid | needs confirmation | unchanged | unchanged |
/// | paid | replay, or a second payment | ignored | ignored | ignored |
///
/// "Signed" means the gateway's checksum covers the status (the national platform's confirm
/// callback, `MaLoi` under `MaXacThuc`, `spec` §13.1) or the state came from a server-to-server
/// look-up over TLS (`QUERY`, KeyPay's detail endpoint). KeyPay's and PayGov's callbacks leave the
/// status unsigned, so their "paid" is only a reason to look it up.
///
/// The value does no I/O: store it where the one-stop system keeps its payments, and update it
/// with a compare-and-set on ``version`` so that two callbacks handled at once cannot both win.
public struct PaymentRecord: Sendable, Hashable, Codable {
    /// The state of a payment.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Created (`INIT` or a gateway's create call); nothing heard yet.
        case initiated
        /// The gateway does not know the outcome yet.
        case pending
        /// The attempt failed or was cancelled; a later success still counts.
        case failed
        /// Paid. Final.
        case paid
    }

    /// What a callback or a look-up says about the payment.
    public struct Evidence: Sendable, Hashable {
        /// The outcome reported.
        public enum Outcome: Sendable, Hashable {
            /// Paid.
            case paid
            /// Failed or cancelled.
            case failed
            /// Not known yet.
            case pending
        }

        /// The outcome reported.
        public var outcome: Outcome
        /// Whether the outcome itself is authenticated (covered by the checksum, or from a look-up).
        public var isAuthenticated: Bool
        /// The gateway's transaction id (`MaGiaoDich`, `transaction_code`, `transactionNo`); empty when none.
        public var transactionID: String
        /// The amount reported, in VND.
        public var amount: Int

        /// Creates evidence.
        public init(outcome: Outcome, isAuthenticated: Bool, transactionID: String, amount: Int) {
            self.outcome = outcome
            self.isAuthenticated = isAuthenticated
            self.transactionID = transactionID
            self.amount = amount
        }
    }

    /// What ``record(_:)`` did.
    public enum Change: Sendable, Hashable {
        /// The status moved.
        case moved(from: Status, to: Status)
        /// Evidence already recorded (the same transaction and outcome): a replay, answered as before.
        case replay
        /// Nothing to change (for example "pending" after "failed").
        case unchanged
        /// The payment is already paid; this evidence (a late failure, a second payment) does not undo it.
        case ignoredBecausePaid
        /// An authenticated "paid" for another transaction after the payment was already paid: the
        /// citizen paid twice, and the second payment is owed back. The record stays as it was.
        case secondPayment(transactionID: String)
        /// An unauthenticated "paid": confirm it with a look-up before believing it.
        case needsConfirmation
        /// The amount differs from the amount initiated; nothing was recorded.
        case amountMismatch(expected: Int, received: Int)
    }

    /// The reference the gateway echoes (`MaThamChieu`, `transaction_id`, `orderId`).
    public let reference: String
    /// The amount initiated, in VND.
    public let amount: Int
    /// The dossier paid for, when known.
    public let dossierCode: String?
    /// The current status.
    public private(set) var status: Status
    /// The transaction that paid, once ``status`` is ``Status/paid``.
    public private(set) var paidTransactionID: String?
    /// Evidence recorded so far, as `transaction id` + outcome keys (bounded: see ``maximumRemembered``).
    public private(set) var remembered: [String]
    /// Incremented whenever the record changes (status or remembered evidence), for a
    /// compare-and-set in the store.
    public private(set) var version: Int

    /// How many pieces of evidence a record remembers to recognise replays.
    public static let maximumRemembered = 32

    /// A payment just initiated.
    public init(reference: String, amount: Int, dossierCode: String? = nil) {
        self.reference = reference
        self.amount = amount
        self.dossierCode = dossierCode
        status = .initiated
        remembered = []
        version = 0
    }

    /// Applies a callback's or a look-up's evidence and says what happened; see the table above.
    @discardableResult
    public mutating func record(_ evidence: Evidence) -> Change {
        guard evidence.amount == amount else { return .amountMismatch(expected: amount, received: evidence.amount) }
        let key = "\(evidence.outcome)|\(evidence.transactionID)"
        if remembered.contains(key) { return .replay }
        if status == .paid, !(evidence.outcome == .paid && evidence.isAuthenticated) { return .ignoredBecausePaid }
        let next: Status
        switch evidence.outcome {
        case .paid:
            guard evidence.isAuthenticated else { return .needsConfirmation }
            if status == .paid { return .secondPayment(transactionID: evidence.transactionID) }
            next = .paid
            paidTransactionID = evidence.transactionID
        case .failed: next = .failed
        case .pending: next = status == .initiated ? .pending : status
        }
        remembered.append(key)
        if remembered.count > Self.maximumRemembered { remembered.removeFirst(remembered.count - Self.maximumRemembered) }
        version += 1
        guard next != status else { return .unchanged }
        let previous = status
        status = next
        return .moved(from: previous, to: next)
    }
}
