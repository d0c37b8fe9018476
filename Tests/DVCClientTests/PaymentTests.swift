import DVCClient
import DVCCore
import DVCTesting
import Foundation
import Testing

@Suite("Payments")
struct PaymentTests {
    let configuration = PaymentPlatformClient.Configuration(
        endpoint: URL(string: "https://thanhtoan.example.vn/api")!, partnerCode: "MOTCUA-DONGTHAP", secret: "s3cret-key", ipAddress: "10.0.0.12",
        retryPolicy: .exponentialJitter(maximumAttempts: 3))
    let initiated = InitiatedPayment(reference: "48213_6f1c2a9e0b7d4c", amount: 75_000, dossierCode: "000.00.14.H20-200703-0003")

    /// A genuine callback, signed with the shared secret.
    func callback(amount: Int = 75_000, reference: String = "48213_6f1c2a9e0b7d4c", secret: String = "s3cret-key", result: PaymentResultCode = .success) throws -> PaymentConfirmation {
        var confirmation = PaymentConfirmation(
            messageType: .unknown("CONFIRM"), result: result, partnerCode: "MOTCUA-DONGTHAP", reference: reference, amount: amount,
            transactionID: "PP2020070310160012345", bankCode: "VCB", transactionTime: try PortalTimestamp("20200703101612"),
            description: "Thanh toan le phi", checksum: "")
        confirmation.checksum = PaymentChecksum.platform(confirmation.checksumValues, secret: secret)
        return confirmation
    }

    func client(_ transport: InMemoryTransport = InMemoryTransport { _ in PortalResponse(status: 500) }) -> PaymentPlatformClient {
        PaymentPlatformClient(configuration: configuration, transport: transport, sleeper: RecordingSleeper())
    }

    func lookup(_ reference: String) -> InitiatedPayment? { reference == initiated.reference ? initiated : nil }

    /// W12: the platform signs the text it sends; a callback whose amount is written `"75000.00"`
    /// is verified against that text, not against DVCKit's `75000`.
    @Test func theConfirmChecksumCoversTheTextAsSent() throws {
        let fields: [(String, String)] = [
            ("LoaiBanTin", "CONFIRM"), ("MaLoi", "00"), ("MaDoiTac", "MOTCUA-DONGTHAP"), ("MaThamChieu", initiated.reference),
            ("SoTien", "75000.00"), ("MaTienTe", "VND"), ("MaGiaoDich", "PP1"), ("MaNganHang", "VCB"), ("ThoiGianGD", "20200703101612"),
            ("ThongTinGiaoDich", "Thanh toan le phi"),
        ]
        var object = Dictionary(uniqueKeysWithValues: fields)
        object["MaXacThuc"] = PaymentChecksum.platform(fields.map(\.1), secret: "s3cret-key")
        let confirmation = try client().verifyCallback(try JSONSerialization.data(withJSONObject: object), initiated: lookup)
        #expect(confirmation.amount == 75_000 && confirmation.isPaid)
        // Signed over the canonical text instead, it does not match what was sent.
        object["MaXacThuc"] = PaymentChecksum.platform(fields.map { $0.0 == "SoTien" ? "75000" : $0.1 }, secret: "s3cret-key")
        let error = #expect(throws: PaymentCallbackError.self) { try client().verifyCallback(try JSONSerialization.data(withJSONObject: object), initiated: lookup) }
        #expect(error.map { "\($0)" }?.contains("checksum") == true)
    }

    @Test func checksumsFollowThePublishedFormulas() {
        // INIT: fields joined by |, secret last, lowercase hex SHA-256.
        #expect(PaymentChecksum.platform(["INIT", "1.0.6"], secret: "k") == SHA256.hexDigest("INIT|1.0.6|k"))
        #expect(PaymentChecksum.platform(["a", "", "c"], secret: "k") == SHA256.hexDigest("a||c|k"))
        #expect(PaymentChecksum.keyPay(["0", "client", "PAY", "75000", "T1", "3.0"], key: "h1")
                == hex(HMAC<SHA256>.authenticationCode(for: Array("0|client|PAY|75000|T1|3.0".utf8), key: Array("h1".utf8))))
        #expect(PaymentChecksum.payGov(secretKey: "S", accessKey: "A", partnerCode: "P", orderID: "O", requestCode: "R", amount: 5) == SHA256.hexDigest("SAPOR5"))
        #expect(PaymentChecksum.matches("ABCDEF", "abcdef") && !PaymentChecksum.matches("abcdef", "abcdee"))
        #expect(!configuration.description.contains("s3cret"))
    }

    /// Known answers computed by an independent implementation (Python's `hashlib` and `hmac`)
    /// from the field values in the order the spec lists them, so a field-order or encoding bug
    /// shared by the code and its tests cannot pass.
    @Test func checksumsMatchIndependentlyComputedAnswers() throws {
        var request = PaymentRequest(partnerCode: "MOTCUA-DONGTHAP", reference: "48213_6f1c2a9e0b7d4c", amount: 75_000,
                                     description: "Thanh toan le phi ho so 000.00.14.H20-200703-0003", transactionTime: try PortalTimestamp("20200703101500"),
                                     ipAddress: "10.0.0.12", receipt: PaymentReceipt(service: .fees))
        request.version = "1.0.6"
        #expect(PaymentChecksum.platform(request.checksumValues, secret: "s3cret-key") == "2a8df327f5f2e2f4608d894596b9238d52846c21c5de6e77e41ad8c8c443d1bd")
        #expect(try callback().checksum == "4a015158a031b611448fe607d9b524fae7900816b4f03943eb3fa9d1c5b8abfd")
        let keyPay = KeyPayGateway(clientID: "dvc-dt", hashKey1: "h1", hashKey2: "h2")
        #expect(keyPay.createChecksum(transactionID: "T100", amount: 75_000) == "c2170d551e19559c57d69771cf94037a4cc9ed0cb85bce2a8bf74368fdc40356")
        let payGov = PayGovGateway(partnerCode: "PAYGOV-DONGTHAP", accessKey: "A", secretKey: "S")
        let order = PayGovGateway.orderID(agencyCode: "000.00.14.H20", dossierCode: "000.00.14.H20-200703-0003")
        let requestCode = PayGovGateway.requestCode(reference: "T100", at: Date(timeIntervalSince1970: 1_772_000_000.123))
        #expect(payGov.checksum(orderID: order, requestCode: requestCode, amount: 75_000) == "8f58fd2d424b3758874c6059885d3e8768bb71878d504fe2272c2c027f5a7754")
        #expect(PaymentChecksum.platform(["Lệ phí"], secret: "k") == "c84f3b06fc263420cac10b75bd1908e80446020250d8237c2e1e0b4b2a07b27c", "UTF-8, not Latin-1")
    }

    @Test func aGenuineCallbackIsAcceptedAndAnswered00() throws {
        let body = try PortalJSON.encode(try callback())
        let verified = try client().verifyCallback(body, initiated: lookup)
        #expect(verified.isPaid && verified.amount == 75_000)
        let (reply, confirmation) = client().reply(to: body, initiated: lookup, at: try PortalTimestamp("20200703101700"))
        #expect(reply.result == .success && confirmation != nil)
        #expect(reply.checksum == PaymentChecksum.platform(["00", "MOTCUA-DONGTHAP", "48213_6f1c2a9e0b7d4c", "20200703101700"], secret: "s3cret-key"))
    }

    @Test func forgedReplayedAndTruncatedCallbacksAreRejected() throws {
        // Forged: signed without the secret.
        #expect(throws: PaymentCallbackError(.checksumMismatch)) {
            try client().verifyCallback(try PortalJSON.encode(try callback(secret: "guess")), initiated: lookup)
        }
        // Altered after signing: the amount changed, the checksum did not.
        var altered = try callback()
        altered.amount = 7_500
        #expect(throws: PaymentCallbackError(.checksumMismatch)) { try client().verifyCallback(try PortalJSON.encode(altered), initiated: lookup) }
        // Replayed with another amount: a genuine callback of a cheaper payment, aimed at our reference.
        #expect(throws: PaymentCallbackError(.amountMismatch(expected: 75_000, received: 1_000))) {
            try client().verifyCallback(try PortalJSON.encode(try callback(amount: 1_000)), initiated: lookup)
        }
        // A genuine callback for a payment we never initiated.
        #expect(throws: PaymentCallbackError(.unknownReference("other"))) {
            try client().verifyCallback(try PortalJSON.encode(try callback(reference: "other")), initiated: lookup)
        }
        // Truncated: fields missing.
        let full = String(decoding: try PortalJSON.encode(try callback()), as: UTF8.self)
        let truncated = Data(full.prefix(full.count / 2).utf8)
        #expect(throws: PaymentCallbackError.self) { try client().verifyCallback(truncated, initiated: lookup) }
        let partial = Data(#"{"LoaiBanTin":"CONFIRM","MaLoi":"00","MaDoiTac":"MOTCUA-DONGTHAP","MaThamChieu":"48213_6f1c2a9e0b7d4c"}"#.utf8)
        do {
            _ = try client().verifyCallback(partial, initiated: lookup)
            Issue.record("accepted a truncated callback")
        } catch {
            guard case .malformed(let fields) = error.reason else { Issue.record("wrong reason \(error)"); return }
            #expect(fields.contains("MaXacThuc") && fields.contains("SoTien"))
        }
        let (reply, confirmation) = client().reply(to: partial, initiated: lookup)
        #expect(reply.result == .otherError && confirmation == nil && reply.message.contains("malformed"))
    }

    @Test func initSendsASignedMessageAndIsNeverRetried() async throws {
        let calls = Counter()
        let transport = InMemoryTransport { request in
            _ = calls.next()
            let object = try JSONSerialization.jsonObject(with: request.body) as? [String: Any]
            return object?["LoaiBanTin"] as? String == "INIT"
                ? PortalResponse(status: 503)
                : PortalResponse(status: 200, body: Data(#"{"MaLoi":"00","TrangThaiGD":"3"}"#.utf8))
        }
        let client = client(transport)
        let receipt = PaymentReceipt(service: .fees, dossierCode: initiated.dossierCode, procedureCode: "2.000815",
                                     fees: [PaymentReceipt.Fee(kind: "2", code: "LP.XD01", name: "Lệ phí", amount: 75_000)])
        await #expect(throws: PortalError.self) {
            try await client.initiate(reference: initiated.reference, amount: 75_000, description: "Le phi", receipt: receipt)
        }
        #expect(calls.value == 1)
        #expect(try await client.state(of: initiated.reference) == .pending)
        let sent = await transport.requests
        let initBody = try #require(try JSONSerialization.jsonObject(with: sent[0].body) as? [String: Any])
        let values = PaymentRequest.checksumFieldOrder.map { initBody[$0] as? String ?? "" }
        #expect(initBody["MaXacThuc"] as? String == PaymentChecksum.platform(values, secret: "s3cret-key"))
        let query = try #require(try JSONSerialization.jsonObject(with: sent[1].body) as? [String: Any])
        #expect(query["LoaiBanTin"] as? String == "QUERY")
        #expect(query["MaXacThuc"] as? String == PaymentChecksum.platform(PaymentLookup.checksumFieldOrder.map { query[$0] as? String ?? "" }, secret: "s3cret-key"))
    }

    @Test func initReturnsThePaymentURL() async throws {
        let transport = InMemoryTransport { _ in PortalResponse(status: 200, body: Data(#"{"MaLoi":"00","UrlThanhToan":"https://pay.example.vn/p/1"}"#.utf8)) }
        let (reply, payment) = try await client(transport).initiate(reference: "R1", amount: 10_000, description: "d", receipt: PaymentReceipt(service: .fees))
        #expect(reply.paymentURL == "https://pay.example.vn/p/1")
        #expect(payment == InitiatedPayment(reference: "R1", amount: 10_000))
    }

    @Test func keyPayAndPayGovVerifyTheirOwnCallbacks() throws {
        let keyPay = KeyPayGateway(clientID: "dvc-dt", hashKey1: "k1", hashKey2: "k2")
        let payment = InitiatedPayment(reference: "T100", amount: 50_000)
        let goodSum = PaymentChecksum.keyPay(["0", "dvc-dt", "PAY", "50000", "T100", "3.0"], key: "k2")
        let good = Data(#"{"transaction_id":"T100","transaction_code":"KP1","trans_amount":"50000","addition_fee":"0","command":"PAY","version":"3.0","status":"0","check_sum":"\#(goodSum)"}"#.utf8)
        let reported = try keyPay.verify(good, initiated: { $0 == "T100" ? payment : nil })
        #expect(reported.outcome == .paid && !reported.isOutcomeSigned && !reported.isPaid, "KeyPay's status is not signed")
        let altered = String(decoding: good, as: UTF8.self).replacingOccurrences(of: #""trans_amount":"50000""#, with: #""trans_amount":"5000""#)
        #expect(throws: PaymentCallbackError(.checksumMismatch)) { try keyPay.verify(Data(altered.utf8), initiated: { $0 == "T100" ? payment : nil }) }
        let cheaperSum = PaymentChecksum.keyPay(["0", "dvc-dt", "PAY", "5000", "T100", "3.0"], key: "k2")
        let cheaper = altered.replacingOccurrences(of: goodSum, with: cheaperSum)
        #expect(throws: PaymentCallbackError(.amountMismatch(expected: 50_000, received: 5_000))) {
            try keyPay.verify(Data(cheaper.utf8), initiated: { $0 == "T100" ? payment : nil })
        }
        #expect(throws: PaymentCallbackError(.checksumMismatch)) {
            try keyPay.verify(Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: goodSum, with: String(repeating: "0", count: 64)).utf8),
                              initiated: { $0 == "T100" ? payment : nil })
        }
        #expect(keyPay.createChecksum(transactionID: "T100", amount: 50_000) == PaymentChecksum.keyPay(["0", "dvc-dt", "PAY", "50000", "T100", "3.0"], key: "k1"))

        let payGov = PayGovGateway(partnerCode: "PAYGOV-DONGTHAP", accessKey: "A", secretKey: "S")
        let order = PayGovGateway.orderID(agencyCode: "000.00.14.H20", dossierCode: "000.00.14.H20-200703-0003")
        #expect(order == "000.00.14.H20-000.00.14.H20-200703-0003-01")
        let sum = payGov.checksum(orderID: order, requestCode: "R9", amount: 75_000)
        let callback = Data(#"{"orderId":"\#(order)","requestCode":"R9","amount":75000,"errorCode":"00","transactionNo":"PG1","checksum":"\#(sum)"}"#.utf8)
        let verified = try payGov.verify(callback, initiated: { $0 == order ? InitiatedPayment(reference: order, amount: 75_000) : nil })
        #expect(verified.outcome == .paid && !verified.isOutcomeSigned && verified.transactionID == "PG1")
        #expect(throws: PaymentCallbackError(.checksumMismatch)) {
            try payGov.verify(Data(String(decoding: callback, as: UTF8.self).replacingOccurrences(of: "75000", with: "7500").utf8), initiated: { _ in nil })
        }
        let verifiers: [any PaymentCallbackVerifier] = [client(), keyPay, payGov]
        #expect(verifiers.map { $0.reference(in: callback) } == [nil, nil, order], "each gateway finds its own reference field")
        #expect(!keyPay.description.contains("k2") && !payGov.description.contains("\"S\""))
    }
}

@Suite("Payment gateways behind one protocol")
struct PaymentGatewayTests {
    static let receipt = PaymentReceipt(service: .fees, dossierCode: "000.00.14.H20-200703-0003", procedureCode: "2.000815",
                                        fees: [PaymentReceipt.Fee(kind: "2", code: "LP.XD01", name: "Lệ phí", amount: 75_000)])
    static let order = PaymentOrder(reference: "T100", amount: 75_000, description: "Lệ phí cấp phép xây dựng", receipt: receipt,
                                    returnURL: URL(string: "https://motcua.example.vn/paid"))

    @Test func keyPayCreatesASignedTransaction() async throws {
        let transport = InMemoryTransport { _ in PortalResponse(status: 200, body: Data(#"{"error":"0","payment_url":"https://keypay.example.vn/p/T100"}"#.utf8)) }
        let keyPay = KeyPayGateway(clientID: "dvc-dt", hashKey1: "k1", hashKey2: "k2")
        let gateway: any PaymentGateway = PaymentGatewayClient(gateway: keyPay, endpoint: URL(string: "https://keypay.example.vn/create")!, transport: transport)
        let (url, payment) = try await gateway.initiate(Self.order)
        #expect(url.absoluteString == "https://keypay.example.vn/p/T100" && payment == InitiatedPayment(reference: "T100", amount: 75_000, dossierCode: "000.00.14.H20-200703-0003"))
        let body = try #require(try JSONSerialization.jsonObject(with: await transport.requests[0].body) as? [String: Any])
        #expect(body["client_id"] as? String == "dvc-dt" && body["trans_amount"] as? String == "75000" && body["command"] as? String == "PAY")
        #expect(body["check_sum"] as? String == PaymentChecksum.keyPay(["0", "dvc-dt", "PAY", "75000", "T100", "3.0"], key: "k1"))
        #expect((body["bill_info"] as? [String: Any])?["MaHoSo"] as? String == "000.00.14.H20-200703-0003")
        let refused = PaymentGatewayClient(gateway: keyPay, endpoint: URL(string: "https://keypay.example.vn/create")!,
                                           transport: InMemoryTransport { _ in PortalResponse(status: 200, body: Data(#"{"error":"1","msg":"sai chữ ký"}"#.utf8)) })
        do { _ = try await refused.initiate(Self.order); Issue.record("a refused create returned a URL") } catch {
            #expect(error.code == .rejected && error.portalMessage == "sai chữ ký")
        }
    }

    @Test func payGovCreatesASignedOrderWithItsTokens() async throws {
        let transport = InMemoryTransport { _ in PortalResponse(status: 200, body: Data(#"{"data":{"url":"https://paygov.example.vn/p/1"}}"#.utf8)) }
        let payGov = PayGovGateway(partnerCode: "PAYGOV-DONGTHAP", accessKey: "A", secretKey: "S", serviceCode: "DVC", ipAddress: "10.0.0.1",
                                   bearerToken: "b3arer", lgspAccessToken: "lgsp-t0ken")
        let gateway: any PaymentGateway = PaymentGatewayClient(gateway: payGov, endpoint: URL(string: "https://paygov.example.vn/create")!, transport: transport)
        let (url, _) = try await gateway.initiate(Self.order)
        #expect(url.absoluteString == "https://paygov.example.vn/p/1")
        let request = await transport.requests[0]
        #expect(request.header("Authorization") == "Bearer b3arer" && request.header("lgspaccesstoken") == "lgsp-t0ken")
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: String])
        #expect(body["orderInfo"] == "Le phi cap phep xay dung")
        #expect(body["checksum"] == payGov.checksum(orderID: "T100", requestCode: body["requestCode"] ?? "", amount: 75_000))
        #expect(!payGov.description.contains("b3arer"))
    }

    @Test func theNationalPlatformIsAGatewayToo() async throws {
        let transport = InMemoryTransport { _ in PortalResponse(status: 200, body: Data(#"{"MaLoi":"00","UrlThanhToan":"https://pay.example.vn/x"}"#.utf8)) }
        let gateways: [any PaymentGateway] = [
            PaymentPlatformClient(configuration: .init(endpoint: URL(string: "https://pay.example.vn")!, partnerCode: "P", secret: "S", ipAddress: "10.0.0.1"), transport: transport),
        ]
        let (url, payment) = try await gateways[0].initiate(Self.order)
        #expect(url.absoluteString == "https://pay.example.vn/x" && payment.amount == 75_000)
    }
}
