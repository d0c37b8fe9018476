import DVCClient
import DVCCore
import Foundation
import Testing

actor MemoryInboundStore: InboundStore {
    private(set) var messages: [InboundMessage] = []
    private var keys: Set<String> = []
    func accept(_ message: InboundMessage) async throws -> Bool {
        guard keys.insert(message.deduplicationKey).inserted else { return false }
        messages.append(message)
        return true
    }
}

@Suite("Inbound handlers")
struct InboundTests {
    func reply(_ r: PortalInboundHandler.Reply) throws -> [String: String] {
        try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: String])
    }

    static let registration = #"""
        {"MaSoThue":"0100233488","MaHoSo":"G22.99-260302-000123","MaTTHC":"1.000894","TenThuongNhan":"Công ty TNHH Sen Hồng",
         "DiaChiDoanhNghiep":{"MaTinh":"87","MaHuyen":"866","MaXa":"30316","DiaChiChiTiet":"12 Lý Thường Kiệt"},
         "TenChuongTrinhKhuyenMai":"Mừng xuân","TenTepDonDangKy":"don.pdf","TepDonDangKy":"JVBERi0xLjQ=",
         "TaiLieuNop":[{"TenTepDinhKem":"ke-hoach.pdf","Base64":"JVBERi0xLjQ="}],"SoVanBan":"ignored"}
        """#

    @Test func registrationsAreCreatedOnceAndDuplicatesAnsweredOne() async throws {
        let store = MemoryInboundStore()
        let handler = PortalInboundHandler(store: store)
        let first = await handler.handlePromotionRegistration(Data(Self.registration.utf8))
        let firstReply = try reply(first)
        #expect(first.code == "0" && first.status == 200 && firstReply["error_code"] == "0")
        let again = await handler.handlePromotionRegistration(Data(Self.registration.utf8))
        #expect(again.code == "1")
        let messages = await store.messages
        #expect(messages.count == 1)
        guard case .promotionRegistration(let registration) = messages.first else { Issue.record("wrong message"); return }
        #expect(registration.taxCode.rawValue == "0100233488" && registration.formFile?.count == 8 && registration.files.first?.name == "ke-hoach.pdf")
        #expect(registration.address?.wardCode == "30316")
    }

    @Test func invalidPushesNeverReachTheStore() async throws {
        let store = MemoryInboundStore()
        let handler = PortalInboundHandler(store: store)
        let badTax = await handler.handlePromotionRegistration(Data(Self.registration.replacingOccurrences(of: "0100233488", with: "0100233480").utf8))
        let badTaxReply = try reply(badTax)
        #expect(badTax.code == "-1" && badTaxReply["message"]?.contains("MaSoThue") == true)
        let missing = await handler.handlePromotionRegistration(Data(#"{"MaSoThue":"0100233488"}"#.utf8))
        let missingReply = try reply(missing)
        #expect(missing.code == "-1" && missingReply["message"]?.contains("required") == true)
        let notJSON = await handler.handlePromotionRegistration(Data("<xml/>".utf8))
        #expect(notJSON.code == "-1")
        #expect(await store.messages.isEmpty)
    }

    @Test func amendmentsVouchersAndNotices() async throws {
        let store = MemoryInboundStore()
        let handler = PortalInboundHandler(store: store)
        let amendment = #"{"service":"","isUpdating":true,"isSync":false,"data":{"MaHoSoQG":"G22.99-260302-000123","MaSoThue":"0100233488","MaTTHC":"1.000894","ThongTinSuaDoi":{"TenChuongTrinhKM":"Mừng xuân 2"},"URLTepDangKy":"https://dichvucong.gov.vn/f/1.pdf"}}"#
        #expect(await handler.handlePortalPush(Data(amendment.utf8)).code == "0")
        let voucher = #"{"service":"NhanChungTuThueDat","isUpdating":false,"isSync":true,"data":{"MaHoSo":"000.00.14.H20-260302-0001","HoTenNguoiNopTien":"Trần Thị Hoa","MaSoThue":"0100233488","UrlFileChungTu":"https://x.vn/ct.pdf","ThongTinThanhToan":{"MaThongBaoThue":"TB-1","ThoiGianThanhToan":"20260302101500","SoTien":1500000,"NoiDungThanhToan":"Tiền sử dụng đất","TrangThaiThanhToan":1}}}"#
        #expect(await handler.handlePortalPush(Data(voucher.utf8)).code == "0")
        #expect(await handler.handlePortalPush(Data(voucher.utf8)).code == "1")
        let brokenVoucher = voucher.replacingOccurrences(of: #""MaThongBaoThue":"TB-1","#, with: "")
        #expect(await handler.handlePortalPush(Data(brokenVoucher.utf8)).code == "-1")
        let xml = "<ThongBao><HoSo><MA_HSO>000.00.14.H20-260302-0001</MA_HSO></HoSo><HoSo><MA_HSO xmlns=\"x\"> 000.00.14.H20-260302-0002 </MA_HSO></HoSo></ThongBao>"
        let notice = #"{"service":"NhanThongBaoThueDat","data":{"FileThongBaoThue":"\#(Data(xml.utf8).base64EncodedString())"}}"#
        #expect(await handler.handleLandTaxNotice(Data(notice.utf8)).code == "0")
        let empty = #"{"service":"NhanThongBaoThueDat","data":{"FileThongBaoThue":"\#(Data("<a/>".utf8).base64EncodedString())"}}"#
        #expect(await handler.handleLandTaxNotice(Data(empty.utf8)).code == "-1")
        let messages = await store.messages
        #expect(messages.count == 3)
        if case .landTaxNotice(let codes) = messages.last { #expect(codes == ["000.00.14.H20-260302-0001", "000.00.14.H20-260302-0002"]) }
        if case .landTaxVoucher(let v) = messages[1] { #expect(v.amount == 1_500_000 && v.paymentState == 1) }
        if case .promotionAmendment(let a) = messages[0] { #expect(a.programName == "Mừng xuân 2") }
    }

    @Test func paymentConfirmationsAreVerifiedStoredOnceAndSigned() async throws {
        let store = MemoryInboundStore()
        let payments = PaymentPlatformClient(configuration: .init(endpoint: URL(string: "https://pay.example.vn")!, partnerCode: "P", secret: "S", ipAddress: "10.0.0.1"),
                                             transport: MockTransport())
        let handler = PortalInboundHandler(store: store, payments: payments) { $0 == "R1" ? InitiatedPayment(reference: "R1", amount: 5_000) : nil }
        var confirmation = PaymentConfirmation(messageType: .unknown("CONFIRM"), result: .success, partnerCode: "P", reference: "R1", amount: 5_000,
                                               transactionID: "T1", bankCode: "VCB", transactionTime: try PortalTimestamp("20260302101500"),
                                               description: "d", checksum: "")
        confirmation.checksum = PaymentChecksum.platform(confirmation.checksumValues, secret: "S")
        let body = try PortalJSON.encode(confirmation)
        let accepted = await handler.handlePaymentConfirmation(body)
        #expect(accepted.code == "00")
        #expect(await handler.handlePaymentConfirmation(body).code == "00", "a duplicate callback is answered the same")
        #expect(await store.messages.count == 1)
        var forged = confirmation
        forged.amount = 50
        #expect(await handler.handlePaymentConfirmation(try PortalJSON.encode(forged)).code == "99")
        let object = try #require(try JSONSerialization.jsonObject(with: accepted.body) as? [String: String])
        #expect(object["MaXacThuc"]?.count == 64)
    }
}

struct MockTransport: Transport {
    func send(_ request: PortalRequest) async throws -> PortalResponse { PortalResponse(status: 500) }
}
