/// The tables of ``PostgresOutbox``, created by an idempotent migration (run on every open, under
/// an advisory lock so several workers starting together do not race):
///
/// ```sql
/// CREATE TABLE IF NOT EXISTS dvc_outbox (
///     sequence BIGSERIAL PRIMARY KEY, dossier_code TEXT NOT NULL, agency TEXT NOT NULL, status TEXT NOT NULL,
///     fingerprint TEXT NOT NULL, payload TEXT NOT NULL, enqueued_at DOUBLE PRECISION NOT NULL,
///     state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acknowledged', 'dead', 'purged')),
///     delivery TEXT NOT NULL, lease BIGINT, lease_until DOUBLE PRECISION,
///     dead_kind TEXT, dead_message TEXT, dead_at DOUBLE PRECISION);
/// CREATE INDEX IF NOT EXISTS dvc_outbox_pending ON dvc_outbox (dossier_code, sequence) WHERE state = 'pending';
/// CREATE INDEX IF NOT EXISTS dvc_outbox_queue ON dvc_outbox (sequence) WHERE state = 'pending';
/// CREATE INDEX IF NOT EXISTS dvc_outbox_dead ON dvc_outbox (sequence) WHERE state = 'dead';
/// CREATE INDEX IF NOT EXISTS dvc_outbox_version ON dvc_outbox (dossier_code, fingerprint);
/// CREATE TABLE IF NOT EXISTS dvc_latest (dossier_code TEXT PRIMARY KEY, sequence BIGINT NOT NULL);
/// CREATE TABLE IF NOT EXISTS dvc_known (dossier_code TEXT PRIMARY KEY);
/// CREATE SEQUENCE IF NOT EXISTS dvc_lease;
/// ```
///
/// Every table lives in the schema the outbox is opened with (`dvc` by default).
enum PostgresOutboxSchema {
    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS dvc_outbox (
            sequence BIGSERIAL PRIMARY KEY, dossier_code TEXT NOT NULL, agency TEXT NOT NULL, status TEXT NOT NULL,
            fingerprint TEXT NOT NULL, payload TEXT NOT NULL, enqueued_at DOUBLE PRECISION NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acknowledged', 'dead', 'purged')),
            delivery TEXT NOT NULL, lease BIGINT, lease_until DOUBLE PRECISION,
            dead_kind TEXT, dead_message TEXT, dead_at DOUBLE PRECISION)
        """,
        "CREATE INDEX IF NOT EXISTS dvc_outbox_pending ON dvc_outbox (dossier_code, sequence) WHERE state = 'pending'",
        "CREATE INDEX IF NOT EXISTS dvc_outbox_queue ON dvc_outbox (sequence) WHERE state = 'pending'",
        "CREATE INDEX IF NOT EXISTS dvc_outbox_dead ON dvc_outbox (sequence) WHERE state = 'dead'",
        "CREATE INDEX IF NOT EXISTS dvc_outbox_version ON dvc_outbox (dossier_code, fingerprint)",
        "CREATE TABLE IF NOT EXISTS dvc_latest (dossier_code TEXT PRIMARY KEY, sequence BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS dvc_known (dossier_code TEXT PRIMARY KEY)",
        "CREATE SEQUENCE IF NOT EXISTS dvc_lease",
    ]

    /// The channel appends to `schema`'s outbox notify (`dvc_outbox_SCHEMA`), so idle workers of
    /// that outbox wake when work arrives.
    static func channel(_ schema: String) -> String { "dvc_outbox_\(schema)" }

    /// A schema name DVCKit accepts: lower-case letters, digits and `_`, starting with a letter
    /// (it is an identifier, which no statement can take as a parameter).
    static func validated(_ schema: String) throws -> String {
        guard let first = schema.unicodeScalars.first, ("a"..."z").contains(first), schema.count <= 63,
              schema.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw PostgresError(kind: .statement, sqlState: nil, message: "schema \"\(schema)\" must be lower-case letters, digits and _")
        }
        return schema
    }

    /// Points `connection` at `schema`, creating and migrating it.
    static func prepare(_ connection: PostgresConnection, schema: String) throws {
        try connection.transaction { db in
            try db.query("SELECT pg_advisory_xact_lock(7272024)")
            try db.query("CREATE SCHEMA IF NOT EXISTS \(schema)")
            try db.query("SET LOCAL search_path TO \(schema)")
            for statement in statements { try db.query(statement) }
        }
        try connection.onEverySession("SET search_path TO \(schema)")
    }
}
