/// The engine reports through DVCClient's event types.
public import DVCClient

extension PortalEvent.Kind {
    /// A sync round started.
    public static let roundStarted = Self(rawValue: "round-started")
    /// A sync round finished (metadata: acknowledged, deadLettered, calls, remaining, stopReason).
    public static let roundFinished = Self(rawValue: "round-finished")
    /// A batch was delivered (metadata: size, acknowledged).
    public static let batchSent = Self(rawValue: "batch-sent")
    /// A batch failed transiently (metadata: size, attempts, error).
    public static let batchFailed = Self(rawValue: "batch-failed")
    /// A batch was split in two (metadata: size, why).
    public static let batchSplit = Self(rawValue: "batch-split")
    /// An entry was dead-lettered (metadata: sequence, dossier, kind, reason).
    public static let deadLettered = Self(rawValue: "dead-lettered")
    /// A refusal hit several dossiers in a row: nothing was dead-lettered for it (metadata: count, reason).
    public static let systemicRefusal = Self(rawValue: "systemic-refusal")
    /// The portal refused an entry sent alone; it is held until the evidence decides (metadata:
    /// sequence, episodes — refusals separated by the portal accepting other dossiers).
    public static let refusalHeld = Self(rawValue: "refusal-held")
    /// The engine waits before the next round (metadata: delay, why).
    public static let backoff = Self(rawValue: "backoff")
}

extension PortalEvent {
    /// An event of the sync engine (operation `sync`); every value is already redacted.
    static func sync(_ kind: Kind, _ message: String, _ metadata: [String: String] = [:]) -> PortalEvent {
        PortalEvent(kind: kind, operation: "sync", message: Redaction.text(message), metadata: metadata.mapValues(Redaction.text))
    }
}
