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
/// each method behind a route of any server framework: pass the request body, send back the
/// reply's status and body.
///
/// Every message is decoded and validated before it is accepted; a malformed one is answered
/// `-1` with the reason and never reaches the store. Replies use the portal's codes: `0`
/// created, `1` duplicate, `-1` error. Payment confirmations are verified (checksum, reference,
/// amount) and answered `00` or `99`, signed.
///
/// ```swift
/// let inbound = PortalInboundHandler(store: myStore, payments: paymentClient) { reference in myPayments[reference] }
/// // in your route handler:
/// let reply = await inbound.handlePromotionRegistration(requestBody)
/// return Response(status: reply.status, body: reply.body)
/// ```
public struct PortalInboundHandler: Sendable {
    /// A reply to send back.
    public struct Reply: Sendable, Hashable {
        /// The HTTP status (always 200, as the portal expects; the outcome is in the body).
        public var status: Int
        /// The body.
        public var body: Data
        /// The portal code in the body (`0`, `1`, `-1`, or `00`/`99` for payments).
        public var code: String
    }

    private let store: any InboundStore
    private let payments: PaymentPlatformClient?
    private let initiated: @Sendable (String) -> InitiatedPayment?

    /// Creates a handler; `payments` and `initiated` are needed only for payment confirmations.
    public init(store: any InboundStore, payments: PaymentPlatformClient? = nil, initiated: @escaping @Sendable (String) -> InitiatedPayment? = { _ in nil }) {
        self.store = store
        self.payments = payments
        self.initiated = initiated
    }

    /// `POST …/createdossierfromdvcqg`: a promotion-registration dossier (§12.1).
    public func handlePromotionRegistration(_ body: Data) async -> Reply {
        await deliver { .promotionRegistration(try JSONDecoder().decode(PromotionRegistration.self, from: body)) }
    }

    /// `POST …/nhanhsdvcqg`: `{service, isUpdating, isSync, data}` — an amendment (default) or a
    /// land-tax voucher (`NhanChungTuThueDat`) (§12.2).
    public func handlePortalPush(_ body: Data) async -> Reply {
        struct Envelope<T: Decodable>: Decodable { let service: String?; let data: T }
        struct Service: Decodable { let service: String? }
        return await deliver {
            let service = try JSONDecoder().decode(Service.self, from: body).service ?? ""
            if service == "NhanChungTuThueDat" {
                return .landTaxVoucher(try JSONDecoder().decode(Envelope<LandTaxVoucher>.self, from: body).data)
            }
            return .promotionAmendment(try JSONDecoder().decode(Envelope<PromotionAmendment>.self, from: body).data)
        }
    }

    /// `POST …/nhantbthuedvcqg` (`NhanThongBaoThueDat`): a base64 XML notice whose `MA_HSO`
    /// elements name the dossiers (§12.3).
    public func handleLandTaxNotice(_ body: Data) async -> Reply {
        struct Envelope: Decodable { struct Notice: Decodable { let FileThongBaoThue: String }; let data: Notice }
        return await deliver {
            let envelope = try JSONDecoder().decode(Envelope.self, from: body)
            guard let xml = Data(base64Encoded: envelope.data.FileThongBaoThue, options: .ignoreUnknownCharacters) else {
                throw InboundFailure("`FileThongBaoThue` is not base64")
            }
            let codes = Self.elements(named: "MA_HSO", in: String(decoding: xml, as: UTF8.self))
            guard !codes.isEmpty else { throw InboundFailure("the notice names no dossier (no MA_HSO element)") }
            return .landTaxNotice(dossierCodes: codes)
        }
    }

    /// The payment platform's confirm callback (§13.1): verified, stored once, answered `00`/`99`.
    public func handlePaymentConfirmation(_ body: Data) async -> Reply {
        guard let payments else {
            return Reply(status: 200, body: Data(#"{"MaLoi":"99","MoTaLoi":"payments are not configured"}"#.utf8), code: "99")
        }
        var (reply, confirmation) = payments.reply(to: body, initiated: initiated)
        if let confirmation {
            do { _ = try await store.accept(.paymentConfirmation(confirmation)) } catch {
                reply = PaymentConfirmationReply(result: .otherError, message: "could not be recorded; send again", partnerCode: reply.partnerCode,
                                                 reference: reply.reference, transactionTime: reply.transactionTime)
                reply.checksum = PaymentChecksum.platform(reply.checksumValues, secret: payments.configuration.secret)
            }
        }
        return Reply(status: 200, body: (try? PortalJSON.encode(reply)) ?? Data(), code: reply.result.wireValue)
    }

    // MARK: - Internals

    private func deliver(_ decode: () throws -> InboundMessage) async -> Reply {
        let message: InboundMessage
        do { message = try decode() } catch {
            return Self.reply("-1", "invalid data: \(Self.reason(error))")
        }
        do {
            return try await store.accept(message) ? Self.reply("0", "created") : Self.reply("1", "already received")
        } catch {
            return Self.reply("-1", "could not be recorded; send again")
        }
    }

    static func reply(_ code: String, _ message: String) -> Reply {
        let body = (try? JSONEncoder().encode(["error_code": code, "message": message])) ?? Data()
        return Reply(status: 200, body: body, code: code)
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

    /// The text of every `<name>…</name>` element (namespaces and attributes tolerated).
    static func elements(named name: String, in xml: String) -> [String] {
        var values: [String] = []
        var rest = Substring(xml)
        while let open = rest.range(of: "<\(name)"), let close = rest[open.upperBound...].range(of: ">"),
              let end = rest[close.upperBound...].range(of: "</\(name)>") {
            let value = rest[close.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty { values.append(value) }
            rest = rest[end.upperBound...]
        }
        return values
    }
}

struct InboundFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
