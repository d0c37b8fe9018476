import DVCClient
import DVCTesting
import Foundation
import Testing

@Suite("Single sign-on")
struct SingleSignOnTests {
    let configuration = SingleSignOn.Configuration(
        server: URL(string: "https://sso.dichvucong.example.vn")!, clientID: "motcua-dt", clientSecret: "cl13nt-s3cret",
        redirectURI: URL(string: "https://motcua.example.vn/callback")!, acrValues: "LoA2",
        postLogoutRedirectURI: URL(string: "https://motcua.example.vn/")!)

    static func jwt(_ claims: [String: Any]) -> String {
        func part(_ object: [String: Any]) -> String {
            (try? JSONSerialization.data(withJSONObject: object))?.base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "") ?? ""
        }
        return part(["alg": "RS256"]) + "." + part(claims) + ".c2ln"
    }

    /// Claims a genuine ID token for this client carries.
    static func validClaims(nonce: String, now: Date = Date()) -> [String: Any] {
        ["iss": "https://sso.dichvucong.example.vn", "aud": "motcua-dt", "sub": "u1", "nonce": nonce,
         "iat": Int(now.timeIntervalSince1970), "exp": Int(now.timeIntervalSince1970) + 3_600]
    }

    func sso(nonce: @escaping @Sendable () -> String? = { nil }) -> (SingleSignOn, InMemoryTransport) {
        sso(claims: { nonce().map { Self.validClaims(nonce: $0) } })
    }

    func sso(claims: @escaping @Sendable () -> [String: Any]?) -> (SingleSignOn, InMemoryTransport) {
        let transport = InMemoryTransport { request in
            let path = request.url.path
            switch path {
            case "/oidc/token":
                var reply: [String: Any] = ["access_token": "acc3ss-token", "expires_in": 3600]
                if let claims = claims() { reply["id_token"] = Self.jwt(claims) }
                return PortalResponse(status: 200, body: try JSONSerialization.data(withJSONObject: reply))
            case "/oidc/userinfo":
                guard request.header("Authorization") == "Bearer acc3ss-token" else { return PortalResponse(status: 401) }
                return PortalResponse(status: 200, body: Data("""
                    {"LoaiTaiKhoan":1,"TechID":"tech-000123","sub":"u1","SoDinhDanh":"001087012345","SoCMND":"012345678",
                     "MaSoThue":"","HoVaTen":"Nguyễn Văn An","ThuDienTu":"an@example.vn","SoDienThoai":"0912345678","loAs":"2"}
                    """.utf8))
            case "/oidc/validate":
                return PortalResponse(status: 200, body: Data(#"{"client_id":"motcua-dt","exp":4102444800}"#.utf8))
            default:
                return PortalResponse(status: 200, body: Data("{}".utf8))
            }
        }
        let counter = Counter()
        return (SingleSignOn(configuration: configuration, transport: transport, random: { count in
            let seed = UInt8(truncatingIfNeeded: counter.next())
            return (0..<count).map { UInt8(truncatingIfNeeded: Int($0) &* 31 &+ Int(seed) &* 7) }
        }), transport)
    }

    @Test func pkceChallengeMatchesRFC7636() {
        #expect(SingleSignOn.codeChallenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func authorizationURLCarriesStateNonceAndPKCE() throws {
        let request = sso().0.makeAuthorizationRequest()
        let items = try #require(URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems)
        let query = Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0.value ?? "") })
        #expect(request.url.path == "/oidc/authorize")
        #expect(query["response_type"] == "code" && query["client_id"] == "motcua-dt" && query["scope"] == "openid" && query["acr_values"] == "LoA2")
        #expect(query["redirect_uri"] == "https://motcua.example.vn/callback")
        #expect(query["state"] == request.state && query["nonce"] == request.nonce)
        #expect(query["code_challenge"] == SingleSignOn.codeChallenge(for: request.codeVerifier) && query["code_challenge_method"] == "S256")
        #expect(request.codeVerifier.count == 43 && !request.description.contains(request.codeVerifier))
        #expect(query["code_verifier"] == nil)
        #expect(!configuration.description.contains("cl13nt"))
    }

    @Test func aFullLoginMapsTheIdentity() async throws {
        let nonceBox = NonceBox()
        let (sso, transport) = sso { nonceBox.value }
        let request = sso.makeAuthorizationRequest()
        nonceBox.value = request.nonce
        let tokens = try await sso.completeLogin(code: "auth-code", state: request.state, request: request)
        #expect(tokens.accessToken == "acc3ss-token" && tokens.expiresIn == 3600 && !tokens.description.contains("acc3ss"))
        let identity = try await sso.identity(of: tokens)
        #expect(tokens.subject == "u1" && identity.subject == "u1")
        #expect(identity.accountType == .citizen && identity.techID == "tech-000123")
        #expect(identity.personalID?.birthYear == 1987 && identity.legacyIDCard?.rawValue == "012345678" && identity.taxCode == nil)
        #expect(!identity.description.contains("001087012345"))
        let expiry = try await sso.validate(accessToken: tokens.accessToken)
        #expect(expiry == Date(timeIntervalSince1970: 4_102_444_800))
        try await sso.revoke(token: tokens.accessToken)
        let sent = await transport.requests
        let exchange = String(decoding: sent[0].body, as: UTF8.self)
        for field in ["grant_type=authorization_code", "code=auth-code", "client_id=motcua-dt", "client_secret=cl13nt-s3cret",
                      "code_verifier=\(request.codeVerifier)", "redirect_uri=https%3A%2F%2Fmotcua.example.vn%2Fcallback"] {
            #expect(exchange.contains(field), "\(field)")
        }
        #expect(sent[0].header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(String(decoding: sent[2].body, as: UTF8.self) == "state=0&token=acc3ss-token")
        let logout = sso.logoutURL(idToken: "id.tok.en", state: "s")
        #expect(logout.absoluteString == "https://sso.dichvucong.example.vn/oidc/logout?id_token_hint=id.tok.en&post_logout_redirect_uri=https://motcua.example.vn/&state=s")
    }

    @Test func stateAndNonceMismatchesAreErrors() async throws {
        let nonceBox = NonceBox()
        let (sso, transport) = sso { nonceBox.value }
        let request = sso.makeAuthorizationRequest()
        await #expect(throws: SingleSignOn.Failure.self) { try await sso.completeLogin(code: "c", state: "forged", request: request) }
        #expect(await transport.requests.isEmpty, "no code exchange after a state mismatch")
        nonceBox.value = "someone-elses-nonce"
        do {
            _ = try await sso.completeLogin(code: "c", state: request.state, request: request)
            Issue.record("accepted a replayed ID token")
        } catch { #expect(error.reason == .nonceMismatch) }
        nonceBox.value = nil
        do {
            _ = try await sso.completeLogin(code: "c", state: request.state, request: request)
            Issue.record("accepted a login without an ID token")
        } catch { #expect(error.reason == .nonceMismatch) }
    }

    /// Each row spoils one claim of a genuine ID token; the login fails naming it.
    @Test(arguments: [
        ("iss", ClaimValue.text("https://evil.example"), SingleSignOn.Failure.Reason.idTokenInvalid, "iss"),
        ("aud", .text("another-client"), .idTokenInvalid, "aud"),
        ("aud", .list(["motcua-dt", "another-client"]), .idTokenInvalid, "azp"),
        ("exp", .number(1_000_000), .idTokenInvalid, "exp"),
        ("iat", .number(4_102_444_800), .idTokenInvalid, "iat"),
        ("sub", .text(""), .idTokenInvalid, "sub"),
        ("nonce", .text(""), .nonceMismatch, "nonce"),
    ])
    func spoiledClaimsAreRefused(claim: String, value: ClaimValue, reason: SingleSignOn.Failure.Reason, named: String) async {
        let box = ClaimsBox()
        let (sso, _) = sso(claims: { box.override })
        let request = sso.makeAuthorizationRequest()
        var claims = Self.validClaims(nonce: request.nonce)
        // The nonce row sends the right nonce in the wrong case: base64url is case-sensitive.
        claims[claim] = claim == "nonce" ? String(request.nonce.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }) : value.json
        box.override = claims
        do {
            _ = try await sso.completeLogin(code: "c", state: request.state, request: request)
            Issue.record("accepted an ID token with a spoiled \(claim)")
        } catch {
            #expect(error.reason == reason && error.detail.contains(named), "\(error)")
        }
        var fixed = Self.validClaims(nonce: request.nonce)
        fixed["aud"] = ["motcua-dt", "another-client"]
        fixed["azp"] = "motcua-dt"
        box.override = fixed
        await #expect(throws: Never.self) { _ = try await sso.completeLogin(code: "c", state: request.state, request: request) }
    }

    @Test func stateIsComparedExactlyAndOldLoginsExpire() async throws {
        let box = ClaimsBox()
        let (sso, transport) = sso(claims: { box.override })
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let request = sso.makeAuthorizationRequest(now: start)
        box.override = Self.validClaims(nonce: request.nonce, now: start)
        let flipped = String(request.state.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
        #expect(flipped != request.state)
        do { _ = try await sso.completeLogin(code: "c", state: flipped, request: request, now: start); Issue.record("case-folded state accepted") } catch {
            #expect(error.reason == .stateMismatch)
        }
        do { _ = try await sso.completeLogin(code: "c", state: request.state, request: request, now: start + 601); Issue.record("stale login accepted") } catch {
            #expect(error.reason == .loginExpired)
        }
        #expect(await transport.requests.isEmpty, "neither reached the token endpoint")
        let tokens = try await sso.completeLogin(code: "c", state: request.state, request: request, now: start + 60)
        #expect(tokens.subject == "u1")
    }

    @Test func userinfoForAnotherSubjectIsRefused() async throws {
        let box = ClaimsBox()
        let (sso, _) = sso(claims: { box.override })
        let request = sso.makeAuthorizationRequest()
        var claims = Self.validClaims(nonce: request.nonce)
        claims["sub"] = "someone-else"
        box.override = claims
        let tokens = try await sso.completeLogin(code: "c", state: request.state, request: request)
        do { _ = try await sso.identity(of: tokens); Issue.record("another subject's userinfo accepted") } catch {
            #expect(error.reason == .subjectMismatch)
        }
    }
}

/// A claim's JSON value, Sendable for test arguments.
enum ClaimValue: Sendable {
    case text(String), list([String]), number(Int)
    var json: Any {
        switch self {
        case .text(let text): text
        case .list(let list): list
        case .number(let number): number
        }
    }
}

final class ClaimsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: Any]?
    var override: [String: Any]? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

final class NonceBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

extension SingleSignOnTests {
    /// What deployed identity services send beyond the contract: account type 3, numbers for ints.
    @Test(arguments: [(#"{"sub":"o1","LoaiTaiKhoan":"3","GioiTinh":1,"TinhTrangHonNhan":0}"#, PortalIdentity.AccountType.organisation),
                      (#"{"sub":"c1","LoaiTaiKhoan":1}"#, .citizen), (#"{"sub":"x","LoaiTaiKhoan":"9"}"#, .unknown("9"))])
    func accountTypesAndNumericClaimsAreRead(_ json: String, _ type: PortalIdentity.AccountType) throws {
        let identity = try JSONDecoder().decode(PortalIdentity.self, from: Data(json.utf8))
        #expect(identity.accountType == type)
        if type == .organisation { #expect(identity.sex == "1" && identity.description.contains("organisation")) }
    }
}
