@testable import DVCClient
import DVCCore
import Foundation
import Testing

/// The inbound endpoints face the internet: who may call, how much they may send, and what a
/// push may ask the one-stop system to do (fetch a URL, record a payment).
@Suite("Inbound hardening")
struct InboundHardeningTests {
    static let voucher = #"{"service":"NhanChungTuThueDat","data":{"MaHoSo":"000.00.14.H20-260302-0001","HoTenNguoiNopTien":"Trần Thị Hoa","MaSoThue":"0100233488","UrlFileChungTu":"https://x.vn/ct.pdf","ThongTinThanhToan":{"MaThongBaoThue":"TB-1","ThoiGianThanhToan":"20260302101500","SoTien":1500000,"NoiDungThanhToan":"Tiền sử dụng đất","TrangThaiThanhToan":1}}}"#

    func handler(_ store: MemoryInboundStore, limits: InboundLimits = .standard) -> PortalInboundHandler {
        PortalInboundHandler(store: store, authenticator: InboundTests.portal, limits: limits)
    }

    func message(_ reply: PortalInboundHandler.Reply) -> String {
        ((try? JSONSerialization.jsonObject(with: reply.body)) as? [String: String])?["message"] ?? ""
    }

    @Test func callersWithoutTheSecretAreRefusedWith401() async throws {
        let store = MemoryInboundStore()
        let inbound = handler(store)
        let anonymous = await inbound.handlePortalPush(InboundRequest(body: Data(Self.voucher.utf8)))
        let wrong = await inbound.handlePortalPush(InboundRequest(body: Data(Self.voucher.utf8), headers: ["X-DVC-Secret": "inbound-s3cre"]))
        #expect(anonymous.status == 401 && anonymous.code == "-1" && wrong.status == 401)
        #expect(await inbound.handleLandTaxNotice(InboundRequest(body: Data("{}".utf8))).status == 401)
        #expect(await inbound.handlePaymentConfirmation(InboundRequest(body: Data("{}".utf8))).status == 401)
        #expect(await store.messages.isEmpty)
        #expect(await inbound.handlePortalPush(InboundTests.signed(Self.voucher)).code == "0")
    }

    @Test(arguments: [
        (InboundRequest(body: Data("{}".utf8), headers: ["X-Sig": "00"]), false),
        (InboundRequest(body: Data("{}".utf8)), false),
        (InboundRequest(body: Data("{}".utf8), headers: ["x-sig": InboundAuthenticators.BodySignature(header: "X-Sig", key: "k").signature(of: Data("{}".utf8))]), true),
        (InboundRequest(body: Data("{ }".utf8), headers: ["x-sig": InboundAuthenticators.BodySignature(header: "X-Sig", key: "k").signature(of: Data("{}".utf8))]), false),
    ])
    func bodySignaturesCoverEveryByte(request: InboundRequest, accepted: Bool) {
        #expect(InboundAuthenticators.BodySignature(header: "X-Sig", key: "k").authenticates(request) == accepted)
    }

    @Test func allowListsAndCombinations() {
        let list = InboundAuthenticators.AddressAllowList(["10.1.2.3"])
        let secret = InboundAuthenticators.SharedSecret(header: "X-S", secret: "s")
        let both = InboundAuthenticators.all([list, secret])
        #expect(list.authenticates(InboundRequest(body: Data(), remoteAddress: "10.1.2.3")))
        #expect(!list.authenticates(InboundRequest(body: Data(), remoteAddress: "10.1.2.4")) && !list.authenticates(InboundRequest(body: Data())))
        #expect(both.authenticates(InboundRequest(body: Data(), headers: ["X-S": "s"], remoteAddress: "10.1.2.3")))
        #expect(!both.authenticates(InboundRequest(body: Data(), headers: ["X-S": "s"], remoteAddress: "10.9.9.9")))
        #expect(!InboundAuthenticators.all([]).authenticates(InboundRequest(body: Data())))
        #expect(!InboundAuthenticators.SharedSecret(header: "X-S", secret: "").authenticates(InboundRequest(body: Data(), headers: ["X-S": ""])))
        #expect(!"\(secret)".contains("\"s\"") && "\(secret)".contains("redacted"))
    }

    @Test func oversizedBodiesAreRefusedWith413BeforeDecoding() async {
        let store = MemoryInboundStore()
        let inbound = handler(store, limits: InboundLimits(maximumBodyBytes: 100))
        let reply = await inbound.handlePortalPush(InboundTests.signed(Self.voucher))
        #expect(reply.status == 413 && message(reply).contains("100-byte"))
        #expect(await store.messages.isEmpty)
    }

    /// Each row changes one field of a valid voucher; the reply names the field and the rule.
    @Test(arguments: [
        (#""SoTien":1500000"#, #""SoTien":-5"#, "SoTien: must be a whole, non-negative amount in VND"),
        (#""SoTien":1500000"#, #""SoTien":"1.5e6""#, "SoTien: must be a whole, non-negative amount in VND"),
        (#""TrangThaiThanhToan":1"#, #""TrangThaiThanhToan":"paid""#, "TrangThaiThanhToan: must be a whole number"),
        ("https://x.vn/ct.pdf", "http://x.vn/ct.pdf", "UrlFileChungTu: must be an https URL"),
        ("https://x.vn/ct.pdf", "file:///etc/passwd", "UrlFileChungTu: must be an https URL"),
        ("https://x.vn/ct.pdf", "https://user:pw@x.vn/ct.pdf", "UrlFileChungTu: must be an https URL"),
        ("https://x.vn/ct.pdf", "https://169.254.169.254/latest", "UrlFileChungTu: names a host that is not allowed"),
        (#""MaHoSo":"000.00.14.H20-260302-0001""#, #""MaHoSo":" ""#, "MaHoSo: must not be empty"),
    ])
    func invalidVouchersNameTheFieldAndRule(original: String, replacement: String, reason: String) async {
        let store = MemoryInboundStore()
        let inbound = handler(store, limits: InboundLimits(fileHosts: ["x.vn"]))
        let reply = await inbound.handlePortalPush(InboundTests.signed(Self.voucher.replacingOccurrences(of: original, with: replacement)))
        #expect(reply.code == "-1" && message(reply).contains(reason), "\(message(reply))")
        #expect(await store.messages.isEmpty)
    }

    @Test(arguments: [
        ("JVBERi0x\r\nLjQ=", true),     // MIME line breaks are fine
        ("JVBERi0x*LjQ=", false),      // not base64: refused rather than silently dropped
        ("JVBERi0xLjQ", false),        // missing padding
    ])
    func inlineFilesAreStrictBase64(text: String, accepted: Bool) async {
        let store = MemoryInboundStore()
        let body = InboundTests.registration.replacingOccurrences(of: #""TepDonDangKy":"JVBERi0xLjQ=""#, with: #""TepDonDangKy":"\#(text.replacingOccurrences(of: "\r\n", with: "\\r\\n"))""#)
        let reply = await handler(store).handlePromotionRegistration(InboundTests.signed(body))
        #expect((reply.code == "0") == accepted, "\(message(reply))")
    }

    @Test func inlineFilesOverTheLimitAreRefused() async {
        let store = MemoryInboundStore()
        let reply = await handler(store, limits: InboundLimits(maximumFileBytes: 4)).handlePromotionRegistration(InboundTests.signed(InboundTests.registration))
        #expect(reply.code == "-1" && message(reply).contains("4-byte limit"))
    }

    /// A later push about the same voucher or amendment with different content is a new message;
    /// the same push again is a duplicate.
    @Test func duplicatesAreTheSameContentNotTheSameDossier() async {
        let store = MemoryInboundStore()
        let inbound = handler(store)
        let paid = Self.voucher.replacingOccurrences(of: #""TrangThaiThanhToan":1"#, with: #""TrangThaiThanhToan":2"#)
        #expect(await inbound.handlePortalPush(InboundTests.signed(Self.voucher)).code == "0")
        #expect(await inbound.handlePortalPush(InboundTests.signed(paid)).code == "0")
        #expect(await inbound.handlePortalPush(InboundTests.signed(paid)).code == "1")
        let amendment = #"{"data":{"MaHoSoQG":"G22.99-260302-000123","MaSoThue":"0100233488","MaTTHC":"1.000894","ThongTinSuaDoi":{"TenChuongTrinhKM":"A"},"URLTepDangKy":"https://dichvucong.gov.vn/f/1.pdf"}}"#
        #expect(await inbound.handlePortalPush(InboundTests.signed(amendment)).code == "0")
        #expect(await inbound.handlePortalPush(InboundTests.signed(amendment.replacingOccurrences(of: #""A""#, with: #""B""#))).code == "0")
        let bare = #"{"data":{"MaHoSoQG":"G22.99-260302-000123","MaSoThue":"0100233488","MaTTHC":"1.000894","TenThuongNhan":"X"}}"#
        #expect(await inbound.handlePortalPush(InboundTests.signed(bare)).code == "0")
        #expect(await inbound.handlePortalPush(InboundTests.signed(bare.replacingOccurrences(of: #""X""#, with: #""Y""#))).code == "0")
        #expect(await store.messages.count == 6)
    }

    @Test(arguments: [
        ("<a><MA_HSO_GOC>X</MA_HSO_GOC><MA_HSO>Y</MA_HSO></a>", ["Y"]),
        ("<a><ns:MA_HSO>A</ns:MA_HSO><MA_HSO xmlns='u'>B</MA_HSO></a>", ["A", "B"]),
        ("<a><MA_HSO><![CDATA[ C&D ]]></MA_HSO><MA_HSO>E&amp;F&#x41;&#66;&bogus;</MA_HSO></a>", ["C&D", "E&FAB&bogus;"]),
        ("<a><!-- <MA_HSO>hidden</MA_HSO> --><MA_HSO/><MA_HSO>  </MA_HSO><?pi <MA_HSO>?></a>", []),
        ("<MA_HSO>unterminated", []),
        ("<", []),
        ("</MA_HSO><MA_HSO>ok</MA_HSO>", ["ok"]),
    ])
    func noticeElementsAreMatchedByLocalName(xml: String, codes: [String]) {
        #expect(XMLElementScanner.texts(of: "MA_HSO", in: xml) == codes)
    }

    @Test func noticesKeepTheirXMLAndRequireDossierCodes() async {
        let store = MemoryInboundStore()
        let xml = "<TB><ns:MA_HSO>000.00.14.H20-260302-0001</ns:MA_HSO><MA_HSO_GOC>ignored</MA_HSO_GOC></TB>"
        let notice = #"{"data":{"FileThongBaoThue":"\#(Data(xml.utf8).base64EncodedString())"}}"#
        #expect(await handler(store).handleLandTaxNotice(InboundTests.signed(notice)).code == "0")
        let corrected = xml.replacingOccurrences(of: "ignored", with: "corrected")
        #expect(await handler(store).handleLandTaxNotice(InboundTests.signed(#"{"data":{"FileThongBaoThue":"\#(Data(corrected.utf8).base64EncodedString())"}}"#)).code == "0",
                "a corrected notice naming the same dossier is a new message")
        guard case .landTaxNotice(let first) = await store.messages.first else { Issue.record("no notice"); return }
        #expect(first.dossierCodes == ["000.00.14.H20-260302-0001"] && first.xml == Data(xml.utf8))
        let bad = "<TB><MA_HSO>not-a-code</MA_HSO></TB>"
        let refused = await handler(store).handleLandTaxNotice(InboundTests.signed(#"{"data":{"FileThongBaoThue":"\#(Data(bad.utf8).base64EncodedString())"}}"#))
        #expect(refused.code == "-1" && message(refused).contains("MA_HSO not-a-code is not a dossier code"))
    }
}
