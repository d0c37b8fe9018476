import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls a journal writes with — the real ones, or in tests ones that fail like a full
/// disk or a dying one. Each returns the call's result and, when it failed, its `errno`.
package struct JournalIO: Sendable {
    var write: @Sendable (_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (result: Int, error: Int32)
    var fsync: @Sendable (_ fd: Int32) -> (result: Int32, error: Int32)
    var read: @Sendable (_ fd: Int32, _ into: UnsafeMutableRawBufferPointer, _ offset: Int64) -> (result: Int, error: Int32)
    /// Group commit's `fsync` runs on the journal's actor instead of a Dispatch queue: no thread
    /// outside the caller's executor is involved (a deterministic simulation needs that).
    var syncsInline = false

    init(write: @escaping @Sendable (_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (result: Int, error: Int32),
         fsync: @escaping @Sendable (_ fd: Int32) -> (result: Int32, error: Int32),
         read: @escaping @Sendable (_ fd: Int32, _ into: UnsafeMutableRawBufferPointer, _ offset: Int64) -> (result: Int, error: Int32),
         syncsInline: Bool = false) {
        self.write = write
        self.fsync = fsync
        self.read = read
        self.syncsInline = syncsInline
    }

    /// For simulated runs of a whole process (``SyncEngine`` and a ``FileOutbox`` crash together,
    /// in process): real writes and reads, `fsync`s that do nothing (a process crash loses nothing
    /// that was written; power loss is not what is simulated), all on the caller's executor.
    package static let simulated = JournalIO(write: system.write, fsync: { _ in (0, 0) }, read: system.read, syncsInline: true)

    package static let system = JournalIO(
        write: { fd, bytes in
            let n = systemWrite(fd, bytes.baseAddress, bytes.count)
            return (n, n < 0 ? errno : 0)
        },
        fsync: { fd in
            let result = systemFsync(fd)
            return (result, result != 0 ? errno : 0)
        },
        read: { fd, buffer, offset in
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            return (n, n < 0 ? errno : 0)
        })
}

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, bytes, count) }
private func systemFsync(_ fd: Int32) -> Int32 { fsync(fd) }

/// One journal file, append-only: every append is whole and durable, or not there at all.
///
/// - A short or failed write is cut back off (`ftruncate` to the last good length), so a later
///   append never lands behind torn bytes.
/// - A failed `fsync` poisons the file: the kernel may have dropped the dirty pages and marked
///   them clean, so a retried `fsync` would "succeed" without writing; every later append is
///   refused until the journal is reopened and replayed from what is really on disk.
final class JournalFile {
    let path: String
    private(set) var descriptor: Int32
    /// The length of the file's good content: every byte before it was written and synced.
    private(set) var length: Int64
    /// Why appends are refused, once an `fsync` (or a cut-back) failed.
    private(set) var poisoned: String?
    private let io: JournalIO

    /// Opens (or creates, `0600`) the file; a new file's directory entry is made durable too.
    /// A read-only file is never created, cut or written.
    init(path: String, io: JournalIO, truncate: Bool = false, readOnly: Bool = false) throws {
        self.path = path
        self.io = io
        let existed = access(path, F_OK) == 0
        if readOnly && !existed { throw OutboxError(.io, "there is no journal at \(path)") }
        let flags = readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw OutboxError(.io, "cannot open \(path): \(Self.describe(errno))") }
        if readOnly { poisoned = "it was opened read-only" }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.describe(errno)
            close(fd)
            throw OutboxError(.io, "cannot read the size of \(path): \(reason)")
        }
        descriptor = fd
        length = Int64(info.st_size)
        if !readOnly && (!existed || truncate) { Self.syncDirectory(of: path) }
    }

    deinit { close(descriptor) }

    /// Reads the whole file from the start in chunks, to exactly the size it had when opened.
    /// - Throws: ``OutboxError/Code/io`` on any read error — never taken for the end of the file.
    func readAll(chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer, _ offset: Int64) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 8)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < length {
            let wanted = Int(min(Int64(chunkSize), length - offset))
            let (n, error) = io.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]), offset)
            if n < 0 {
                if error == EINTR { continue }
                throw OutboxError(.io, "reading \(path) at byte \(offset) failed: \(Self.describe(error)); nothing was changed")
            }
            if n == 0 { throw OutboxError(.io, "\(path) ended at byte \(offset), before its size \(length); nothing was changed") }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), offset)
            offset += Int64(n)
        }
    }

    /// Reads `count` bytes at `offset`.
    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let (n, error) = bytes.withUnsafeMutableBytes { io.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: $0[done...]), offset + Int64(done)) }
            if n < 0 {
                if error == EINTR { continue }
                throw OutboxError(.io, "reading \(path) at byte \(offset + Int64(done)) failed: \(Self.describe(error))")
            }
            if n == 0 { throw OutboxError(.io, "\(path) is shorter than expected (byte \(offset + Int64(done)))") }
            done += n
        }
        return bytes
    }

    /// Refuses every later append, with `reason`.
    func poison(_ reason: String) { poisoned = poisoned ?? reason }

    /// Whether the file refuses changes because it was opened read-only.
    var isReadOnly: Bool { poisoned == "it was opened read-only" }

    /// Cuts the file to `newLength` (a torn last record, found while opening); a read-only file
    /// only reads up to it.
    func cut(to newLength: Int64) throws {
        if isReadOnly {
            length = newLength
            return
        }
        guard ftruncate(descriptor, off_t(newLength)) == 0 else {
            throw OutboxError(.io, "cannot cut the torn last record off \(path): \(Self.describe(errno))")
        }
        length = newLength
        let (result, error) = io.fsync(descriptor)
        if result != 0 { poisoned = "fsync after cutting a torn record failed: \(Self.describe(error))" }
    }

    /// Appends `bytes` whole and makes them durable; returns the offset they start at.
    /// - Throws: ``OutboxError/Code/io`` when the write failed (the file is cut back to its last
    ///   good length), or ``OutboxError/Code/poisoned`` when the file can no longer be trusted.
    @discardableResult
    func append(_ bytes: [UInt8]) throws -> Int64 {
        let start = try write(bytes)
        try synchronize()
        return start
    }

    /// Makes everything written so far durable (`fsync`); a failure poisons the file.
    func synchronize() throws {
        let (result, error) = io.fsync(descriptor)
        try settle(fsync: result, error)
    }

    /// Records the outcome of an `fsync` of this file (possibly made elsewhere, on a duplicate
    /// descriptor): a failure poisons the file and throws.
    func settle(fsync result: Int32, _ error: Int32) throws {
        guard result == 0 else {
            poisoned = "fsync failed: \(Self.describe(error))"
            throw OutboxError(.poisoned, "\(path): fsync failed (\(Self.describe(error))); the change may not be durable, and the journal refuses changes until it is reopened")
        }
    }

    /// Appends `bytes` whole, not yet durable (``synchronize()`` or a group `fsync` makes them
    /// so); returns the offset they start at.
    /// - Throws: as ``append(_:)``.
    func write(_ bytes: [UInt8]) throws -> Int64 {
        if let poisoned { throw OutboxError(.poisoned, "\(path) refuses changes until it is reopened: \(poisoned)") }
        let start = length
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let (n, error) = io.write(descriptor, UnsafeRawBufferPointer(rebasing: buffer[written...]))
                if n > 0 {
                    written += n
                } else if n < 0 && error == EINTR {
                    continue
                } else {
                    failure = n == 0 ? ENOSPC : error
                    return
                }
            }
        }
        if written < bytes.count {
            let reason = "writing \(path) failed after \(written) of \(bytes.count) bytes: \(Self.describe(failure))"
            if written > 0 || Self.size(descriptor) != start {
                guard ftruncate(descriptor, off_t(start)) == 0 else {
                    poisoned = reason + "; cutting it back also failed: \(Self.describe(errno))"
                    throw OutboxError(.poisoned, "\(path): \(poisoned ?? reason)")
                }
            }
            throw OutboxError(.io, reason + "; nothing was written")
        }
        length = start + Int64(bytes.count)
        return start
    }

    /// Renames the complete, synced file `temporary` over `path` and makes the rename durable; a
    /// crash leaves one file or the other, each whole. On failure `temporary` is removed.
    static func install(_ temporary: String, over path: String, as what: String) throws {
        guard rename(temporary, path) == 0 else {
            let reason = describe(errno)
            unlink(temporary)
            throw OutboxError(.io, "cannot replace \(path) with its \(what): \(reason); the journal is unchanged")
        }
        syncDirectory(of: path)
    }

    /// Makes a rename or a creation in `path`'s directory durable.
    static func syncDirectory(of path: String) {
        let directory = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
        guard directory >= 0 else { return }
        _ = fsync(directory)
        close(directory)
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func size(_ fd: Int32) -> Int64 {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int64(info.st_size) : -1
    }
}

/// The single-writer lock of a journal: `flock` on `<journal>.lock`, a file that is never
/// replaced (the journal itself is, by compaction). Held by one open ``FileOutbox`` in one process;
/// a second one — in this process or another — is refused with the holder's process id. The lock
/// dies with the process, so a crash never leaves it behind.
final class JournalLock {
    let path: String
    private let descriptor: Int32

    init(journalPath: String) throws {
        path = journalPath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutboxError(.io, "cannot open the lock file \(path): \(JournalFile.describe(errno))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = JournalFile.describe(errno)
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &holder, holder.count, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: holder[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw busy
                ? OutboxError(.inUse, "the journal \(journalPath) is in use by process \(pid) (one writer at a time: stop it, or use another journal)")
                : OutboxError(.io, "cannot lock \(path): \(reason)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
