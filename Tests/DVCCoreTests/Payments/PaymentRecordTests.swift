import DVCCore
import Foundation
import Testing

/// The payment state machine: every order in which callbacks, replays and look-ups arrive ends
/// with the payment paid exactly once, or not at all.
@Suite("Payment records")
struct PaymentRecordTests {
    typealias Evidence = PaymentRecord.Evidence

    static func signed(_ outcome: Evidence.Outcome, _ transaction: String = "T1") -> Evidence {
        Evidence(outcome: outcome, isAuthenticated: true, transactionID: transaction, amount: 50_000)
    }

    static func unsigned(_ outcome: Evidence.Outcome, _ transaction: String = "T1") -> Evidence {
        Evidence(outcome: outcome, isAuthenticated: false, transactionID: transaction, amount: 50_000)
    }

    /// Each row: the evidence applied in order, the change the last one makes, the final status.
    @Test(arguments: [
        ([signed(.paid)], PaymentRecord.Change.moved(from: .initiated, to: .paid), PaymentRecord.Status.paid),
        ([signed(.paid), signed(.paid)], .replay, .paid),
        ([signed(.paid), signed(.failed, "T0")], .ignoredBecausePaid, .paid),
        ([signed(.paid), unsigned(.failed, "T1")], .ignoredBecausePaid, .paid),
        ([signed(.paid), signed(.paid, "T2")], .secondPayment(transactionID: "T2"), .paid),
        ([signed(.failed, "T0"), signed(.paid)], .moved(from: .failed, to: .paid), .paid),
        ([signed(.failed, "T0"), signed(.failed, "T0")], .replay, .failed),
        ([signed(.failed, "T0"), signed(.failed, "T3")], .unchanged, .failed),
        ([unsigned(.paid)], .needsConfirmation, .initiated),
        ([unsigned(.paid), unsigned(.paid)], .needsConfirmation, .initiated),
        ([unsigned(.failed)], .moved(from: .initiated, to: .failed), .failed),
        ([signed(.pending)], .moved(from: .initiated, to: .pending), .pending),
        ([signed(.pending), signed(.paid)], .moved(from: .pending, to: .paid), .paid),
        ([signed(.failed, "T0"), signed(.pending, "T0")], .unchanged, .failed),
        ([Evidence(outcome: .paid, isAuthenticated: true, transactionID: "T1", amount: 5_000)], .amountMismatch(expected: 50_000, received: 5_000), .initiated),
    ])
    func transitions(sequence: [Evidence], last: PaymentRecord.Change, final: PaymentRecord.Status) {
        var record = PaymentRecord(reference: "R1", amount: 50_000, dossierCode: "000.00.14.H20-260302-0001")
        var change = PaymentRecord.Change.unchanged
        for evidence in sequence { change = record.record(evidence) }
        #expect(change == last)
        #expect(record.status == final)
        #expect((record.paidTransactionID != nil) == (final == .paid))
    }

    @Test func aLateFailureNeverUndoesThePaymentItFollows() {
        var record = PaymentRecord(reference: "R1", amount: 50_000)
        record.record(Self.signed(.paid, "T9"))
        let version = record.version
        for transaction in ["T1", "T2", "T3"] { #expect(record.record(Self.signed(.failed, transaction)) == .ignoredBecausePaid) }
        #expect(record.status == .paid && record.paidTransactionID == "T9" && record.version == version)
    }

    @Test func versionsMoveOnEveryChangeForCompareAndSet() {
        var record = PaymentRecord(reference: "R1", amount: 50_000)
        #expect(record.version == 0)
        record.record(Self.signed(.failed, "T0"))
        record.record(Self.signed(.failed, "T1"))
        #expect(record.version == 2, "remembering new evidence is a change to store")
        record.record(Self.signed(.failed, "T1"))
        #expect(record.version == 2, "a replay changes nothing")
    }

    @Test func rememberedEvidenceIsBounded() {
        var record = PaymentRecord(reference: "R1", amount: 50_000)
        for n in 0..<100 { record.record(Self.signed(.failed, "T\(n)")) }
        #expect(record.remembered.count == PaymentRecord.maximumRemembered)
        #expect(record.record(Self.signed(.failed, "T99")) == .replay)
    }

    @Test func recordsRoundTripThroughJSON() throws {
        var record = PaymentRecord(reference: "R1", amount: 50_000, dossierCode: "000.00.14.H20-260302-0001")
        record.record(Self.signed(.failed, "T0"))
        record.record(Self.signed(.paid, "T1"))
        let decoded = try JSONDecoder().decode(PaymentRecord.self, from: try JSONEncoder().encode(record))
        #expect(decoded == record)
    }
}
