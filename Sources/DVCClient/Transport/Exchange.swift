import Foundation
import DVCCore

/// The core of the one request pipeline (trao đổi): encodes a body, sends a request, and maps
/// what can go wrong on the way — an unencodable body, no answer, a non-2xx status — to
/// ``PortalError``. The portal client (``PortalClient/send(_:_:)``), the payment platform and
/// gateway clients and the identity client all send through it, so these rules live once.
struct Exchange: Sendable {
    /// The transport, with whatever middleware the client put in front of it.
    let transport: any Transport

    /// Encodes `value` in the canonical wire form.
    static func body(_ value: some Encodable, operation: String) throws(PortalError) -> Data {
        do { return try PortalJSON.encode(value) } catch { throw PortalError(code: .invalidRequest, operation: operation, underlying: error) }
    }

    /// Sends `request`; with `requiringSuccess`, a non-2xx status throws ``PortalError/Code/httpStatus``.
    func send(_ request: PortalRequest, requiringSuccess: Bool = true) async throws(PortalError) -> PortalResponse {
        let response: PortalResponse
        do { response = try await transport.send(request) } catch let error as PortalError {
            throw error
        } catch {
            throw PortalError(code: .transport, operation: request.operation, underlying: error)
        }
        if requiringSuccess, !(200...299).contains(response.status) {
            throw PortalError(code: .httpStatus, operation: request.operation, httpStatus: response.status)
        }
        return response
    }
}
