#if canImport(CSQLite)
import CSQLite
#else
import SQLite3
#endif
/// `Data` appears in this file's API.
import Foundation

/// A SQLite failure (lỗi SQLite): the result code, SQLite's message and what was being done.
/// Values are never part of the message — statements are parameterised.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// SQLite's primary result code (`SQLITE_BUSY` is 5, `SQLITE_FULL` 13, …).
    public let code: Int32
    /// SQLite's message.
    public let message: String
    /// What was being done (`open`, `prepare`, `step`, …).
    public let operation: String

    /// `SQLite step: database is locked (5)`.
    public var description: String { "SQLite \(operation): \(message) (\(code))" }
}

/// One connection to a SQLite database: parameterised statements only. Not thread-safe — the
/// outbox's actor owns it.
final class SQLiteConnection {
    private var handle: OpaquePointer?

    /// Opens (creating) the database at `path`.
    init(path: String) throws(SQLiteError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            handle = nil
            throw SQLiteError(code: result, message: message, operation: "open")
        }
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit { close() }

    /// Closes the connection (statements must be finalised first).
    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs statements without parameters (schema, pragmas, transactions).
    func execute(_ sql: String) throws(SQLiteError) {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw error(result, "execute") }
    }

    /// Prepares one statement.
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else { throw error(result, "prepare") }
        return SQLiteStatement(statement, connection: self)
    }

    /// Runs `body` in one immediate transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func error(_ code: Int32, _ operation: String) -> SQLiteError {
        SQLiteError(code: code, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed", operation: operation)
    }
}

/// A prepared statement: bind by position (1-based), step, read columns (0-based).
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection

    init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    /// A value to bind.
    enum Value {
        case integer(Int64), real(Double), text(String), blob(Data), null
    }

    /// Binds `values` in order, after a reset.
    @discardableResult
    func bind(_ values: [Value]) throws(SQLiteError) -> SQLiteStatement {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .integer(let number): result = sqlite3_bind_int64(statement, index, number)
            case .real(let number): result = sqlite3_bind_double(statement, index, number)
            case .text(let text): result = sqlite3_bind_text(statement, index, text, -1, transient)
            case .blob(let data):
                result = data.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
            case .null: result = sqlite3_bind_null(statement, index)
            }
            guard result == SQLITE_OK else { throw connection.error(result, "bind") }
        }
        return self
    }

    /// Steps once: `true` when a row is ready.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let result: throw connection.error(result, "step")
        }
    }

    /// Runs the statement to its end.
    func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Every row, read by `row`.
    func rows<T>(_ row: (SQLiteStatement) throws -> T) throws -> [T] {
        var all: [T] = []
        while try step() { all.append(try row(self)) }
        return all
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }
    func blob(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return Data() }
        return Data(bytes: pointer, count: count)
    }
}
