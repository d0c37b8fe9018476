import DVCClient
import DVCCore
import DVCTesting
import Foundation
import Synchronization
import Testing

/// KeyPay and PayGov do not sign the status of their callbacks, so a genuine "failed" callback
/// with `status` changed to paid must never mark a payment paid: settlement confirms it with the
/// gateway's look-up, over a real socket here.
@Suite("Payment settlement")
struct PaymentSettlementTests {
    static let keyPay = KeyPayGateway(clientID: "dvc-dt", hashKey1: "k1", hashKey2: "k2")

    /// A KeyPay callback for T100 as KeyPay would sign it.
    static func keyPayCallback(status: String, amount: String = "50000", reference: String = "T100") -> Data {
        let sum = PaymentChecksum.keyPay(["0", "dvc-dt", "PAY", amount, reference, "3.0"], key: "k2")
        return Data(#"{"transaction_id":"\#(reference)","transaction_code":"KP1","trans_amount":"\#(amount)","addition_fee":"0","command":"PAY","version":"3.0","status":"\#(status)","check_sum":"\#(sum)"}"#.utf8)
    }

    /// A KeyPay detail endpoint on loopback answering `status`, recording what it was asked.
    final class DetailEndpoint: Sendable {
        final class Log: Sendable { let entries = Mutex<[[String: String]]>([]) }
        let server: LoopbackHTTPServer
        let log = Log()

        init(status: String, httpStatus: Int = 200, amount: String = "50000") throws {
            let log = self.log
            server = try LoopbackHTTPServer { request in
                let fields = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: String] ?? [:]
                log.entries.withLock { $0.append(fields) }
                return LoopbackHTTPServer.Response(status: httpStatus, body: Data(#"{"error":"0","status":"\#(status)","trans_amount":"\#(amount)"}"#.utf8))
            }
            server.start()
        }

        func client(_ gateway: KeyPayGateway = PaymentSettlementTests.keyPay) -> PaymentGatewayClient<KeyPayGateway> {
            PaymentGatewayClient(gateway: gateway, endpoint: server.baseURL.appendingPathComponent("create"),
                                 lookupEndpoint: server.baseURL.appendingPathComponent("detail"),
                                 transport: HTTPTransport(configuration: .init(allowsInsecureLoopback: true)))
        }
    }

    static func store(_ record: PaymentRecord) -> @Sendable (String) async -> PaymentRecord? {
        { $0 == record.reference ? record : nil }
    }

    @Test func aFlippedKeyPayStatusIsCaughtByTheLookUp() async throws {
        let endpoint = try DetailEndpoint(status: "7")   // KeyPay says: not paid
        defer { endpoint.server.stop() }
        let client = endpoint.client()
        let forged = Self.keyPayCallback(status: "0")     // a genuine failed callback, status flipped
        let verified = try Self.keyPay.verify(forged) { _ in InitiatedPayment(reference: "T100", amount: 50_000) }
        #expect(verified.outcome == .paid && !verified.isOutcomeSigned && !verified.isPaid, "the callback alone is never proof")
        let result = try await PaymentSettlement(verifier: client, lookup: client).settle(forged, record: Self.store(PaymentRecord(reference: "T100", amount: 50_000)))
        #expect(result.record.status == .initiated && result.change == .needsConfirmation, "an unmapped detail status settles nothing")
        var mapped = Self.keyPay
        mapped.detailStatuses["7"] = .failed
        let known = try await PaymentSettlement(verifier: endpoint.client(mapped), lookup: endpoint.client(mapped))
            .settle(forged, record: Self.store(PaymentRecord(reference: "T100", amount: 50_000)))
        #expect(known.record.status == .failed && known.change == .moved(from: .initiated, to: .failed))
        let asked = try #require(endpoint.log.entries.withLock { $0.first })
        #expect(asked["transaction_id"] == "T100" && asked["client_id"] == "dvc-dt" && asked["command"] == "PAY")
        #expect(asked["check_sum"] == "9bfe4047e3074ab2c323af36931b010278ddc544bf5aade4a67cd39aacf1b8e8", "HMAC-SHA256(k1, dvc-dt|PAY|T100), computed with Python")
    }

    @Test func aGenuinePaymentIsPaidOnceTheLookUpConfirmsIt() async throws {
        let endpoint = try DetailEndpoint(status: "0")
        defer { endpoint.server.stop() }
        let client = endpoint.client()
        let settlement = PaymentSettlement(verifier: client, lookup: client)
        let first = try await settlement.settle(Self.keyPayCallback(status: "0"), record: Self.store(PaymentRecord(reference: "T100", amount: 50_000)))
        #expect(first.record.status == .paid && first.record.paidTransactionID == "KP1" && first.lookupFailure == nil)
        let replay = try await settlement.settle(Self.keyPayCallback(status: "0"), record: Self.store(first.record))
        #expect(replay.change == .replay && replay.record == first.record)
    }

    @Test func aLookUpThatFailsLeavesThePaymentUnconfirmed() async throws {
        let endpoint = try DetailEndpoint(status: "0", httpStatus: 502)
        defer { endpoint.server.stop() }
        let client = endpoint.client()
        let result = try await PaymentSettlement(verifier: client, lookup: client).settle(Self.keyPayCallback(status: "0"),
                                                                                      record: Self.store(PaymentRecord(reference: "T100", amount: 50_000)))
        #expect(result.change == .needsConfirmation && result.record.status == .initiated)
        #expect(result.lookupFailure?.code == .httpStatus)
    }

    @Test func aLookUpReportingAnotherAmountIsRefused() async throws {
        let endpoint = try DetailEndpoint(status: "0", amount: "5000")
        defer { endpoint.server.stop() }
        let client = endpoint.client()
        let result = try await PaymentSettlement(verifier: client, lookup: client).settle(Self.keyPayCallback(status: "0"),
                                                                                      record: Self.store(PaymentRecord(reference: "T100", amount: 50_000)))
        #expect(result.record.status == .initiated && result.lookupFailure?.code == .invalidResponse)
    }

    @Test func withoutALookUpAnUnsignedPaidIsOnlyAReasonToAsk() async throws {
        let payGov = PayGovGateway(partnerCode: "PAYGOV-DONGTHAP", accessKey: "A", secretKey: "S")
        let sum = payGov.checksum(orderID: "O1", requestCode: "R1", amount: 75_000)
        let callback = Data(#"{"orderId":"O1","requestCode":"R1","amount":75000,"errorCode":"00","transactionNo":"PG1","checksum":"\#(sum)"}"#.utf8)
        let result = try await PaymentSettlement(verifier: payGov, lookup: nil).settle(callback, record: Self.store(PaymentRecord(reference: "O1", amount: 75_000)))
        #expect(result.change == .needsConfirmation && result.record.status == .initiated && !result.callback.isPaid)
    }

    @Test func forgedCallbacksAreRefusedBeforeTheReferenceIsLookedUp() async throws {
        let forged = String(decoding: Self.keyPayCallback(status: "0", reference: "NOPE"), as: UTF8.self)
            .replacingOccurrences(of: #""trans_amount":"50000""#, with: #""trans_amount":"1""#)
        let settlement = PaymentSettlement(verifier: Self.keyPay, lookup: nil)
        await #expect(throws: PaymentCallbackError(.checksumMismatch)) {
            try await settlement.settle(Data(forged.utf8)) { _ in nil }
        }
        await #expect(throws: PaymentCallbackError(.unknownReference("NOPE"))) {
            try await settlement.settle(Self.keyPayCallback(status: "0", reference: "NOPE")) { _ in nil }
        }
        #expect(throws: PaymentCallbackError(.checksumMismatch)) {
            try Self.keyPay.verify(Data(forged.utf8)) { _ in Issue.record("looked up before the checksum"); return nil }
        }
    }

    @Test func platformCallbacksAreSignedAndSettleWithoutALookUp() async throws {
        let platform = PaymentPlatformClient(configuration: .init(endpoint: URL(string: "https://pay.example.vn")!, partnerCode: "P", secret: "S", ipAddress: "10.0.0.1"),
                                             transport: MockTransport())
        var confirmation = PaymentConfirmation(messageType: .unknown("CONFIRM"), result: .success, partnerCode: "P", reference: "R1", amount: 5_000,
                                               transactionID: "T1", bankCode: "VCB", transactionTime: try PortalTimestamp("20260302101500"),
                                               description: "d", checksum: "")
        confirmation.checksum = PaymentChecksum.platform(confirmation.checksumValues, secret: "S")
        let settlement = PaymentSettlement(verifier: platform, lookup: nil)
        let paid = try await settlement.settle(try PortalJSON.encode(confirmation), record: Self.store(PaymentRecord(reference: "R1", amount: 5_000)))
        #expect(paid.record.status == .paid && paid.callback.isPaid)
        var failed = confirmation
        failed.result = .otherError
        failed.transactionID = "T0"
        failed.checksum = PaymentChecksum.platform(failed.checksumValues, secret: "S")
        let late = try await settlement.settle(try PortalJSON.encode(failed), record: Self.store(paid.record))
        #expect(late.change == .ignoredBecausePaid && late.record.status == .paid, "a failed attempt's callback arriving after the success")
    }

    @Test func unknownReferencesAreShownWithoutWhatTheCallerWrote() {
        let hostile = "R1\r\nX-Injected: yes <script>" + String(repeating: "A", count: 100)
        let text = PaymentCallbackError(.unknownReference(hostile)).description
        #expect(!text.contains("\r") && !text.contains("<") && !text.contains(" yes") && text.hasSuffix("…") && text.count < 110)
    }

    @Test func payGovRequestCodesAreUniquePerAttempt() async throws {
        let transport = InMemoryTransport { _ in PortalResponse(status: 200, body: Data(#"{"data":{"url":"https://paygov.example.vn/p/1"}}"#.utf8)) }
        let payGov = PayGovGateway(partnerCode: "PAYGOV-DONGTHAP", accessKey: "A", secretKey: "S")
        let client = PaymentGatewayClient(gateway: payGov, endpoint: URL(string: "https://paygov.example.vn/create")!, transport: transport)
        var order = PaymentGatewayTests.order
        order.createdAt = Date(timeIntervalSince1970: 1_772_000_000.123)
        _ = try await client.initiate(order)
        order.createdAt = Date(timeIntervalSince1970: 1_772_000_060)
        _ = try await client.initiate(order)
        let codes = try await transport.requests.map { try #require(try JSONSerialization.jsonObject(with: $0.body) as? [String: String])["requestCode"] }
        #expect(codes == ["T1001772000000123", "T1001772000060000"])
    }

    @Test func theReplyChecksumOrderIsConfigurable() throws {
        let fields: [PaymentConfirmationReply.Field] = [.reference, .result, .message, .partnerCode, .transactionTime]
        let platform = PaymentPlatformClient(configuration: .init(endpoint: URL(string: "https://pay.example.vn")!, partnerCode: "P", secret: "S", ipAddress: "10.0.0.1",
                                                                  replyChecksumFields: fields), transport: MockTransport())
        let time = try PortalTimestamp("20260302101500")
        let (reply, _) = platform.reply(to: Data("{}".utf8), initiated: { _ in nil }, at: time)
        #expect(reply.checksum == PaymentChecksum.platform([reply.reference, "99", reply.message, "P", "20260302101500"], secret: "S"))
        #expect(PaymentConfirmationReply.checksumFieldOrder == ["MaLoi", "MaDoiTac", "MaThamChieu", "ThoiGianGD"])
    }
}
