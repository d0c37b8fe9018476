// dvc-sandbox: the portal sandbox over HTTP, for any client in any language.
//   swift run dvc-sandbox --port 8080 --faults error=0.2,expire=1000 --seed 42
// Prints "listening on http://127.0.0.1:PORT" once ready; serves until SIGINT or SIGTERM.
import DVCCommandLine
import DVCTesting
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let help = """
usage: dvc-sandbox [--port N] [--host A] [--faults SPEC] [--seed S] [--latency MS] [--session-lifetime SEC] [--accept-invalid]
                   [--strict-transitions] [--accounts FILE] [--payment-callback URL] [--dialect NAME|FILE]

Serves a stand-in for the national portal on loopback:
  POST /auth                 login {"username","password"} → {"session","error_code":0}
  POST /api/integration      operational services (DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo, LayThuTuc, LayDVC, …)
  POST /api/share            catalogues (LayDanhSachTTHC, LayDanhMucCoQuan, LayDanhMucLinhVuc, TraCuuTechID)
  POST /payment              payment platform (INIT, QUERY, GET_BILL; partner SANDBOX, secret sandbox-secret)
  GET  /pay/REFERENCE        the payment page INIT returns: opening it pays (?result=failed fails) and sends the callback
  GET  /oidc/authorize, POST /oidc/token, /oidc/userinfo, /oidc/validate, /oidc/revoke   identity (client sandbox-client)
  GET  /_sandbox/state[?after=CODE&limit=N]   what the sandbox received, as JSON

Options:
  --port N               port to bind (default 0: pick a free one)
  --host A               address to bind (default 127.0.0.1)
  --faults SPEC          comma-separated faults, each a probability per call except expire and expire-message:
\(SandboxFaults.help.split(separator: "\n").map { "                           " + $0 }.joined(separator: "\n"))
  --seed S               seed of the fault generator (default 1): same seed, same faults
  --latency MS           delay every answer by MS milliseconds, as a distant portal would
  --session-lifetime SEC session lifetime in seconds (default 600)
  --accept-invalid       accept invalid dossiers and flag them in the state (default: reject with a reason)
  --strict-transitions   refuse a status transition the inferred table does not list (default: accept it)
  --accounts FILE        JSON object of username → password (default {"sandbox":"sandbox"}); any madonvi is accepted
  --payment-callback URL where signed confirm callbacks are POSTed (your one-stop system's endpoint)
  --dialect NAME|FILE    the dialect to serve: reference (default), td-gateway, hg-gateway, dvc-api, or a JSON file
  --help                 print this text
"""

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("dvc-sandbox: \(message)\nTry 'dvc-sandbox --help'.\n".utf8))
    exit(2)
}

let arguments: Arguments
do {
    arguments = try Arguments(Array(CommandLine.arguments.dropFirst()),
                              options: ["--port", "--host", "--faults", "--seed", "--latency", "--session-lifetime", "--accounts", "--payment-callback", "--dialect"],
                              flags: ["--help", "--accept-invalid", "--strict-transitions"])
} catch {
    fail(error.message)
}
if arguments.has("--help") {
    print(help)
    exit(0)
}
if let extra = arguments.positionals.first { fail("unexpected argument \(extra)") }

var configuration = PortalSandbox.Configuration()
configuration.acceptsInvalid = arguments.has("--accept-invalid")
if arguments.has("--strict-transitions") { configuration.statusTransitionSeverity = .error }
if let name = arguments[option: "--dialect"] {
    do { configuration.dialect = try PortalOptions.dialect(named: name) } catch { fail(error.message) }
}
if let spec = arguments[option: "--faults"] {
    do { configuration.faults = try SandboxFaults(spec) } catch { fail("--faults: \(error)") }
}
if let seed = arguments[option: "--seed"] {
    guard let value = UInt64(seed) else { fail("--seed takes a whole number") }
    configuration.seed = value
}
if let latency = arguments[option: "--latency"] {
    guard let milliseconds = Int(latency), milliseconds >= 0 else { fail("--latency takes a whole number of milliseconds") }
    configuration.latency = .milliseconds(milliseconds)
}
if let lifetime = arguments[option: "--session-lifetime"] {
    guard let seconds = Int(lifetime), seconds > 0 else { fail("--session-lifetime takes a positive number of seconds") }
    configuration.sessionLifetime = .seconds(seconds)
}
if let path = arguments[option: "--accounts"] {
    guard let data = FileManager.default.contents(atPath: path),
          let accounts = try? JSONDecoder().decode([String: String].self, from: data), !accounts.isEmpty else {
        fail("--accounts \(path): expected a JSON object of username → password")
    }
    configuration.accounts = accounts
}
if let callback = arguments[option: "--payment-callback"] {
    guard let url = URL(string: callback), url.scheme != nil else { fail("--payment-callback takes a URL") }
    configuration.paymentCallbackURL = url
}
let port: UInt16
if let text = arguments[option: "--port"] {
    guard let value = UInt16(text) else { fail("--port takes 0…65535") }
    port = value
} else {
    port = 0
}

let sandbox = PortalSandbox(configuration: configuration)
let server: LoopbackHTTPServer
let host = arguments[option: "--host"] ?? "127.0.0.1"
if !host.hasPrefix("127.") {
    // Asked for explicitly on the command line; say what it means.
    FileHandle.standardError.write(Data("dvc-sandbox: serving \(host): other machines can reach a portal stand-in with test accounts\n".utf8))
}
do { server = try sandbox.serve(host: host, port: port, allowsNonLoopback: true) } catch { fail("\(error)") }

signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let stop: @Sendable () -> Void = {
    server.stop()
    exit(0)
}
let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
interrupt.setEventHandler(handler: stop)
interrupt.resume()
let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
terminate.setEventHandler(handler: stop)
terminate.resume()

// Written straight to the descriptor: nothing buffered, so a parent process sees it at once.
var ready = FileDescriptorOutput(1)
Data("listening on http://\(server.host):\(server.port)\n".utf8).withUnsafeBytes { ready.write($0) }
dispatchMain()
