import DVCClient
import DVCCore
import DVCTesting
import Foundation
import Testing

/// A service added in one place (`PortalOperation+Catalogue.swift`) is sent by the one pipeline in
/// every dialect, with its authentication, and its reply read by the dialect's rules.
@Suite("Portal operations")
struct PortalOperationTests {
    static let reply = #"[{"MaTTHC":"1.001193","TenTTHC":"Đăng ký khai sinh"},{"MaTTHC":"bad"}]"#

    @Test(arguments: PortalDialect.shipped)
    func aNewServiceIsSentAndReadInEveryDialect(_ dialect: PortalDialect) async throws {
        let transport = InMemoryTransport { request in
            if request.operation == "login" {
                return PortalResponse(status: 200, body: Data(dialect.authentication.scheme == .session
                    ? #"{"error_code":0,"session":"S1"}"#.utf8 : #"{"access_token":"T1","expires_in":600}"#.utf8))
            }
            return PortalResponse(status: 200, body: dialect.replyBody(.success, message: "Thành công", result: Data(Self.reply.utf8)))
        }
        let client = PortalClient(configuration: .init(adapterURL: URL(string: "https://gateway.example.vn")!, dialect: dialect,
                                                       credentials: .init(username: "u", password: "p"), unitCode: "000.00.00.H56"),
                                  transport: transport)
        let rows = try #require(try await client.send(.unitProcedureCatalogue, "000.00.01.H56"))
        #expect(rows.rows.map(\.code.rawValue) == ["1.001193"] && !rows.skipped.isEmpty)

        let requests = await transport.requests
        #expect(requests.count == 2)
        let login = requests[0], call = requests[1]
        #expect(login.url.path == dialect.authentication.path)
        let components = try #require(URLComponents(url: call.url, resolvingAgainstBaseURL: false))
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        switch dialect.framing {
        case .envelope:
            let body = try #require(try JSONSerialization.jsonObject(with: call.body) as? [String: String])
            #expect(body == ["session": "S1", "madonvi": "000.00.00.H56", "service": "LayDanhSachTTHCDonVi", "maDonVi": "000.00.01.H56"])
        case .bare:
            #expect(call.method == .get && call.body.isEmpty && call.url.path.hasSuffix("/LayDanhSachTTHCDonVi"))
            #expect(query["maDonVi"] == "000.00.01.H56")
            let credential = dialect.authentication.scheme == .gatewayToken ? call.header(dialect.authentication.key) : call.header("Authorization")
            #expect(credential == (dialect.authentication.scheme == .gatewayToken ? "T1" : "Bearer T1"))
        }
    }

    @Test func anExpiredTokenIsRenewedOnceAndTheCallResent() async throws {
        let dialect = PortalDialect.hgGateway
        let tokens = Counter()
        let transport = InMemoryTransport { request in
            if request.operation == "login" {
                let number = tokens.next()
                #expect(String(decoding: request.body, as: UTF8.self) == "grant_type=client_credentials&client_id=u&client_secret=p%26q")
                return PortalResponse(status: 200, body: Data(#"{"access_token":"T\#(number)","expires_in":"600"}"#.utf8))
            }
            if request.header("Authorization") == "Bearer T1" { return PortalResponse(status: 401, body: Data("Unauthorized".utf8)) }
            return PortalResponse(status: 200, body: Data(#"{"error_code":"0","result":[]}"#.utf8))
        }
        let client = PortalClient(configuration: .init(adapterURL: URL(string: "https://gateway.example.vn")!, dialect: dialect,
                                                       credentials: .init(username: "u", password: "p&q"), unitCode: "000.00.01.H22"),
                                  transport: transport)
        try await client.syncDossiers([], isUpdating: false)
        #expect(await client.loginCount == 2)
        let refused = PortalClient(configuration: .init(adapterURL: URL(string: "https://gateway.example.vn")!, dialect: dialect,
                                                        credentials: .init(username: "u", password: "p"), unitCode: "000.00.01.H22"),
                                   transport: InMemoryTransport { _ in PortalResponse(status: 401, body: Data(#"{"error":"invalid_client"}"#.utf8)) })
        await #expect(throws: PortalError.self) { try await refused.syncDossiers([], isUpdating: false) }
    }
}
