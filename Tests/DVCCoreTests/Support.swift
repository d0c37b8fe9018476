import DVCCore
import Foundation
import Testing

/// One rejected input of a table-driven validator test: the rule it must break and where.
struct Rejection: Sendable, CustomTestStringConvertible {
    let input: String
    let rule: CodeError.Rule
    let offset: Int

    init(_ input: String, _ rule: CodeError.Rule, at offset: Int) {
        self.input = input
        self.rule = rule
        self.offset = offset
    }

    var testDescription: String { "\"\(input)\" → \(rule.rawValue)@\(offset)" }
}

/// Asserts that `T` rejects `rejection.input` with its rule and offset, and that `isValid`
/// agrees.
func expectRejected<T: NationalCode>(_ type: T.Type, _ rejection: Rejection, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!T.isValid(rejection.input), "isValid accepted \(rejection.input)", sourceLocation: sourceLocation)
    do {
        let code = try T(rejection.input)
        Issue.record("accepted \(rejection.input) as \(code)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.kind == T.kind, sourceLocation: sourceLocation)
        #expect(error.rule == rejection.rule, "rule", sourceLocation: sourceLocation)
        #expect(error.offset == rejection.offset, "offset", sourceLocation: sourceLocation)
    }
}

/// Encodes `value` to JSON and back, and returns the JSON text.
@discardableResult
func roundTrip<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    let decoded = try JSONDecoder().decode(T.self, from: data)
    #expect(decoded == value, sourceLocation: sourceLocation)
    return String(decoding: data, as: UTF8.self)
}

/// A fixture file of this test target, by name.
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

extension CalendarDate {
    /// A date from literals known to be valid (tests only).
    static func ymd(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            preconditionFailure("invalid test date \(year)-\(month)-\(day)")
        }
        return date
    }
}

/// Any JSON rendered canonically: keys in byte order (as `JSONEncoder`'s `.sortedKeys`), no
/// spaces, strings escaped by `JSONEncoder` itself, `/` unescaped. Fixtures are compared to
/// DVCKit's output in this form ("byte for byte after key ordering").
func canonicalJSON(_ data: Data) throws -> String {
    let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    return try render(object)
}

private func render(_ value: Any) throws -> String {
    switch value {
    case let dictionary as [String: Any]:
        let keys = dictionary.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return "{" + (try keys.map { "\(try renderString($0)):\(try render(dictionary[$0] ?? NSNull()))" }.joined(separator: ",")) + "}"
    case let array as [Any]:
        return "[" + (try array.map(render).joined(separator: ",")) + "]"
    case let string as String:
        return try renderString(string)
    case let flag as Bool where type(of: value) == Bool.self:
        return flag ? "true" : "false"
    case let number as NSNumber:
        return number.stringValue
    case is NSNull:
        return "null"
    default:
        return String(describing: value)
    }
}

private func renderString(_ string: String) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return String(decoding: try encoder.encode(string), as: UTF8.self)
}
