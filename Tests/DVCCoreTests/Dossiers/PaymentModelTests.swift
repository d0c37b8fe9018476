import DVCCore
import Foundation
import Testing

@Suite("Payment messages")
struct PaymentModelTests {
    private func canonical(_ name: String) throws -> String {
        try canonicalJSON(Data(try fixture(name).utf8))
    }

    @Test func initRequestRoundTripsByteForByte() throws {
        let request = try PortalJSON.decode(PaymentRequest.self, from: Data(try fixture("Payment-INIT.json").utf8), strictness: .strict)
        #expect(request.amount == 75_000)
        #expect(request.receipt.service == .fees)
        #expect(request.receipt.total == 75_000)
        #expect(request.receipt.details["HoTenNguoiNop"] == "Công ty TNHH Sen Hồng")
        #expect(request.checksumValues.count == PaymentRequest.checksumFieldOrder.count)
        #expect(request.checksumValues.joined(separator: "|") ==
            "INIT|1.0.6|MOTCUA-DONGTHAP|48213_6f1c2a9e0b7d4c|75000|PAY|1|1|vi-VN|VND|PAYMENT|Thanh toan le phi ho so 000.00.14.H20-200703-0003|20200703101500|10.0.0.12")
        #expect(String(decoding: try PortalJSON.encode(request), as: UTF8.self) == (try canonical("Payment-INIT.json")))
    }

    @Test func confirmCallbackRoundTripsAndOrdersItsChecksumFields() throws {
        let confirmation = try PortalJSON.decode(PaymentConfirmation.self, from: Data(try fixture("Payment-confirm.json").utf8))
        #expect(confirmation.isPaid)
        #expect(confirmation.messageType == .unknown("CONFIRM"))
        #expect(confirmation.checksumValues == ["CONFIRM", "00", "MOTCUA-DONGTHAP", "48213_6f1c2a9e0b7d4c", "75000", "VND",
                                                "PP2020070310160012345", "VCB", "20200703101612", "Thanh toan le phi ho so 000.00.14.H20-200703-0003"])
        #expect(String(decoding: try PortalJSON.encode(confirmation), as: UTF8.self) == (try canonical("Payment-confirm.json")))
    }

    @Test func aTruncatedCallbackNamesEveryMissingField() throws {
        let truncated = Data(#"{"LoaiBanTin":"CONFIRM","MaLoi":"00","MaDoiTac":"P","MaThamChieu":"R"}"#.utf8)
        do {
            _ = try PortalJSON.decode(PaymentConfirmation.self, from: truncated)
            Issue.record("decoded a truncated callback")
        } catch let error as WireDecodingError {
            #expect(Set(error.issues.map(\.path)) == ["SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich", "MaXacThuc"])
            #expect(error.issues.allSatisfy { $0.rule == .fieldMissing })
        }
    }

    @Test func lookupsRepliesAndCodes() throws {
        let time = try PortalTimestamp("20200703120000")
        let query = PaymentLookup(messageType: .query, partnerCode: "P", reference: "R", transactionTime: time)
        #expect(query.checksumValues == ["QUERY", "1.0.6", "P", "R", "20200703120000"])
        #expect(try PortalJSON.decode(PaymentLookup.self, from: PortalJSON.encode(query), strictness: .strict) == query)
        let reply = try PortalJSON.decode(PaymentReply.self, from: Data(#"{"MaLoi":"00","TrangThaiGD":3,"UrlThanhToan":"https://pay.vn/x","Extra":1}"#.utf8))
        #expect(reply.result == .success && reply.state == .pending && reply.paymentURL == "https://pay.vn/x")
        #expect(PaymentTransactionState(wireValue: "4") == .failed && PaymentTransactionState(wireValue: "1") == .succeeded)
        let answer = PaymentConfirmationReply(result: .otherError, message: "checksum does not match", partnerCode: "P", reference: "R", transactionTime: time)
        #expect(answer.checksumValues() == ["99", "P", "R", "20200703120000"])
        #expect(try PortalJSON.decode(PaymentConfirmationReply.self, from: PortalJSON.encode(answer)) == answer)
        var fine = PaymentReceipt(service: .fine)
        fine.items = [PaymentReceipt.Item(content: "Phạt vi phạm giao thông", amount: 800_000)]
        fine.details = ["SoQD": "123/QĐ-XPVPHC", "NgayQD": "03/07/2020"]
        #expect(fine.total == 800_000)
        #expect(try PortalJSON.decode(PaymentReceipt.self, from: PortalJSON.encode(fine), strictness: .strict) == fine)
    }
}
