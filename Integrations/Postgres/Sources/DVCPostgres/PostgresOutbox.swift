/// The outbox protocol and its types are DVCSync's.
public import DVCSync
/// The outbox holds DVCCore's models.
public import DVCCore
/// `Date` appears in this file's public API.
public import Foundation

/// An ``DVCSync/Outbox`` in PostgreSQL (hàng đợi trong cơ sở dữ liệu) — for one-stop systems that
/// run on several application servers: the outbox lives in the system's own database, a dossier
/// can be enqueued in the same transaction that saves it (``append(_:validate:on:)``), and any
/// number of workers — processes or machines — sync from it without sending a version twice or
/// out of order.
///
/// Claims take the oldest pending version of each dossier with `SELECT … FOR UPDATE SKIP LOCKED`
/// and give it a lease; a crashed worker's lease expires and another worker takes the entry. A
/// later version of a dossier is never handed out while an earlier one is pending or leased.
/// Appends notify `dvc_outbox_SCHEMA`, so idle workers blocked in ``waitForWork(upTo:)`` wake. It passes
/// DVCTesting's `OutboxConformance`.
///
/// ```swift
/// let outbox = try PostgresOutbox(connection: "host=/run/postgresql dbname=motcua")
/// let engine = SyncEngine(client: client, outbox: outbox)
/// ```
public final class PostgresOutbox: Outbox {
    private let store: Store
    private let conninfo: String
    /// The schema the tables live in.
    public let schema: String

    /// Connects, creates the schema and its tables if missing (idempotent), and keeps one
    /// connection for this outbox. `conninfo` is never printed.
    /// - Throws: ``PostgresError``.
    public init(connection conninfo: String, schema: String = "dvc", now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.schema = try PostgresOutboxSchema.validated(schema)
        self.conninfo = conninfo
        let connection = try PostgresConnection(conninfo)
        try PostgresOutboxSchema.prepare(connection, schema: self.schema)
        store = Store(connection: connection, schema: self.schema, now: now)
    }

    /// Closes the connection.
    public func close() async { await store.close() }

    /// Appends changes in a transaction of its own (see ``DVCSync/Outbox/append(_:validate:)``).
    public func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) async throws -> [AppendOutcome] {
        try await store.append(changes, validate: validate)
    }

    /// Appends changes **inside the caller's open transaction** on `connection` — the
    /// transactional outbox: the dossier and its outbox entry commit or roll back together. The
    /// connection's `search_path` must include this outbox's schema (``schema``); workers are
    /// notified when the caller commits.
    public func append(_ changes: [EncodedChange], validate: (Int, LatestVersion?) -> [ValidationIssue],
                       on connection: PostgresConnection) throws -> [AppendOutcome] {
        try PostgresOutboxRows.append(changes, validate: validate, on: connection, at: Date().timeIntervalSince1970, schema: schema)
    }

    /// Waits up to `timeout` for an append by any worker (`LISTEN dvc_outbox_SCHEMA`); `true` when one came.
    /// The wait runs on a thread of its own, not on the concurrency pool.
    public func waitForWork(upTo timeout: Duration) async throws -> Bool {
        let listener = try await store.listener(conninfo: conninfo)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: !(try listener.notifications(waitingUpTo: timeout)).isEmpty) } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// Leases claimable entries, oldest first, one version per dossier, skipping rows another
    /// worker is claiming.
    public func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) async throws -> [OutboxEntry] {
        try await store.claim(limit: limit, lease: lease, excluding: excluding)
    }

    /// Acknowledges entries still held under their claims, and remembers the dossiers the portal has.
    public func acknowledge(_ claims: [Claim], known: [DossierCode]) async throws { try await store.acknowledge(claims, known: known) }

    /// Extends the leases of claims still current, measured on the database server's clock.
    public func renew(_ claims: [Claim], lease: Duration) async throws -> Set<UInt64> { try await store.renew(claims, lease: lease) }

    /// Gives leased entries back with their delivery state (a stale lease's release is ignored).
    public func release(_ releases: [Release]) async throws { try await store.release(releases) }

    /// Dead-letters entries.
    public func deadLetter(_ letters: [DeadLetterRequest]) async throws { try await store.deadLetter(letters) }

    /// The matching dead letters, oldest first.
    public func deadLetters(matching filter: DeadLetterFilter) async throws -> [DeadLetter] { try await store.deadLetters(matching: filter) }

    /// Requeues matching dead letters.
    public func requeue(matching filter: DeadLetterFilter) async throws -> Int { try await store.requeue(matching: filter) }

    /// Purges matching dead letters.
    public func purge(matching filter: DeadLetterFilter) async throws -> Int { try await store.purge(matching: filter) }

    /// Which of `codes` the portal is known to have.
    public func knownToPortal(_ codes: [DossierCode]) async throws -> Set<DossierCode> { try await store.knownToPortal(codes) }

    /// Counts per receiving agency.
    public func counts() async throws -> [String: OutboxCounts] { try await store.counts() }
}

extension PostgresOutbox {
    /// The outbox's connection and the statements that run on it, one at a time.
    actor Store {
        private var connection: PostgresConnection?
        private var listening: PostgresConnection?
        private let now: @Sendable () -> Date
        private let schema: String

        init(connection: PostgresConnection, schema: String, now: @escaping @Sendable () -> Date) {
            self.connection = connection
            self.schema = schema
            self.now = now
        }

        func close() {
            connection?.close()
            listening?.close()
            connection = nil
            listening = nil
        }

        private func open() throws -> PostgresConnection {
            guard let connection else { throw OutboxError(.invalidRequest, "the PostgreSQL outbox is closed") }
            return connection
        }

        func listener(conninfo: String) throws -> PostgresConnection {
            if let listening { return listening }
            let listener = try PostgresConnection(conninfo)
            try listener.query("LISTEN \(PostgresOutboxSchema.channel(schema))")
            listening = listener
            return listener
        }

        func append(_ changes: [EncodedChange], validate: @Sendable (Int, LatestVersion?) -> [ValidationIssue]) throws -> [AppendOutcome] {
            let moment = now().timeIntervalSince1970
            return try open().transaction { try PostgresOutboxRows.append(changes, validate: validate, on: $0, at: moment, schema: schema) }
        }

        func claim(limit: Int, lease: Duration, excluding: Set<UInt64>) throws -> [OutboxEntry] {
            guard limit > 0 else { return [] }
            let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
            return try open().transaction { db in
                // Pending rows in sequence order (an index scan that stops at the limit), each kept
                // only when no earlier version of its dossier is pending (an index probe). Leases
                // are measured on the database server's clock, the one clock every worker shares
                // (a worker whose own clock runs ahead must not take live leases).
                let rows = try db.query("""
                    SELECT o.sequence, o.payload, o.delivery, o.enqueued_at, extract(epoch from clock_timestamp()) + $1 FROM dvc_outbox o
                    WHERE o.state = 'pending' AND (o.lease_until IS NULL OR o.lease_until <= extract(epoch from clock_timestamp()))
                      AND NOT (o.sequence = ANY($3::bigint[]))
                      AND NOT EXISTS (SELECT 1 FROM dvc_outbox p WHERE p.dossier_code = o.dossier_code AND p.state = 'pending' AND p.sequence < o.sequence)
                    ORDER BY o.sequence LIMIT $2 FOR UPDATE OF o SKIP LOCKED
                    """, [String(seconds), String(limit), "{" + excluding.map(String.init).joined(separator: ",") + "}"])
                var claimed: [OutboxEntry] = []
                for row in rows {
                    let sequence = try PostgresOutboxRows.int(row[0])
                    let token = try PostgresOutboxRows.int(try db.query("SELECT nextval('dvc_lease')").first?[0] ?? nil)
                    try db.query("UPDATE dvc_outbox SET lease = $1, lease_until = $2 WHERE sequence = $3", [String(token), row[4] ?? "0", String(sequence)])
                    claimed.append(OutboxEntry(sequence: UInt64(sequence), change: try EncodedChange.decode(Data((row[1] ?? "").utf8)),
                                               delivery: try PostgresOutboxRows.delivery(row[2]), enqueuedAt: Date(timeIntervalSince1970: Double(row[3] ?? "") ?? 0),
                                               lease: UInt64(token)))
                }
                return claimed
            }
        }

        func acknowledge(_ claims: [Claim], known: [DossierCode]) throws {
            try open().transaction { db in
                for claim in claims {
                    try db.query("UPDATE dvc_outbox SET state = 'acknowledged', lease = NULL, lease_until = NULL WHERE sequence = $1 AND state = 'pending' AND lease = $2",
                                 [String(claim.sequence), String(claim.lease)])
                }
                for code in known { try db.query("INSERT INTO dvc_known (dossier_code) VALUES ($1) ON CONFLICT DO NOTHING", [code.rawValue]) }
            }
        }

        func renew(_ claims: [Claim], lease: Duration) throws -> Set<UInt64> {
            let seconds = Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
            return try open().transaction { db in
                var renewed = Set<UInt64>()
                for claim in claims {
                    let rows = try db.query("""
                        UPDATE dvc_outbox SET lease_until = GREATEST(COALESCE(lease_until, 0), extract(epoch from clock_timestamp()) + $1)
                        WHERE sequence = $2 AND state = 'pending' AND lease = $3 RETURNING sequence
                        """, [String(seconds), String(claim.sequence), String(claim.lease)])
                    if !rows.isEmpty { renewed.insert(claim.sequence) }
                }
                return renewed
            }
        }

        func release(_ releases: [Release]) throws {
            let moment = now()
            try open().transaction { db in
                for release in releases {
                    guard let row = try db.query("SELECT delivery FROM dvc_outbox WHERE sequence = $1 AND state = 'pending' AND lease = $2 FOR UPDATE",
                                                 [String(release.sequence), String(release.lease)]).first else { continue }
                    let next = try PostgresOutboxRows.delivery(row[0]).applying(release, at: moment)
                    try db.query("UPDATE dvc_outbox SET delivery = $1, lease = NULL, lease_until = NULL WHERE sequence = $2",
                                 [try PostgresOutboxRows.json(next), String(release.sequence)])
                }
            }
        }

        func deadLetter(_ letters: [DeadLetterRequest]) throws {
            let moment = now().timeIntervalSince1970
            try open().transaction { db in
                for letter in letters {
                    guard let row = try db.query("SELECT delivery FROM dvc_outbox WHERE sequence = $1 AND state = 'pending' AND lease = $2 FOR UPDATE",
                                                 [String(letter.sequence), String(letter.lease)]).first else { continue }
                    let delivery = try PostgresOutboxRows.delivery(row[0]).merging(letter.delivery)
                    try db.query("""
                        UPDATE dvc_outbox SET state = 'dead', delivery = $1, dead_kind = $2, dead_message = $3, dead_at = $4, lease = NULL, lease_until = NULL
                        WHERE sequence = $5
                        """, [try PostgresOutboxRows.json(delivery), letter.reason.kind.rawValue, letter.reason.message, String(moment), String(letter.sequence)])
                }
            }
        }

        func deadLetters(matching filter: DeadLetterFilter) throws -> [DeadLetter] {
            try PostgresOutboxRows.dead(try open(), matching: filter).map { row in
                DeadLetter(entry: OutboxEntry(sequence: row.sequence, change: try EncodedChange.decode(Data(row.payload.utf8)),
                                              delivery: try PostgresOutboxRows.delivery(row.delivery), enqueuedAt: Date(timeIntervalSince1970: row.enqueuedAt)),
                           reason: row.reason, at: Date(timeIntervalSince1970: row.at))
            }
        }

        func requeue(matching filter: DeadLetterFilter) throws -> Int {
            let moment = now().timeIntervalSince1970
            return try open().transaction { db in
                let rows = try PostgresOutboxRows.dead(db, matching: filter, locking: true)
                for row in rows {
                    try PostgresOutboxRows.lock([row.code], on: db)
                    // A newer version pending or acknowledged carries the dossier (and goes first):
                    // then only progress goes again. A newer version that is itself dead does not count.
                    let newer = !(try db.query("""
                        SELECT 1 FROM dvc_outbox WHERE dossier_code = $1 AND sequence > $2 AND state IN ('pending', 'acknowledged') LIMIT 1
                        """, [row.code, String(row.sequence)])).isEmpty
                    let old = try PostgresOutboxRows.delivery(row.delivery)
                    let delivery = DeliveryState(dossierDelivered: newer || old.dossierDelivered, progressDelivered: old.progressDelivered)
                    let inserted = try db.query("""
                        INSERT INTO dvc_outbox (dossier_code, agency, status, fingerprint, payload, enqueued_at, delivery)
                        SELECT dossier_code, agency, status, fingerprint, payload, $1, $2 FROM dvc_outbox WHERE sequence = $3 RETURNING sequence
                        """, [String(moment), try PostgresOutboxRows.json(delivery), String(row.sequence)])
                    let sequence = try PostgresOutboxRows.int(inserted.first?[0] ?? nil)
                    if !newer { try db.query("UPDATE dvc_latest SET sequence = $1 WHERE dossier_code = $2", [String(sequence), row.code]) }
                    try db.query("DELETE FROM dvc_outbox WHERE sequence = $1", [String(row.sequence)])
                }
                if !rows.isEmpty { try db.query("SELECT pg_notify($1, '')", [PostgresOutboxSchema.channel(schema)]) }
                return rows.count
            }
        }

        func purge(matching filter: DeadLetterFilter) throws -> Int {
            try open().transaction { db in
                let rows = try PostgresOutboxRows.dead(db, matching: filter, locking: true)
                // The payload (personal data) leaves with the purge; the row stays to be counted.
                for row in rows { try db.query("UPDATE dvc_outbox SET state = 'purged', payload = '' WHERE sequence = $1", [String(row.sequence)]) }
                return rows.count
            }
        }

        func knownToPortal(_ codes: [DossierCode]) throws -> Set<DossierCode> {
            let db = try open()
            return Set(try codes.filter { !(try db.query("SELECT 1 FROM dvc_known WHERE dossier_code = $1", [$0.rawValue])).isEmpty })
        }

        func counts() throws -> [String: OutboxCounts] {
            var counts: [String: OutboxCounts] = [:]
            for row in try open().query("SELECT agency, state, COUNT(*), MIN(enqueued_at) FROM dvc_outbox GROUP BY agency, state") {
                let agency = row[0] ?? "", count = Int(try PostgresOutboxRows.int(row[2]))
                var value = counts[agency] ?? OutboxCounts()
                switch row[1] {
                case "pending":
                    value.pending += count
                    value.oldestPendingSince = Date(timeIntervalSince1970: Double(row[3] ?? "") ?? 0)
                case "acknowledged": value.acknowledged += count
                case "dead": value.deadLettered += count
                case "purged": value.purged += count
                default: throw OutboxError(.damaged, "dvc_outbox holds an unknown state")
                }
                value.received = value.acknowledged + value.pending + value.deadLettered + value.purged
                counts[agency] = value
            }
            return counts
        }
    }
}
