import DVCCore
import Foundation

/// The wire codec against Foundation's coders: every input decoded both ways (leniently and
/// strictly) must give the same value, the same defects and warnings, or the same error; every
/// value that decodes must encode to the same bytes both ways, in every shipped dialect's style.
func fuzzCodec(_ data: Data) {
    guard let selector = data.first else { return }
    let body = data.dropFirst()
    switch selector % 8 {
    case 0: same(Dossier.self, body)
    case 1: same(DossierSyncRequest.self, body)
    case 2: same([Dossier].self, body)
    case 3: same(ProgressEntry.self, body)
    case 4: same(PaymentRequest.self, body)
    case 5: same(MonthlyStatistics.self, body)
    case 6: same([String: WireValue].self, body)
    default: same(Procedure.self, body)
    }
}

/// What one decode gave, comparable across coders (issues sorted: Foundation lists an object's
/// keys in its dictionary's order, so two unknown keys' issues come in either order).
private enum Outcome<T: Equatable>: Equatable {
    case value(T, [String])
    case defects([String])
    case other(String)

    /// The same value and warnings, or the same defects; or both failed and one of them with an
    /// error of Foundation's own.
    func agrees(with other: Outcome) -> Bool {
        switch (self, other) {
        case (.other, .other), (.other, .defects), (.defects, .other): true
        default: self == other
        }
    }
}

private func outcome<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, _ strictness: WireStrictness, _ codec: WireCodec) -> Outcome<T> {
    var warnings: [ValidationIssue] = []
    do {
        let value = try PortalJSON.decode(type, from: data, strictness: strictness, codec: codec, warnings: &warnings)
        return .value(value, warnings.map(\.description).sorted())
    } catch let error as WireDecodingError {
        return .defects(error.issues.map(\.description).sorted())
    } catch {
        return .other(String(describing: error))
    }
}

private func same<T: Codable & Equatable>(_ type: T.Type, _ data: Data) {
    for strictness in [WireStrictness.lenient, .strict] {
        let fast = outcome(type, data, strictness, .fast), foundation = outcome(type, data, strictness, .foundation)
        // Where Foundation throws one of its own errors, which one it meets first follows its
        // dictionary's per-instance order (and so can vary between two calls on the same bytes):
        // then only the verdict — it failed — must agree. Two letter-case spellings of one key
        // likewise leave the alias to that order.
        check(fast.agrees(with: foundation) || hasCaseVariantKeys(data),
              "\(T.self) \(strictness): the fast codec and Foundation disagree on \(String(decoding: data.prefix(300), as: UTF8.self)): "
              + "\(String(describing: fast).prefix(400)) ≠ \(String(describing: foundation).prefix(400))")
        guard case .value(let value, _) = fast else { continue }
        for dialect in PortalDialect.shipped {
            let fastBytes = try? PortalJSON.encode(value, style: dialect.style, codec: .fast)
            let foundationBytes = try? PortalJSON.encode(value, style: dialect.style, codec: .foundation)
            check(fastBytes == foundationBytes, "\(T.self): the fast codec and Foundation write different bytes in \(dialect.name)")
        }
    }
}

/// Whether two keys of the document (any objects) differ only in letter case.
private func hasCaseVariantKeys(_ data: Data) -> Bool {
    let bytes = Array(data)
    var keys: [String: String] = [:]
    var index = 0
    while index < bytes.count {
        guard bytes[index] == UInt8(ascii: "\"") else { index += 1; continue }
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
        guard end < bytes.count else { break }
        var after = end + 1
        while after < bytes.count, bytes[after] == 0x20 || bytes[after] == 0x0A || bytes[after] == 0x0D || bytes[after] == 0x09 { after += 1 }
        if after < bytes.count, bytes[after] == UInt8(ascii: ":") {
            let key = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            if let seen = keys[key.lowercased()], seen != key { return true }
            keys[key.lowercased()] = key
        }
        index = end + 1
    }
    return false
}
