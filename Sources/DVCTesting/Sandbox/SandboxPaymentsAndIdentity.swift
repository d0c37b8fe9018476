/// `Data` appears in this file's public API.
public import Foundation
import DVCClient
import DVCCore

/// The test accounts of the sandbox's identity service.
enum SandboxIdentity {
    struct Account {
        let techID: String, type: String, personalID: String?, taxCode: String?, name: String
    }

    static let citizens = [
        Account(techID: "tech-citizen-001", type: "1", personalID: "001087012345", taxCode: nil, name: "Nguyễn Văn An"),
        Account(techID: "tech-citizen-002", type: "1", personalID: "079203000001", taxCode: nil, name: "Trần Thị Bình"),
        Account(techID: "tech-business-001", type: "2", personalID: nil, taxCode: "0100233488", name: "Công ty TNHH Sen Hồng"),
    ]
}

extension PortalSandbox {
    // MARK: - Payment platform

    func payment(_ body: Data, host: String?) async -> Reply {
        await state.countCall()
        guard let object = JSONLimits.standard.jsonObject(body), let type = object["LoaiBanTin"] as? String else {
            return Self.json(["MaLoi": "99", "MoTaLoi": "not a payment message"])
        }
        let secret = configuration.paymentSecret
        func text(_ key: String) -> String { (object[key] as? String) ?? (object[key] as? NSNumber)?.stringValue ?? "" }
        switch type {
        case "INIT":
            let values = PaymentRequest.checksumFieldOrder.map(text)
            guard PaymentChecksum.matches(text("MaXacThuc"), PaymentChecksum.platform(values, secret: secret)) else {
                return Self.json(["MaLoi": "99", "MoTaLoi": "sai mã xác thực (checksum mismatch)"])
            }
            guard text("MaDoiTac") == configuration.paymentPartner, let amount = Int(text("SoTien")), amount > 0 else {
                return Self.json(["MaLoi": "99", "MoTaLoi": "invalid partner or amount"])
            }
            let reference = text("MaThamChieu")
            guard !reference.isEmpty, await state.initiatePayment(reference, amount: amount) else {
                return Self.json(["MaLoi": "99", "MoTaLoi": "MaThamChieu already used"])
            }
            let base = host.map { "http://\($0)" } ?? Self.inProcessURL.absoluteString
            return Self.json(["MaLoi": "00", "MaThamChieu": reference, "UrlThanhToan": "\(base)/pay/\(reference)"])
        case "QUERY", "GET_BILL":
            let values = PaymentLookup.checksumFieldOrder.map(text)
            guard PaymentChecksum.matches(text("MaXacThuc"), PaymentChecksum.platform(values, secret: secret)) else {
                return Self.json(["MaLoi": "99", "MoTaLoi": "sai mã xác thực (checksum mismatch)"])
            }
            guard let record = await state.payment(text("MaThamChieu")) else { return Self.json(["MaLoi": "99", "MoTaLoi": "unknown reference"]) }
            if type == "GET_BILL" {
                return Self.json(["MaLoi": "00", "MaThamChieu": text("MaThamChieu"), "SoTien": record.amount, "TrangThaiGD": record.state.wireValue])
            }
            return Self.json(["MaLoi": "00", "MaThamChieu": text("MaThamChieu"), "TrangThaiGD": record.state.wireValue])
        default:
            return Self.json(["MaLoi": "99", "MoTaLoi": "unknown LoaiBanTin \(type)"])
        }
    }

    /// The simulated payer finishes (or fails) a payment: the sandbox records it and delivers a
    /// correctly signed confirm callback to ``onPaymentConfirmation(_:)`` (twice when the
    /// `duplicate` fault strikes). Returns the callback body, or `nil` for an unknown reference.
    @discardableResult
    public func completePayment(reference: String, paid: Bool = true) async -> Data? {
        guard let record = await state.settle(reference, paid: paid) else { return nil }
        var confirmation = PaymentConfirmation(
            messageType: .unknown("CONFIRM"), result: paid ? .success : .otherError, partnerCode: configuration.paymentPartner,
            reference: reference, amount: record.amount, transactionID: "SBX-\(reference)", bankCode: "SANDBOX",
            transactionTime: .now, description: "Sandbox payment \(reference)", checksum: "")
        confirmation.checksum = PaymentChecksum.platform(confirmation.checksumValues, secret: configuration.paymentSecret)
        guard let body = try? PortalJSON.encode(confirmation) else { return nil }
        await deliverCallback(body)
        return body
    }

    // MARK: - Identity service

    func identity(method: String, path: String, query: [String: String], headers: [String: String], body: Data) async -> Reply {
        let form = LoopbackHTTPServer.Request.formItems(String(decoding: body, as: UTF8.self))
        let bearer = headers.first { $0.key.lowercased() == "authorization" }?.value.replacingOccurrences(of: "Bearer ", with: "")
        switch path {
        case "/oidc/authorize":
            guard query["client_id"] == configuration.clientID, let redirect = query["redirect_uri"], let state = query["state"],
                  query["code_challenge_method"] == "S256", let challenge = query["code_challenge"], Self.isAllowedRedirect(redirect, configuration) else {
                return Reply(status: 400, body: Data(#"{"error":"invalid_request"}"#.utf8))
            }
            // The sandbox logs a test account in at once: `login_hint` picks it by TechID (default the first citizen).
            let account = SandboxIdentity.citizens.first { $0.techID == query["login_hint"] } ?? SandboxIdentity.citizens[0]
            let code = await self.state.issueCode(nonce: query["nonce"] ?? "", challenge: challenge, redirect: redirect, account: account.techID)
            let separator = redirect.contains("?") ? "&" : "?"
            let encodedState = state.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return Reply(status: 302, headers: ["Location": "\(redirect)\(separator)code=\(code)&state=\(encodedState)"], body: Data())
        case "/oidc/token":
            guard form["client_id"] == configuration.clientID, form["client_secret"] == configuration.clientSecret else {
                return Reply(status: 401, body: Data(#"{"error":"invalid_client"}"#.utf8))
            }
            guard let code = form["code"], let grant = await state.redeem(code: code), form["client_id"] == configuration.clientID,
                  let verifier = form["code_verifier"], SingleSignOn.codeChallenge(for: verifier) == grant.challenge,
                  form["redirect_uri"] == grant.redirect else {
                return Reply(status: 400, body: Data(#"{"error":"invalid_grant"}"#.utf8))
            }
            let token = await state.issueAccessToken(account: grant.account)
            let now = Int(Date().timeIntervalSince1970)
            let claims: [String: Any] = ["iss": configuration.issuer, "sub": grant.account, "nonce": grant.nonce, "aud": configuration.clientID,
                                         "iat": now, "exp": now + 3_600]
            return Self.json(["access_token": token, "id_token": Self.unsignedJWT(claims),
                              "expires_in": 3_600, "token_type": "Bearer"])
        case "/oidc/userinfo":
            guard let bearer, let techID = await state.account(for: bearer),
                  let account = SandboxIdentity.citizens.first(where: { $0.techID == techID }) else { return Reply(status: 401, body: Data()) }
            var info: [String: Any] = ["LoaiTaiKhoan": account.type, "TechID": account.techID, "sub": account.techID]
            info[account.type == "2" ? "TenDoanhNghiep" : "HoVaTen"] = account.name
            if let id = account.personalID { info["SoDinhDanh"] = id }
            if let tax = account.taxCode { info["MaSoThue"] = tax }
            return Self.json(info)
        case "/oidc/validate":
            guard let token = form["token"], await state.account(for: token) != nil else { return Self.json(["active": false]) }
            return Self.json(["client_id": configuration.clientID, "exp": Int(Date().timeIntervalSince1970) + 3_600])
        case "/oidc/revoke":
            if let token = form["token"] { await state.revoke(token) }
            return Self.json([:])
        case "/oidc/logout":
            let target = query["post_logout_redirect_uri"].flatMap { Self.isAllowedRedirect($0, configuration) ? $0 : nil } ?? "/"
            return Reply(status: 302, headers: ["Location": target], body: Data())
        default:
            return Reply(status: 404, body: Data())
        }
    }

    /// An absolute `http`/`https` URI without line breaks, under one of the allowed prefixes.
    static func isAllowedRedirect(_ uri: String, _ configuration: Configuration) -> Bool {
        guard let url = URL(string: uri), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil,
              !uri.contains(where: { $0.isNewline || $0 == "\0" }) else { return false }
        return configuration.redirectPrefixes.isEmpty || configuration.redirectPrefixes.contains { uri.hasPrefix($0) }
    }

    static func unsignedJWT(_ claims: [String: Any]) -> String {
        func part(_ object: [String: Any]) -> String {
            ((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return part(["alg": "none", "typ": "JWT"]) + "." + part(claims) + ".sandbox"
    }
}
