import DVCCore
import Foundation

/// The dialect boundary: replies read by every shipped dialect, requests recognised by its server
/// side, dialect and mapping files, and timestamps in every format. The first byte chooses the part.
func fuzzDialects(_ data: Data) {
    guard let selector = data.first else { return }
    let rest = Data(data.dropFirst())
    let text = String(decoding: rest, as: UTF8.self)
    switch selector % 4 {
    case 0:
        for dialect in PortalDialect.shipped {
            if let reply = try? dialect.interpret([WireValue].self, body: rest) {
                check(reply.verdict != .success || reply.code != nil || dialect.replies.acceptsPlainText, "\(dialect.name): a success without a code")
            }
            _ = dialect.refusalMessage(rest)
        }
    case 1:
        // A target and a body, split at the first newline.
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let target = String(parts.first ?? ""), body = Data((parts.count > 1 ? String(parts[1]) : "").utf8)
        for dialect in PortalDialect.shipped {
            for method in ["GET", "POST"] {
                if let call = dialect.recognise(method: method, target: target, headers: ["Authorization": "Bearer x"], body: body) {
                    _ = try? call.payload([Dossier].self)
                }
            }
            // What the dialect itself sends, with the input as the unit code and credential, it recognises.
            let message = PortalOperation.syncDossiers.message(for: DossierUpload([], isUpdating: text.count % 2 == 0))
            if let request = try? dialect.request(for: message, credential: text, unitCode: text),
               let call = dialect.recognise(method: request.method.rawValue, target: request.target, headers: request.headers, body: Data(request.body)) {
                check(call.service == .syncDossiers && call.unitCode == text, "\(dialect.name): its own request is not recognised: \(text.debugDescription)")
            } else {
                check(false, "\(dialect.name): its own request is not laid out or not recognised: \(text.debugDescription)")
            }
        }
    case 2:
        if let dialect = try? PortalDialect(json: rest) { check((try? PortalDialect(json: dialect.jsonData())) == dialect, "a dialect does not round-trip") }
        _ = try? CodeMapping(json: rest)
        _ = try? CodeMapping(csv: text)
    default:
        if let (timestamp, format) = PortalTimestamp.parse(anyFormat: text), format != .isoMilliseconds {
            check(timestamp.formatted(format) == text, "\(text.debugDescription) does not format back in \(format.rawValue)")
        }
    }
}
