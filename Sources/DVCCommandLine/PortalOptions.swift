/// The command works on DVCKit's public types, which its own public API exposes.
public import DVCKit
/// `URL`, `Duration` and `Date` appear in this file's public API.
public import Foundation

/// How a command reaches the portal: `--portal URL --agency MADONVI --username U` and the endpoint
/// paths, with the password from the environment (`DVC_PORTAL_PASSWORD`) — never from the command
/// line, where every user of the machine could read it, and never printed.
public struct PortalOptions: Sendable {
    /// The options every portal command takes.
    public static let names: Set<String> = ["--portal", "--agency", "--username", "--auth-path", "--integration-path", "--share-path", "--timeout", "--dialect", "--mapping"]

    /// The environment variable holding the password.
    public static let passwordVariable = "DVC_PORTAL_PASSWORD"

    /// The help lines for these options.
    public static let help = """
      --portal URL           the adapter's base URL (https; plain http only to 127.0.0.1, ::1 or localhost)
      --agency MADONVI       the unit's portal code, sent as madonvi
      --username U           the adapter account; the password comes from \(passwordVariable)
      --dialect NAME|FILE    how the deployment speaks: reference (default), td-gateway, hg-gateway, dvc-api,
                             or a JSON dialect file (see Documentation/Dialects.md)
      --mapping FILE         local codes to national ones (JSON or .csv; see Documentation/Dialects.md),
                             applied to the files' dossiers before they are validated
      --auth-path P          login or token path (default: the dialect's; /auth for the reference)
      --integration-path P   operational services' path (default: the dialect's; /api/integration)
      --share-path P         shared catalogues' path (default: the dialect's; /api/share)
      --timeout SECONDS      how long to wait for each answer (default 6)
    """

    /// The adapter's base URL.
    public let url: URL
    /// The unit's code (`madonvi`).
    public let agency: AgencyCode
    /// The account.
    public let username: String
    /// The password (secret).
    let password: String
    /// How the deployment speaks (`--dialect`).
    public let dialect: PortalDialect
    /// Local codes to national ones (`--mapping`), applied to dossiers read from files.
    public let mapping: CodeMapping?
    /// Endpoint paths replacing the dialect's, when given.
    public let authPath: String?, integrationPath: String?, sharePath: String?
    /// The answer timeout.
    public let timeout: Duration

    /// Reads the options from `arguments` and the password from `environment`.
    /// - Throws: ``UsageError`` naming what is missing or wrong.
    public init(_ arguments: Arguments, environment: [String: String]) throws(UsageError) {
        guard let portal = arguments[option: "--portal"] else { throw UsageError("--portal URL is required") }
        guard let url = URL(string: portal), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw UsageError("--portal \(portal) is not a URL")
        }
        guard scheme == "https" || (scheme == "http" && HTTPTransport.isLoopback(host)) else {
            throw UsageError("--portal must be https (plain http is accepted for 127.0.0.1, ::1 and localhost only)")
        }
        guard let agencyText = arguments[option: "--agency"] else { throw UsageError("--agency MADONVI is required") }
        do { agency = try AgencyCode(validating: agencyText) } catch {
            throw UsageError("--agency \(agencyText) is not an agency code: \(error.rule.explanation(for: .agencyCode))")
        }
        guard let username = arguments[option: "--username"], !username.isEmpty else { throw UsageError("--username is required") }
        guard let password = environment[Self.passwordVariable], !password.isEmpty else {
            throw UsageError("set \(Self.passwordVariable) to the adapter password (it is never taken from the command line)")
        }
        var timeout = Duration.seconds(6)
        if let text = arguments[option: "--timeout"] {
            guard let seconds = Double(text), seconds > 0, seconds <= 3_600 else { throw UsageError("--timeout takes a number of seconds") }
            timeout = .milliseconds(Int(seconds * 1000))
        }
        self.url = url
        self.username = username
        self.password = password
        self.timeout = timeout
        authPath = arguments[option: "--auth-path"]
        integrationPath = arguments[option: "--integration-path"]
        sharePath = arguments[option: "--share-path"]
        dialect = try arguments[option: "--dialect"].map(Self.dialect(named:)) ?? .reference
        mapping = try arguments[option: "--mapping"].map(Self.mapping(at:))
    }

    /// A client for the portal over HTTP.
    public func client(eventSink: (any PortalEventSink)? = nil) -> PortalClient {
        let transport = HTTPTransport(configuration: .init(timeout: timeout, allowsInsecureLoopback: url.scheme?.lowercased() == "http"))
        return PortalClient(configuration: .init(adapterURL: url, dialect: dialect, authPath: authPath, integrationPath: integrationPath, sharePath: sharePath,
                                                 credentials: .init(username: username, password: password), unitCode: agency.rawValue,
                                                 timeout: timeout, eventSink: eventSink),
                            transport: transport)
    }

    /// A shipped dialect by name, or one read from a JSON file.
    /// - Throws: ``UsageError`` naming the file's wrong key, or the known names.
    public static func dialect(named text: String) throws(UsageError) -> PortalDialect {
        if let shipped = PortalDialect.named(text) { return shipped }
        guard let data = FileManager.default.contents(atPath: text) else {
            let names = PortalDialect.shipped.map(\.name).joined(separator: ", ")
            throw UsageError("--dialect \(text) is neither a dialect (\(names)) nor a readable file")
        }
        do { return try PortalDialect(json: data) } catch let error as PortalDialect.ConfigurationError {
            throw UsageError("--dialect \(text): \(error.message)")
        } catch {
            throw UsageError("--dialect \(text): \(error)")
        }
    }

    /// A code mapping read from a JSON or CSV file.
    /// - Throws: ``UsageError`` naming the table and local value that are wrong.
    public static func mapping(at path: String) throws(UsageError) -> CodeMapping {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--mapping \(path) cannot be read") }
        do { return try CodeMapping(contentsOf: data, named: path) } catch { throw UsageError("--mapping \(path): \(error)") }
    }
}
