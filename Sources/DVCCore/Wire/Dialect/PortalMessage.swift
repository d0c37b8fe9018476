/// One service call as DVCKit means it, before a ``PortalDialect`` lays it out (lời gọi dịch
/// vụ): the service, its named parameters, its payload (the standard's `data`), and for dossier
/// sync whether it creates or updates.
public struct PortalMessage: Sendable {
    /// A parameter's value: text, or a whole number written as a JSON number.
    public enum Value: Sendable, Hashable {
        /// Text.
        case text(String)
        /// A whole number.
        case number(Int64)

        /// The value as query-string text.
        public var text: String {
            switch self {
            case .text(let text): return text
            case .number(let number): return String(number)
            }
        }
    }

    /// The service.
    public var service: PortalService
    /// Whether the call only reads (catalogues, look-ups), which decides its default route.
    public var isRead: Bool
    /// Named parameters (`mahoso`, `maTTHC`, …).
    public var parameters: [String: Value]
    /// The payload, sent as `data` in an envelope or as the body of a bare request.
    public var payload: (any Encodable & Sendable)?
    /// For dossier sync: update (`true`) or create (`false`); `nil` for other services.
    public var isUpdating: Bool?

    /// Creates a message.
    public init(service: PortalService, isRead: Bool = false, parameters: [String: Value] = [:], payload: (any Encodable & Sendable)? = nil,
                isUpdating: Bool? = nil) {
        self.service = service
        self.isRead = isRead
        self.parameters = parameters
        self.payload = payload
        self.isUpdating = isUpdating
    }
}

/// A request laid out by a dialect, independent of any HTTP library: method, path under the
/// adapter URL, query items, headers and body (yêu cầu theo phương ngữ).
public struct DialectRequest: Sendable, Hashable {
    /// The method.
    public var method: PortalDialect.Method
    /// The path under the adapter URL.
    public var path: String
    /// Query items, in order.
    public var query: [QueryItem]
    /// Headers the dialect adds (content type, credentials).
    public var headers: [String: String]
    /// The body (empty for `GET`).
    public var body: [UInt8]

    /// One query item.
    public struct QueryItem: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The value.
        public var value: String

        /// Creates an item.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a request.
    public init(method: PortalDialect.Method, path: String, query: [QueryItem] = [], headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The path with its percent-encoded query string.
    public var target: String {
        query.isEmpty ? path : path + "?" + Self.formEncoded(query)
    }

    /// `name=value&…`, every character but RFC 3986's unreserved ones percent-encoded: a query
    /// string, or an `application/x-www-form-urlencoded` body.
    public static func formEncoded(_ items: [QueryItem]) -> String {
        items.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return out
    }
}
