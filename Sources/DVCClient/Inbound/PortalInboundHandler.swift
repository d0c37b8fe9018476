/// `Data` appears in this file's public API.
public import Foundation
import DVCCore

/// Where accepted inbound messages go (kho dữ liệu nhận): your database, a queue. Return `false`
/// when the message was already accepted before, so duplicates are answered idempotently.
public protocol InboundStore: Sendable {
    /// Accepts `message`; `false` when it was already accepted (its ``InboundMessage/deduplicationKey`` is known).
    func accept(_ message: InboundMessage) async throws -> Bool
}

/// Answers what the portal pushes to a one-stop system (`spec/portal-protocol.md` §12) — mount
/// each method behind a route of any server framework: pass the request, send back the reply's
/// status and body.
///
/// Every request is authenticated first (``InboundAuthenticator``: the portal's own scheme is not
/// published, so the integrator chooses one), then bounded (``InboundLimits``), then decoded and
/// validated before it is accepted; a malformed one is answered `-1` with the reason and never
/// reaches the store. Replies use the portal's codes: `0` created, `1` duplicate, `-1` error.
/// Payment confirmations are verified (checksum, reference, amount) and answered `00` or `99`, signed.
///
/// ```swift
/// let inbound = PortalInboundHandler(store: myStore,
///                                    authenticator: InboundAuthenticators.SharedSecret(header: "X-DVC-Secret", secret: secret),
///                                    payments: paymentClient) { reference in myPayments[reference] }
/// // in your route handler:
/// let reply = await inbound.handlePromotionRegistration(InboundRequest(body: body, headers: headers, remoteAddress: peer))
/// return Response(status: reply.status, body: reply.body)
/// ```
public struct PortalInboundHandler: Sendable {
    /// A reply to send back.
    public struct Reply: Sendable, Hashable {
        /// The HTTP status: 200 for every answer the portal expects (the outcome is in the body),
        /// 401 for an unauthenticated caller, 413 for a body over the limit.
        public var status: Int
        /// The body.
        public var body: Data
        /// The portal code in the body (`0`, `1`, `-1`, or `00`/`99` for payments).
        public var code: String
    }

    private let store: any InboundStore
    private let authenticator: any InboundAuthenticator
    private let limits: InboundLimits
    private let payments: PaymentPlatformClient?
    private let initiated: @Sendable (String) -> InitiatedPayment?

    /// Creates a handler; `payments` and `initiated` are needed only for payment confirmations.
    public init(store: any InboundStore, authenticator: any InboundAuthenticator, limits: InboundLimits = .standard,
                payments: PaymentPlatformClient? = nil, initiated: @escaping @Sendable (String) -> InitiatedPayment? = { _ in nil }) {
        self.store = store
        self.authenticator = authenticator
        self.limits = limits
        self.payments = payments
        self.initiated = initiated
    }

    /// `POST …/createdossierfromdvcqg`: a promotion-registration dossier (§12.1).
    public func handlePromotionRegistration(_ request: InboundRequest) async -> Reply {
        await deliver(request) { decoder in .promotionRegistration(try decoder.decode(PromotionRegistration.self, from: request.body)) }
    }

    /// `POST …/nhanhsdvcqg`: `{service, isUpdating, isSync, data}` — an amendment (default) or a
    /// land-tax voucher (`NhanChungTuThueDat`) (§12.2).
    public func handlePortalPush(_ request: InboundRequest) async -> Reply {
        struct Envelope<T: Decodable>: Decodable { let service: String?; let data: T }
        struct Service: Decodable { let service: String? }
        return await deliver(request) { decoder in
            let service = try decoder.decode(Service.self, from: request.body).service ?? ""
            if service == "NhanChungTuThueDat" {
                return .landTaxVoucher(try decoder.decode(Envelope<LandTaxVoucher>.self, from: request.body).data)
            }
            return .promotionAmendment(try decoder.decode(Envelope<PromotionAmendment>.self, from: request.body).data)
        }
    }

    /// `POST …/nhantbthuedvcqg` (`NhanThongBaoThueDat`): a base64 XML notice whose `MA_HSO`
    /// elements name the dossiers (§12.3). Every `MA_HSO` must be a dossier code.
    public func handleLandTaxNotice(_ request: InboundRequest) async -> Reply {
        struct Envelope: Decodable { struct Notice: Decodable { let FileThongBaoThue: String }; let data: Notice }
        return await deliver(request) { decoder in
            let envelope = try decoder.decode(Envelope.self, from: request.body)
            let compact = String(envelope.data.FileThongBaoThue.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
            guard let xml = Data(base64Encoded: compact) else { throw InboundFailure("`FileThongBaoThue` is not base64") }
            let codes = XMLElementScanner.texts(of: "MA_HSO", in: String(decoding: xml, as: UTF8.self))
            guard !codes.isEmpty else { throw InboundFailure("the notice names no dossier (no MA_HSO element)") }
            if let bad = codes.first(where: { !DossierCode.isValid($0, strictness: .lenient) }) {
                throw InboundFailure("MA_HSO \(PaymentCallbackError.printable(bad)) is not a dossier code")
            }
            return .landTaxNotice(LandTaxNotice(dossierCodes: codes, xml: xml))
        }
    }

    /// The payment platform's confirm callback (§13.1): verified, stored once, answered `00`/`99`.
    /// Settle it into a ``PaymentRecord`` in your store (paid is final).
    public func handlePaymentConfirmation(_ request: InboundRequest) async -> Reply {
        if let refused = refusal(of: request) { return refused }
        guard let payments else {
            return Reply(status: 200, body: Data(#"{"MaLoi":"99","MoTaLoi":"payments are not configured"}"#.utf8), code: "99")
        }
        var (reply, confirmation) = payments.reply(to: request.body, initiated: initiated)
        if let confirmation {
            do { _ = try await store.accept(.paymentConfirmation(confirmation)) } catch {
                reply = PaymentConfirmationReply(result: .otherError, message: "could not be recorded; send again", partnerCode: reply.partnerCode,
                                                 reference: reply.reference, transactionTime: reply.transactionTime)
                reply.checksum = PaymentChecksum.platform(reply.checksumValues(payments.configuration.replyChecksumFields), secret: payments.configuration.secret)
            }
        }
        return Reply(status: 200, body: (try? PortalJSON.encode(reply)) ?? Data(), code: reply.result.wireValue)
    }

    // MARK: - Internals

    private func refusal(of request: InboundRequest) -> Reply? {
        guard authenticator.authenticates(request) else { return Self.reply("-1", "unauthenticated", status: 401) }
        guard request.body.count <= limits.maximumBodyBytes else {
            return Self.reply("-1", "the body is larger than the \(limits.maximumBodyBytes)-byte limit", status: 413)
        }
        return nil
    }

    private func deliver(_ request: InboundRequest, _ decode: (JSONDecoder) throws -> InboundMessage) async -> Reply {
        if let refused = refusal(of: request) { return refused }
        let decoder = JSONDecoder()
        decoder.userInfo[InboundLimits.userInfoKey] = limits
        let message: InboundMessage
        do {
            try JSONLimits(maximumBytes: limits.maximumBodyBytes, maximumStringBytes: max(64 << 10, limits.maximumFileBytes / 3 * 4 + 8)).check(request.body)
            message = try decode(decoder)
        } catch {
            return Self.reply("-1", "invalid data: \(Self.reason(error))")
        }
        do {
            return try await store.accept(message) ? Self.reply("0", "created") : Self.reply("1", "already received")
        } catch {
            return Self.reply("-1", "could not be recorded; send again")
        }
    }

    static func reply(_ code: String, _ message: String, status: Int = 200) -> Reply {
        let body = (try? JSONEncoder().encode(["error_code": code, "message": message])) ?? Data()
        return Reply(status: status, body: body, code: code)
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "`\(key.stringValue)` is required"
        case DecodingError.dataCorrupted(let context): "\(wirePath(context.codingPath)): \(context.debugDescription)"
        case DecodingError.typeMismatch(_, let context): "\(wirePath(context.codingPath)): wrong type"
        case DecodingError.valueNotFound(_, let context): "\(wirePath(context.codingPath)) is null"
        case let failure as InboundFailure: failure.message
        default: "not JSON"
        }
    }
}

struct InboundFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
