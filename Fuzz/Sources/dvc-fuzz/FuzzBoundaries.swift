import DVCClient
import DVCCore
import DVCSync
import DVCTesting
import Foundation

// MARK: - Payments

/// The payment every fuzzed callback claims to settle.
private let initiated = InitiatedPayment(reference: "48213_6f1c2a9e0b7d4c", amount: 75_000)

private let platform = PaymentPlatformClient(
    configuration: .init(endpoint: URL(fileURLWithPath: "/"), partnerCode: "MOTCUA-DONGTHAP", secret: "fuzz-secret", ipAddress: "10.0.0.1"),
    transport: InMemoryTransport { _ in PortalResponse(status: 500) })
private let keyPay = KeyPayGateway(clientID: "dvc-dt", hashKey1: "k1", hashKey2: "k2")
private let payGov = PayGovGateway(partnerCode: "PAYGOV-DONGTHAP", accessKey: "A", secretKey: "S")

func fuzzPayments(_ data: Data) {
    let verifiers: [any PaymentCallbackVerifier] = [platform, keyPay, payGov]
    for verifier in verifiers {
        _ = verifier.reference(in: data)
        do {
            let verified = try verifier.verify(data) { $0 == initiated.reference ? initiated : nil }
            check(verified.amount == initiated.amount && verified.reference == initiated.reference,
                  "\(type(of: verifier)) accepted a callback for another payment or amount")
            check(!verified.isPaid || verified.isOutcomeSigned, "an unsigned outcome counted as paid")
        } catch {
            _ = error.description
        }
    }
    let (reply, confirmation) = platform.reply(to: data) { $0 == initiated.reference ? initiated : nil }
    check((reply.result == .success) == (confirmation != nil), "the reply's MaLoi disagrees with the verification")
    check(reply.message.count <= 200, "the reply echoes too much of the callback: \(reply.message.count) characters")
}

// MARK: - Inbound

private actor DiscardingStore: InboundStore {
    private var keys: Set<String> = []
    func accept(_ message: InboundMessage) async throws -> Bool { keys.insert(message.deduplicationKey).inserted }
}

private let inbound = PortalInboundHandler(store: DiscardingStore(), authenticator: InboundAuthenticators.delegatedToProxy,
                                           limits: InboundLimits(maximumBodyBytes: 1 << 20, maximumFileBytes: 64 << 10),
                                           payments: platform) { $0 == initiated.reference ? initiated : nil }

func fuzzInbound(_ data: Data) {
    let request = InboundRequest(body: data)
    let replies = blocking {
        [await inbound.handlePromotionRegistration(request), await inbound.handlePortalPush(request),
         await inbound.handleLandTaxNotice(request), await inbound.handlePaymentConfirmation(request)]
    }
    for reply in replies {
        check([200, 401, 413].contains(reply.status), "an inbound reply with HTTP \(reply.status)")
        check(["0", "1", "-1", "00", "99"].contains(reply.code), "an inbound reply with code \(reply.code)")
        check(JSONLimits.standard.jsonObject(reply.body) != nil, "an inbound reply that is not a JSON object")
    }
    _ = XMLElementScanner.texts(of: "MA_HSO", in: String(decoding: data, as: UTF8.self))
}

/// Runs async work to completion from the fuzzer's synchronous entry point.
private final class ResultBox<T>: @unchecked Sendable { var value: T? }

private func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await work()
        done.signal()
    }
    done.wait()
    guard let value = box.value else { abort() }
    return value
}

// MARK: - HTTP and journal

func fuzzHTTP(_ data: Data) {
    let bytes = Array(data)
    do {
        let head = try LoopbackHTTPServer.parseHead(bytes[...])
        check(head.headers.count <= 100, "more header fields than the limit were accepted")
        check(head.target.hasPrefix("/"), "a request target that is not a path was accepted")
    } catch {}
    _ = LoopbackHTTPServer.Request.queryItems(of: String(decoding: data, as: UTF8.self))
    _ = LoopbackHTTPServer.Request.formItems(String(decoding: data, as: UTF8.self))
}

func fuzzJournal(_ data: Data) {
    data.withUnsafeBytes { raw in
        let (_, payload) = JournalLineReader.read(raw)
        if let payload { check(payload.lowerBound >= 0 && payload.upperBound <= raw.count, "payload range outside the line") }
    }
    // Framed with a correct checksum, so the record decoder sees the input.
    let checksum = CRC32C.checksum(data)
    var framed = Array(String(format: "%08x ", checksum).utf8)
    framed += data
    framed.withUnsafeBytes { raw in
        let (_, payload) = JournalLineReader.read(raw)
        if let payload { check(payload.lowerBound >= 0 && payload.upperBound <= raw.count, "payload range outside the framed line") }
    }
}
