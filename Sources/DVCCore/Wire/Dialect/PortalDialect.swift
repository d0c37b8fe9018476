/// How one deployment speaks the exchange (phương ngữ của cổng kết nối): the body's shape, the
/// URL of each service, where the unit code and the create/update flag go, how a reply says
/// success or "already exists", how the client authenticates, and how dates and numbers are
/// written.
///
/// The national portal's own contract (the reference system's `session`/`service` envelope) is
/// ``reference``, the default everywhere. Provincial and ministerial gateways (LGSP/NGSP) and
/// newer APIs speak otherwise; DVCKit ships three such profiles — ``tdGateway``, ``hgGateway``
/// and ``dvcAPI`` — and a dialect of your own is a value you build in code or load from JSON
/// (``init(json:)``), the form `dvc-sync --dialect FILE` reads.
///
/// A dialect is data, not code: the client builds requests from it
/// (``request(for:credential:unitCode:)``), reads replies by it (``interpret(status:body:)``), and
/// the sandbox serves it (``recognise(method:target:headers:body:)``), so all three agree by
/// construction.
///
/// ```swift
/// var dialect = PortalDialect.tdGateway
/// dialect.routes["DongBoHoSoMC"]?.path = "/lgsp/hoso/them"
/// let client = PortalClient(configuration: .init(adapterURL: url, dialect: dialect, …), transport: HTTPTransport())
/// ```
public struct PortalDialect: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whether a request body is the envelope or the bare payload.
    public enum Framing: String, Sendable, Hashable, Codable {
        /// `{"session", "madonvi", "service", parameters…, "data": payload}` to one URL per
        /// endpoint group (the reference contract).
        case envelope
        /// The payload itself (usually a JSON array) as the body, parameters in the query
        /// string, one URL per service (provincial gateways).
        case bare
    }

    /// The HTTP method of a route.
    public enum Method: String, Sendable, Hashable, Codable {
        /// `GET`: parameters in the query string, no body.
        case get = "GET"
        /// `POST`.
        case post = "POST"
    }

    /// Where one service is sent.
    public struct Route: Sendable, Hashable, Codable {
        /// The path under the adapter URL; `{service}` is replaced by the service name.
        public var path: String
        /// The method.
        public var method: Method
        /// For dossier sync only: where *updates* go when the deployment separates them from
        /// creates (then no create/update flag is sent).
        public var updatePath: String?

        /// Creates a route.
        public init(path: String, method: Method = .post, updatePath: String? = nil) {
            self.path = path
            self.method = method
            self.updatePath = updatePath
        }
    }

    /// Where a named value (the unit code, the create/update flag) travels.
    public enum Placement: String, Sendable, Hashable, Codable {
        /// In the envelope body.
        case body
        /// In the query string.
        case query
        /// In a header.
        case header
        /// Not sent at all.
        case omitted
    }

    /// A named value's placement and key.
    public struct Field: Sendable, Hashable, Codable {
        /// Where it goes.
        public var placement: Placement
        /// Its name there.
        public var key: String

        /// Creates a field.
        public init(_ placement: Placement, key: String) {
            self.placement = placement
            self.key = key
        }
    }

    /// How the create/update flag of dossier sync is written.
    public struct UpdatingFlag: Sendable, Hashable, Codable {
        /// Where it goes (``Placement/omitted`` when the route separates creates from updates).
        public var field: Field
        /// The text for an update.
        public var trueText: String
        /// The text for a create.
        public var falseText: String

        /// Creates the flag's description; the reference writes `"True"`/`"False"`.
        public init(_ field: Field, trueText: String = "True", falseText: String = "False") {
            self.field = field
            self.trueText = trueText
            self.falseText = falseText
        }
    }

    /// How the client proves who it is (xác thực): the scheme, the endpoint it obtains its
    /// credential from, and where the credential then travels.
    public struct Authentication: Sendable, Hashable, Codable {
        /// The schemes.
        public enum Scheme: String, Sendable, Hashable, Codable {
            /// No credential.
            case none
            /// `POST {username, password}` → `{"session"}`, then the session in every body
            /// (the reference contract).
            case session
            /// OAuth2 client credentials (`grant_type=client_credentials`, the username as
            /// `client_id`, the password as `client_secret`) → `access_token`, then
            /// `Authorization: Bearer …`.
            case clientCredentials
            /// The same token request, the token then in a gateway header (``header``), as LGSP
            /// gateways take it.
            case gatewayToken
        }

        /// The scheme.
        public var scheme: Scheme
        /// The path of the login or token endpoint.
        public var path: String
        /// Where the credential goes in each call: the body key for ``Scheme/session``, the header
        /// name for the token schemes.
        public var key: String

        /// Creates an authentication description.
        public init(_ scheme: Scheme, path: String, key: String) {
            self.scheme = scheme
            self.path = path
            self.key = key
        }
    }

    /// How a reply is read.
    public struct Replies: Sendable, Hashable, Codable {
        /// The keys that may carry the code, first found wins; a dotted key reads inside an
        /// object (`result.error_code`).
        public var codeKeys: [String]
        /// Codes that mean success, compared after trimming spaces.
        public var successCodes: [String]
        /// When not empty, success also needs the message to contain one of these (lower-case).
        public var successPhrases: [String]
        /// The keys of the message.
        public var messageKeys: [String]
        /// The keys of the data.
        public var resultKeys: [String]
        /// Codes that, with a phrase of ``alreadyExistsPhrases`` (when there are any), mean
        /// "this dossier already exists"; empty: the phrase alone decides.
        public var alreadyExistsCodes: [String]
        /// Lower-case fragments of a message that say the dossier already exists.
        public var alreadyExistsPhrases: [String]
        /// Whether a 2xx plain-text body (not JSON) is an answer: success when it contains a
        /// phrase of ``successPhrases``, a refusal otherwise.
        public var acceptsPlainText: Bool

        /// Creates reply rules; the defaults read the reference contract.
        public init(codeKeys: [String] = ["error_code"], successCodes: [String] = ["0", "00"], successPhrases: [String] = [],
                    messageKeys: [String] = ["message"], resultKeys: [String] = ["result"], alreadyExistsCodes: [String] = [],
                    alreadyExistsPhrases: [String] = ["đã tồn tại", "da ton tai"], acceptsPlainText: Bool = false) {
            self.codeKeys = codeKeys
            self.successCodes = successCodes
            self.successPhrases = successPhrases.map { $0.lowercased() }
            self.messageKeys = messageKeys
            self.resultKeys = resultKeys
            self.alreadyExistsCodes = alreadyExistsCodes
            self.alreadyExistsPhrases = alreadyExistsPhrases.map { $0.lowercased() }
            self.acceptsPlainText = acceptsPlainText
        }
    }

    /// The name (`reference`, `td-gateway`, …).
    public var name: String
    /// One sentence on whom it describes.
    public var summary: String
    /// Envelope or bare payload.
    public var framing: Framing
    /// Routes by service name (``PortalService/rawValue``).
    public var routes: [String: Route]
    /// The route of a service that writes and is not in ``routes``.
    public var defaultRoute: Route
    /// The route of a service that reads and is not in ``routes``.
    public var readRoute: Route
    /// Where the unit code (`madonvi`) goes.
    public var unitCode: Field
    /// Where the create/update flag goes.
    public var updatingFlag: UpdatingFlag
    /// How the client authenticates.
    public var authentication: Authentication
    /// How replies are read.
    public var replies: Replies
    /// How payloads are written (date format, numbers).
    public var style: WireStyle

    /// Creates a dialect.
    public init(name: String, summary: String, framing: Framing, routes: [String: Route], defaultRoute: Route, readRoute: Route,
                unitCode: Field, updatingFlag: UpdatingFlag, authentication: Authentication, replies: Replies = Replies(),
                style: WireStyle = WireStyle()) {
        self.name = name
        self.summary = summary
        self.framing = framing
        self.routes = routes
        self.defaultRoute = defaultRoute
        self.readRoute = readRoute
        self.unitCode = unitCode
        self.updatingFlag = updatingFlag
        self.authentication = authentication
        self.replies = replies
        self.style = style
    }

    /// `dialect NAME`.
    public var description: String { "dialect \(name)" }

    /// The route `service` takes (a read or a write).
    public func route(for service: PortalService, isRead: Bool) -> Route {
        var route = routes[service.rawValue] ?? (isRead ? readRoute : defaultRoute)
        route.path = route.path.replacingOccurrences(of: "{service}", with: service.rawValue)
        route.updatePath = route.updatePath?.replacingOccurrences(of: "{service}", with: service.rawValue)
        return route
    }
}
