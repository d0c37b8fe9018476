import Foundation

/// Faults the sandbox injects, deterministically from a seed (lỗi giả lập), so an integration
/// can prove it survives what the real portal and its adapters do on a bad day.
///
/// Written as `error=0.2,timeout=0.05,applied-then-drop=0.05,refuse=0.1,expire=1000`: each value
/// is a probability per operational call, except `expire=N` (every session ends every N calls) and
/// `expire-message=TEXT` (the wording of the expired-session answer). Faults that *apply* the
/// request and then lose the answer (`applied-then-*`) exercise the at-least-once path: the
/// client cannot know the portal has the data.
public struct SandboxFaults: Sendable, Hashable, CustomStringConvertible {
    /// HTTP 500 or 503 (with `Retry-After: 1`), before the request is applied.
    public var error: Double = 0
    /// No response before the client's timeout (the answer comes after ``timeoutDelay``), not applied.
    public var timeout: Double = 0
    /// The connection closes mid-response (in process: a transport error), not applied.
    public var drop: Double = 0
    /// The answer comes after ``slowDelay`` (and is applied).
    public var slow: Double = 0
    /// A truncated JSON body, not applied.
    public var malformed: Double = 0
    /// HTTP 200 with `error_code` `-1` — an adapter's way of reporting its own outage — not applied.
    public var refuse: Double = 0
    /// The request is applied, then the connection closes before the answer.
    public var appliedThenDrop: Double = 0
    /// The request is applied, then the answer comes after ``timeoutDelay`` (the client has given up).
    public var appliedThenTimeout: Double = 0
    /// Payment callbacks delivered twice.
    public var duplicate: Double = 0
    /// Every N calls, every session expires (0: never).
    public var expireEvery: Int = 0
    /// The message of the expired-session answer (`error_code` `-2`); `nil`: the sandbox's own wording.
    public var expireMessage: String?
    /// How long a `timeout` answer waits.
    public var timeoutDelay: Duration = .seconds(8)
    /// How long a `slow` answer waits.
    public var slowDelay: Duration = .milliseconds(200)

    /// No faults.
    public init() {}

    /// One fault that is a probability: its name in the spec, what it does, and where it is kept.
    struct Probability: Sendable {
        let name: String
        let help: String
        let get: @Sendable (SandboxFaults) -> Double
        let set: @Sendable (inout SandboxFaults, Double) -> Void
    }

    /// Every probability fault, in the order they are drawn and documented.
    static let probabilities: [Probability] = [
        .init(name: "error", help: "HTTP 500 or 503 with Retry-After: 1", get: \.error, set: { $0.error = $1 }),
        .init(name: "timeout", help: "answer after 8 s (longer than a client's 6 s timeout)", get: \.timeout, set: { $0.timeout = $1 }),
        .init(name: "drop", help: "close the connection mid-response", get: \.drop, set: { $0.drop = $1 }),
        .init(name: "malformed", help: "truncated JSON", get: \.malformed, set: { $0.malformed = $1 }),
        .init(name: "refuse", help: "HTTP 200 with error_code -1 (an adapter reporting its own outage)", get: \.refuse, set: { $0.refuse = $1 }),
        .init(name: "applied-then-drop", help: "apply the request, then close the connection before the answer",
              get: \.appliedThenDrop, set: { $0.appliedThenDrop = $1 }),
        .init(name: "applied-then-timeout", help: "apply the request, then answer after 8 s",
              get: \.appliedThenTimeout, set: { $0.appliedThenTimeout = $1 }),
        .init(name: "slow", help: "answer after 200 ms (still applied)", get: \.slow, set: { $0.slow = $1 }),
        .init(name: "duplicate", help: "payment callbacks delivered twice", get: \.duplicate, set: { $0.duplicate = $1 }),
    ]

    /// The help lines for every fault, for a command's `--help`.
    public static var help: String {
        (probabilities.map { "\($0.name)=P" }.map { $0.padding(toLength: 24, withPad: " ", startingAt: 0) }
            .enumerated().map { $1 + probabilities[$0].help }
            + ["expire=N".padding(toLength: 24, withPad: " ", startingAt: 0) + "every session expires every N calls",
               "expire-message=TEXT".padding(toLength: 24, withPad: " ", startingAt: 0) + "the expired-session answer's message"])
            .joined(separator: "\n")
    }

    /// Parses `error=0.2,timeout=0.05,…`.
    /// - Throws: ``SandboxError`` naming the bad entry.
    public init(_ spec: String) throws {
        for entry in spec.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw SandboxError("fault \"\(entry)\" is not name=value") }
            switch parts[0] {
            case "expire":
                guard let n = Int(parts[1]), n >= 0 else { throw SandboxError("expire takes a whole number of calls") }
                expireEvery = n
            case "expire-message":
                guard !parts[1].isEmpty else { throw SandboxError("expire-message takes a text") }
                expireMessage = parts[1]
            default:
                guard let fault = Self.probabilities.first(where: { $0.name == parts[0] }) else {
                    let known = Self.probabilities.map(\.name) + ["expire", "expire-message"]
                    throw SandboxError("unknown fault \(parts[0]); known: \(known.joined(separator: ", "))")
                }
                guard let p = Double(parts[1]), (0...1).contains(p) else { throw SandboxError("\(parts[0]) takes a probability 0…1") }
                fault.set(&self, p)
            }
        }
    }

    /// The spec form (non-zero faults only).
    public var description: String {
        var parts = Self.probabilities.filter { $0.get(self) > 0 }.map { "\($0.name)=\($0.get(self))" }
        if expireEvery > 0 { parts.append("expire=\(expireEvery)") }
        if let expireMessage { parts.append("expire-message=\(expireMessage)") }
        return parts.joined(separator: ",")
    }

    /// Two fault sets are equal when every setting is.
    public static func == (a: SandboxFaults, b: SandboxFaults) -> Bool { a.description == b.description && a.timeoutDelay == b.timeoutDelay && a.slowDelay == b.slowDelay }

    /// Hashes every setting.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
        hasher.combine(timeoutDelay)
        hasher.combine(slowDelay)
    }
}

/// A sandbox configuration error, in one sentence.
public struct SandboxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A small deterministic generator (SplitMix64): the same seed injects the same faults.
package struct SeededRandom: Sendable {
    private var state: UInt64
    /// A generator starting from `seed`.
    package init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    package mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform value in 0..<1.
    package mutating func next() -> Double { Double(nextBits() >> 11) / Double(1 << 53) }
}
