import CLibPQ
/// `NSLock` serialises the connection.
import Foundation

/// A PostgreSQL failure (lỗi PostgreSQL): the SQLSTATE when the server sent one, its message, and
/// what was being done. Values are never part of it — every statement is parameterised.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Kind: String, Sendable, Hashable {
        /// No connection could be made, or it was lost.
        case connection
        /// The server refused a statement.
        case statement
    }

    /// The kind.
    public let kind: Kind
    /// The SQLSTATE (`40001`, `23505`, …), when the server sent one.
    public let sqlState: String?
    /// The server's or libpq's message.
    public let message: String

    /// `PostgreSQL statement (23505): duplicate key value …`.
    public var description: String {
        "PostgreSQL \(kind.rawValue)" + (sqlState.map { " (\($0))" } ?? "") + ": " + message.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// One connection to PostgreSQL through libpq (kết nối): parameterised statements only (values
/// travel apart from the SQL text, never spliced into it), typed errors, a reset when the
/// connection was lost. Calls are serialised by a lock, so one connection may be shared, one
/// statement at a time. Pass it to ``PostgresOutbox/append(_:validate:on:)`` to enqueue inside
/// your own transaction.
public final class PostgresConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: OpaquePointer?
    /// Statements that set a session up (`SET search_path …`), run again after every reset.
    private var sessionSetup: [String] = []

    /// Connects with a libpq connection string (`host=/run/postgresql dbname=motcua` or a
    /// `postgresql://` URL). The string is never printed: it may hold a password.
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connection``.
    public init(_ conninfo: String) throws(PostgresError) {
        handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            self.handle = nil
            throw PostgresError(kind: .connection, sqlState: nil, message: message)
        }
    }

    deinit { PQfinish(handle) }

    /// Closes the connection; later statements fail.
    public func close() {
        lock.withLock {
            PQfinish(handle)
            handle = nil
        }
    }

    /// Runs one statement with `parameters` (`$1`, `$2`, … as text; `nil` is SQL `NULL`) and
    /// returns its rows as text. A lost connection is reset once and the statement retried only
    /// when the statement is outside a transaction.
    /// - Throws: ``PostgresError``.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw PostgresError(kind: .connection, sqlState: nil, message: "the connection is closed") }
        if PQstatus(handle) != CONNECTION_OK, PQtransactionStatus(handle) != PQTRANS_INTRANS {
            PQreset(handle)
            for statement in sessionSetup { PQclear(PQexec(handle, statement)) }
        }
        var copies = parameters.map { $0.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        let result = copies.withUnsafeMutableBufferPointer { buffer -> OpaquePointer? in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                PQexecParams(handle, sql, Int32(parameters.count), nil, $0, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        guard let result else { throw PostgresError(kind: .connection, sqlState: nil, message: String(cString: PQerrorMessage(handle))) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK:
            return []
        case PGRES_TUPLES_OK:
            let rows = PQntuples(result), columns = PQnfields(result)
            return (0..<rows).map { row in
                (0..<columns).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            }
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let lost = PQstatus(handle) != CONNECTION_OK
            throw PostgresError(kind: lost ? .connection : .statement, sqlState: state, message: String(cString: PQresultErrorMessage(result)))
        }
    }

    /// Runs `sql` (a statement without parameters, e.g. `SET search_path TO dvc`) now and again
    /// on every new session after a reset, so a reconnected session is set up as the first was.
    /// - Throws: ``PostgresError``.
    public func onEverySession(_ sql: String) throws(PostgresError) {
        try query(sql)
        lock.withLock { sessionSetup.append(sql) }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Waits up to `timeout` for a notification on a channel this connection `LISTEN`s to;
    /// returns the channels notified (empty after the timeout).
    public func notifications(waitingUpTo timeout: Duration) throws(PostgresError) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw PostgresError(kind: .connection, sqlState: nil, message: "the connection is closed") }
        var channels = drain(handle)
        if channels.isEmpty {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(Double(Int32.max), Double(timeout.components.seconds) * 1000 + Double(timeout.components.attoseconds) / 1e15))
            _ = poll(&descriptor, 1, milliseconds)
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(kind: .connection, sqlState: nil, message: String(cString: PQerrorMessage(handle)))
            }
            channels = drain(handle)
        }
        return channels
    }

    private func drain(_ handle: OpaquePointer) -> [String] {
        var channels: [String] = []
        while let notification = PQnotifies(handle) {
            channels.append(String(cString: notification.pointee.relname))
            PQfreemem(notification)
        }
        return channels
    }
}
