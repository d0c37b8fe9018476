/// The tables of ``SQLiteOutbox`` and the settings it opens with. The migration is idempotent: run
/// on every open, it creates what is missing and changes nothing else.
///
/// ```sql
/// PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
/// CREATE TABLE IF NOT EXISTS dvc_outbox (
///     sequence INTEGER PRIMARY KEY AUTOINCREMENT, dossier_code TEXT NOT NULL, agency TEXT NOT NULL,
///     status TEXT NOT NULL, fingerprint TEXT NOT NULL, payload BLOB NOT NULL, enqueued_at REAL NOT NULL,
///     state TEXT NOT NULL DEFAULT 'pending', delivery TEXT NOT NULL DEFAULT '{}',
///     lease INTEGER, lease_until REAL, dead_kind TEXT, dead_message TEXT, dead_at REAL);
/// CREATE INDEX IF NOT EXISTS dvc_outbox_pending ON dvc_outbox (dossier_code, state, sequence);
/// CREATE TABLE IF NOT EXISTS dvc_latest (dossier_code TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
/// CREATE TABLE IF NOT EXISTS dvc_known (dossier_code TEXT PRIMARY KEY);
/// CREATE TABLE IF NOT EXISTS dvc_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
/// ```
enum SQLiteOutboxSchema {
    static let migration = """
        CREATE TABLE IF NOT EXISTS dvc_outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT, dossier_code TEXT NOT NULL, agency TEXT NOT NULL,
            status TEXT NOT NULL, fingerprint TEXT NOT NULL, payload BLOB NOT NULL, enqueued_at REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending', delivery TEXT NOT NULL DEFAULT '{}',
            lease INTEGER, lease_until REAL, dead_kind TEXT, dead_message TEXT, dead_at REAL);
        CREATE INDEX IF NOT EXISTS dvc_outbox_pending ON dvc_outbox (dossier_code, state, sequence);
        CREATE INDEX IF NOT EXISTS dvc_outbox_state ON dvc_outbox (state, sequence);
        CREATE TABLE IF NOT EXISTS dvc_latest (dossier_code TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS dvc_known (dossier_code TEXT PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS dvc_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT OR IGNORE INTO dvc_meta (key, value) VALUES ('lease', 0), ('schema', 1);
        """

    /// Opens the database with WAL and `synchronous=FULL`, and migrates it.
    static func open(_ path: String) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        try connection.transaction { try connection.execute(migration) }
        return connection
    }
}
