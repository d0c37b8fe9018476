/// The configuration takes DVCCore's validation context.
public import DVCCore
/// Refusals are DVCClient's `PortalError`s; events go to a `PortalEventSink`.
public import DVCClient
/// `Date` appears in the configuration (the engine's clock).
public import Foundation

extension SyncEngine {
    /// How the engine batches, how much it sends at once, and when it gives up (cấu hình đồng bộ).
    public struct Configuration: Sendable {
        /// Dossiers per `DongBoHoSoMC` call. Whether the portal limits this is not published;
        /// 50 is a conservative default, and an HTTP 413 halves it for the engine's life.
        public var dossierBatchSize: Int
        /// Progress entries per `CapNhatTienDoHoSoMC` call; 10, as a provincial system sends.
        public var progressBatchSize: Int
        /// Batches in flight at once. The versions of one dossier are still sent one at a time,
        /// in the order they were enqueued.
        public var concurrency: Int
        /// Failed attempts after which an entry that fails alone — while the portal accepts the
        /// same call for other dossiers — is dead-lettered as ``DeadLetterReason/Kind/attemptsExhausted``.
        public var maximumAttempts: Int
        /// After this many calls of one operation in a row fail transiently (after the client's
        /// own retries), the round stops: the portal — or that service of it — is down, and
        /// hammering it helps nobody. Two halves of a split batch count once, and only when both
        /// fail.
        public var maximumConsecutiveFailures: Int
        /// Refusals in a row before the next dossier goes as a *probe*; when the probe is refused
        /// too (more than this many in a row, nothing accepted between), the refusal is taken as
        /// systemic — a misconfiguration, an adapter outage answered as a refusal — and the round
        /// stops. Either way nothing is dead-lettered for it: a refused dossier is dead-lettered
        /// only when it is refused again after the portal accepted another dossier.
        public var systemicRefusalThreshold: Int
        /// How long a claim holds its entries (an outbox shared by several workers hands entries
        /// of a crashed worker out again after this). A round renews the leases it holds every
        /// quarter of this, and starts a call only while at least half of a lease is left.
        public var lease: Duration
        /// What a dossier is checked against before it is accepted. `syncingUnit` defaults to the
        /// client's unit code; `previousStatus` is filled from the outbox per dossier.
        public var validation: DossierValidationContext?
        /// After a round, a ``CompactingOutbox`` is compacted once it holds this many records only
        /// history needs; `nil` never compacts automatically.
        public var compactionThreshold: Int?
        /// Where the engine's events go (the same sink a `PortalClient` takes); `nil`: nowhere.
        public var eventSink: (any PortalEventSink)?
        /// Local codes to national ones, applied to every enqueued dossier before it is validated
        /// (``DVCCore/Dossier/mapped(by:)``); `nil`: none.
        public var codeMapping: CodeMapping?
        /// How the engine waits (backoff between rounds, the lease heartbeat): `Task.sleep` by
        /// default; a simulation passes its virtual clock's.
        public var sleeper: any Sleeper
        /// The engine's clock: `Date()` by default; a simulation passes its virtual clock's.
        public var now: @Sendable () -> Date

        /// Creates a configuration.
        public init(dossierBatchSize: Int = 50, progressBatchSize: Int = 10, concurrency: Int = 4, maximumAttempts: Int = 10,
                    maximumConsecutiveFailures: Int = 3, systemicRefusalThreshold: Int = 3,
                    lease: Duration = .seconds(300), validation: DossierValidationContext? = nil, compactionThreshold: Int? = 100_000,
                    eventSink: (any PortalEventSink)? = nil, codeMapping: CodeMapping? = nil,
                    sleeper: any Sleeper = TaskSleeper(), now: @escaping @Sendable () -> Date = { Date() }) {
            self.dossierBatchSize = max(1, dossierBatchSize)
            self.progressBatchSize = max(1, progressBatchSize)
            self.concurrency = max(1, concurrency)
            self.maximumAttempts = max(1, maximumAttempts)
            self.maximumConsecutiveFailures = max(1, maximumConsecutiveFailures)
            self.systemicRefusalThreshold = max(2, systemicRefusalThreshold)
            self.lease = lease
            self.validation = validation
            self.compactionThreshold = compactionThreshold.map { max(1, $0) }
            self.eventSink = eventSink
            self.codeMapping = codeMapping
            self.sleeper = sleeper
            self.now = now
        }
    }

    /// The outcome of one ``SyncEngine/sync()`` round (vòng đồng bộ).
    public struct Round: Sendable, CustomStringConvertible {
        /// Why a round stopped before everything claimable was tried.
        public struct StopReason: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
            /// The name.
            public let rawValue: String
            /// Creates a reason.
            public init(rawValue: String) { self.rawValue = rawValue }
            /// The name.
            public var description: String { rawValue }

            /// ``Configuration/maximumConsecutiveFailures`` batches in a row failed transiently.
            public static let portalUnavailable = StopReason(rawValue: "portal-unavailable")
            /// More than ``Configuration/systemicRefusalThreshold`` dossiers in a row were refused, a
            /// probe among them, with nothing accepted between.
            public static let systemicRefusal = StopReason(rawValue: "systemic-refusal")
            /// Logging in failed, or the session kept expiring.
            public static let session = StopReason(rawValue: "session")
            /// The outbox could not be read or written.
            public static let outbox = StopReason(rawValue: "outbox")
            /// The round's task was cancelled.
            public static let cancelled = StopReason(rawValue: "cancelled")
        }

        /// Entries acknowledged (dossier and all progress) in this round.
        public var acknowledged = 0
        /// Entries dead-lettered in this round.
        public var deadLettered = 0
        /// Portal calls made (batches, halves and single-dossier retries; the client's own retries not counted).
        public var calls = 0
        /// Batches (or halves) that failed transiently.
        public var transientFailures = 0
        /// Batches split in two (bisection after repeated failures, or HTTP 413).
        public var splits = 0
        /// Entries still pending after the round.
        public var remaining = 0
        /// The last error that was not a permanent refusal, if any (redacted like every `PortalError`).
        public var lastError: PortalError?
        /// Why the round stopped early, if it did.
        public var stopReason: StopReason?
        /// The systemic refusal that stopped the round (the portal's message, redacted).
        public var systemicRefusal: String?
        /// Why the outbox failed, when ``stopReason`` is ``StopReason/outbox``.
        public var outboxError: String?
        /// Entries refused once in this round and held — neither sent again nor dead-lettered —
        /// because the portal accepted nothing else after the refusal (see
        /// ``Configuration/systemicRefusalThreshold``).
        public var held = 0
        /// Whether the outbox was compacted after the round.
        public var compacted = false
        /// Why compaction failed, if it did (the outbox is intact; it is tried again next round).
        public var compactionError: String?

        /// Whether the round stopped early.
        public var stoppedEarly: Bool { stopReason != nil && stopReason != .cancelled }
        /// Whether the round stopped because its task was cancelled.
        public var cancelled: Bool { stopReason == .cancelled }
        /// Whether anything was settled (acknowledged or dead-lettered).
        public var madeProgress: Bool { acknowledged > 0 || deadLettered > 0 }

        /// One line.
        public var description: String {
            var text = "acknowledged \(acknowledged), dead-lettered \(deadLettered), calls \(calls), transient failures \(transientFailures), remaining \(remaining)"
            if splits > 0 { text += ", splits \(splits)" }
            if held > 0 { text += ", held \(held)" }
            if let stopReason {
                let detail = systemicRefusal ?? outboxError ?? lastError.map(String.init(describing:))
                text += " (stopped: \(stopReason)\(detail.map { ": \($0)" } ?? ""))"
            }
            return text
        }
    }
}
