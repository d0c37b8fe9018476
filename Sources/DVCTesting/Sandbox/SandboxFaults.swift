/// Faults the sandbox injects, deterministically from a seed (lỗi giả lập), so an integration
/// can prove it survives what the real portal does on a bad day.
///
/// Written as `error=0.2,timeout=0.05,drop=0.01,slow=0.1,malformed=0.02,duplicate=0.1,expire=1000`:
/// each value but `expire` is a probability per operational call; `expire=N` ends every session
/// after every N calls.
public struct SandboxFaults: Sendable, Hashable, CustomStringConvertible {
    /// HTTP 500 or 503 (with `Retry-After: 1`).
    public var error: Double = 0
    /// No response before the client's timeout (the answer comes after ``timeoutDelay``).
    public var timeout: Double = 0
    /// The connection closes mid-response (in process: a transport error).
    public var drop: Double = 0
    /// The answer comes after ``slowDelay``.
    public var slow: Double = 0
    /// A truncated JSON body.
    public var malformed: Double = 0
    /// Payment callbacks delivered twice.
    public var duplicate: Double = 0
    /// Every N calls, every session expires (0: never).
    public var expireEvery: Int = 0
    /// How long a `timeout` answer waits.
    public var timeoutDelay: Duration = .seconds(8)
    /// How long a `slow` answer waits.
    public var slowDelay: Duration = .milliseconds(200)

    /// No faults.
    public init() {}

    /// Parses `error=0.2,timeout=0.05,…`.
    /// - Throws: a message naming the bad entry.
    public init(_ spec: String) throws {
        for entry in spec.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw SandboxError("fault \"\(entry)\" is not name=value") }
            if parts[0] == "expire" {
                guard let n = Int(parts[1]), n >= 0 else { throw SandboxError("expire takes a whole number of calls") }
                expireEvery = n
                continue
            }
            guard let p = Double(parts[1]), (0...1).contains(p) else { throw SandboxError("\(parts[0]) takes a probability 0…1") }
            switch parts[0] {
            case "error": error = p
            case "timeout": timeout = p
            case "drop": drop = p
            case "slow": slow = p
            case "malformed": malformed = p
            case "duplicate": duplicate = p
            default: throw SandboxError("unknown fault \(parts[0]); known: error, timeout, drop, slow, malformed, duplicate, expire")
            }
        }
    }

    /// The spec form.
    public var description: String {
        "error=\(error),timeout=\(timeout),drop=\(drop),slow=\(slow),malformed=\(malformed),duplicate=\(duplicate),expire=\(expireEvery)"
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
struct SeededRandom: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
