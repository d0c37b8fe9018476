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
    static let portal = InboundAuthenticators.SharedSecret(header: "X-DVC-Secret", secret: "inbound-s3cret")

    /// A request as the portal would send it, carrying the shared secret.
    static func signed(_ text: String) -> InboundRequest { signed(Data(text.utf8)) }
    static func signed(_ body: Data) -> InboundRequest { InboundRequest(body: body, headers: ["x-dvc-secret": "inbound-s3cret"]) }

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
        let handler = PortalInboundHandler(store: store, authenticator: Self.portal)
        let first = await handler.handlePromotionRegistration(Self.signed(Self.registration))
        let firstReply = try reply(first)
        #expect(first.code == "0" && first.status == 200 && firstReply["error_code"] == "0")
        let again = await handler.handlePromotionRegistration(Self.signed(Self.registration))
        #expect(again.code == "1")
        let messages = await store.messages
        #expect(messages.count == 1)
        guard case .promotionRegistration(let registration) = messages.first else { Issue.record("wrong message"); return }
        #expect(registration.taxCode.rawValue == "0100233488" && registration.formFile?.count == 8 && registration.files.first?.name == "ke-hoach.pdf")
        #expect(registration.address?.wardCode == "30316")
    }

    @Test func invalidPushesNeverReachTheStore() async throws {
        let store = MemoryInboundStore()
        let handler = PortalInboundHandler(store: store, authenticator: Self.portal)
        let badTax = await handler.handlePromotionRegistration(Self.signed(Self.registration.replacingOccurrences(of: "0100233488", with: "0100233480")))
        let badTaxReply = try reply(badTax)
        #expect(badTax.code == "-1" && badTaxReply["message"]?.contains("MaSoThue") == true)
        let missing = await handler.handlePromotionRegistration(Self.signed(#"{"MaSoThue":"0100233488"}"#))
        let missingReply = try reply(missing)
        #expect(missing.code == "-1" && missingReply["message"]?.contains("required") == true)
        let notJSON = await handler.handlePromotionRegistration(Self.signed("<xml/>"))
        #expect(notJSON.code == "-1")
        #expect(await store.messages.isEmpty)
    }

    @Test func amendmentsVouchersAndNotices() async throws {
        let store = MemoryInboundStore()
        let handler = PortalInboundHandler(store: store, authenticator: Self.portal)
        let amendment = #"{"service":"","isUpdating":true,"isSync":false,"data":{"MaHoSoQG":"G22.99-260302-000123","MaSoThue":"0100233488","MaTTHC":"1.000894","ThongTinSuaDoi":{"TenChuongTrinhKM":"Mừng xuân 2"},"URLTepDangKy":"https://dichvucong.gov.vn/f/1.pdf"}}"#
        #expect(await handler.handlePortalPush(Self.signed(amendment)).code == "0")
        let voucher = #"{"service":"NhanChungTuThueDat","isUpdating":false,"isSync":true,"data":{"MaHoSo":"000.00.14.H20-260302-0001","HoTenNguoiNopTien":"Trần Thị Hoa","MaSoThue":"0100233488","UrlFileChungTu":"https://x.vn/ct.pdf","ThongTinThanhToan":{"MaThongBaoThue":"TB-1","ThoiGianThanhToan":"20260302101500","SoTien":1500000,"NoiDungThanhToan":"Tiền sử dụng đất","TrangThaiThanhToan":1}}}"#
        #expect(await handler.handlePortalPush(Self.signed(voucher)).code == "0")
        #expect(await handler.handlePortalPush(Self.signed(voucher)).code == "1")
        let brokenVoucher = voucher.replacingOccurrences(of: #""MaThongBaoThue":"TB-1","#, with: "")
        #expect(await handler.handlePortalPush(Self.signed(brokenVoucher)).code == "-1")
        let xml = "<ThongBao><HoSo><MA_HSO>000.00.14.H20-260302-0001</MA_HSO></HoSo><HoSo><MA_HSO xmlns=\"x\"> 000.00.14.H20-260302-0002 </MA_HSO></HoSo></ThongBao>"
        let notice = #"{"service":"NhanThongBaoThueDat","data":{"FileThongBaoThue":"\#(Data(xml.utf8).base64EncodedString())"}}"#
        #expect(await handler.handleLandTaxNotice(Self.signed(notice)).code == "0")
        let empty = #"{"service":"NhanThongBaoThueDat","data":{"FileThongBaoThue":"\#(Data("<a/>".utf8).base64EncodedString())"}}"#
        #expect(await handler.handleLandTaxNotice(Self.signed(empty)).code == "-1")
        let messages = await store.messages
        #expect(messages.count == 3)
        guard messages.count == 3, case .landTaxNotice(let notice) = messages[2], case .landTaxVoucher(let v) = messages[1],
              case .promotionAmendment(let a) = messages[0] else { Issue.record("wrong messages: \(messages)"); return }
        #expect(notice.dossierCodes == ["000.00.14.H20-260302-0001", "000.00.14.H20-260302-0002"] && notice.xml == Data(xml.utf8))
        #expect(v.amount == 1_500_000 && v.paymentState == 1)
        #expect(a.programName == "Mừng xuân 2")
    }

    @Test func paymentConfirmationsAreVerifiedStoredOnceAndSigned() async throws {
        let store = MemoryInboundStore()
        let payments = PaymentPlatformClient(configuration: .init(endpoint: URL(string: "https://pay.example.vn")!, partnerCode: "P", secret: "S", ipAddress: "10.0.0.1"),
                                             transport: MockTransport())
        let handler = PortalInboundHandler(store: store, authenticator: Self.portal, payments: payments) { $0 == "R1" ? InitiatedPayment(reference: "R1", amount: 5_000) : nil }
        var confirmation = PaymentConfirmation(messageType: .unknown("CONFIRM"), result: .success, partnerCode: "P", reference: "R1", amount: 5_000,
                                               transactionID: "T1", bankCode: "VCB", transactionTime: try PortalTimestamp("20260302101500"),
                                               description: "d", checksum: "")
        confirmation.checksum = PaymentChecksum.platform(confirmation.checksumValues, secret: "S")
        let body = try PortalJSON.encode(confirmation)
        let accepted = await handler.handlePaymentConfirmation(Self.signed(body))
        #expect(accepted.code == "00")
        #expect(await handler.handlePaymentConfirmation(Self.signed(body)).code == "00", "a duplicate callback is answered the same")
        #expect(await store.messages.count == 1)
        var forged = confirmation
        forged.amount = 50
        #expect(await handler.handlePaymentConfirmation(Self.signed(try PortalJSON.encode(forged))).code == "99")
        let object = try #require(try JSONSerialization.jsonObject(with: accepted.body) as? [String: String])
        #expect(object["MaXacThuc"]?.count == 64)
    }
}

struct MockTransport: Transport {
    func send(_ request: PortalRequest) async throws -> PortalResponse { PortalResponse(status: 500) }
}
