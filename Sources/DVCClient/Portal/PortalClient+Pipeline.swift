import Foundation
/// `PortalOperation` appears in this file's public API.
public import DVCCore

extension PortalClient {
    /// Sends any operation through the one pipeline (đường gửi duy nhất) and returns its reply's
    /// data, `nil` when the reply carries none.
    ///
    /// Authenticate (cached, one login for concurrent calls) → lay out by the dialect → retry and
    /// events → transport → read by the dialect → when the answer says the credential is gone,
    /// authenticate again once and resend → map the outcome: a 2xx success returns its data, "already
    /// exists" throws ``PortalError/Code/alreadyExists``, another refusal ``PortalError/Code/rejected``,
    /// a non-2xx status ``PortalError/Code/httpStatus``, an unreadable reply
    /// ``PortalError/Code/invalidResponse``.
    public func send<Input, Output>(_ operation: PortalOperation<Input, Output>, _ input: Input) async throws(PortalError) -> Output? {
        let message = operation.message(for: input)
        let name = operation.service.rawValue
        let dialect = configuration.dialect
        var credential = try await authenticate(replacing: nil, operation: name)
        var response = try await deliver(message, credential: credential, operation: operation)
        if configuration.sessionExpiry.isExpired(response, in: dialect) {
            credential = try await authenticate(replacing: credential, operation: name)
            response = try await deliver(message, credential: credential, operation: operation)
            if configuration.sessionExpiry.isExpired(response, in: dialect) {
                throw PortalError(code: .sessionExpired, operation: name, portalMessage: dialect.refusalMessage(response.body), httpStatus: response.status)
            }
        }
        guard (200...299).contains(response.status) else {
            throw PortalError(code: .httpStatus, operation: name, httpStatus: response.status)
        }
        let reply: DialectReply<Output>
        do { reply = try dialect.interpret(Output.self, body: response.body) } catch {
            throw PortalError(code: .invalidResponse, operation: name, httpStatus: response.status, underlying: error)
        }
        switch reply.verdict {
        case .success:
            return reply.result
        case .alreadyExists, .refused:
            throw PortalError(code: reply.verdict == .alreadyExists ? .alreadyExists : .rejected, operation: name, portalCode: reply.code ?? "",
                              portalMessage: reply.message, httpStatus: response.status)
        }
    }

    private func authenticate(replacing stale: String?, operation: String) async throws(PortalError) -> String? {
        do { return try await authenticatorCredential(replacing: stale) } catch let error as PortalError {
            throw error
        } catch {
            throw PortalError(code: .loginFailed, operation: operation, underlying: error)
        }
    }

    /// Lays the message out and sends it through retry, events and the transport.
    private func deliver<Input, Output>(_ message: PortalMessage, credential: String?,
                                        operation: PortalOperation<Input, Output>) async throws(PortalError) -> PortalResponse {
        let name = operation.service.rawValue
        let laidOut: DialectRequest
        do { laidOut = try configuration.dialect.request(for: message, credential: credential, unitCode: configuration.unitCode) } catch {
            throw PortalError(code: .invalidRequest, operation: name, underlying: error)
        }
        var headers = laidOut.headers
        if let dstcode = configuration.dstcode { headers["dstcode"] = dstcode }
        let request = PortalRequest(method: laidOut.method == .get ? .get : .post, url: configuration.url(laidOut.target), headers: headers,
                                    body: Data(laidOut.body), timeout: configuration.timeout, operation: name, isIdempotent: operation.isIdempotent)
        // The status is judged after the session check (an expired session may answer 401).
        return try await Exchange(transport: pipelineTransport).send(request, requiringSuccess: false)
    }
}
