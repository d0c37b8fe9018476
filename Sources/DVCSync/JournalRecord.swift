import DVCCore
import Foundation

/// One record of a ``FileOutbox`` journal — the on-disk format, defined here and nowhere else.
///
/// A record is one line: the CRC-32C of the rest of the line as 8 hex digits, a space, the record
/// as compact JSON, and for an entry a tab and the change's canonical wire JSON (neither JSON text
/// can hold a raw tab or newline):
///
///     3f2a9c41 {"agency":"000.00.14.H20","at":1764489600000,"code":"000.00.14.H20-260302-0001",…,"op":"enqueue",…}\t{"dossier":{…},"progress":[…]}
///
/// (Header keys are in no particular order: a reader must not depend on it.)
///
/// The header is small, so opening a journal reads each entry's place, dossier, status and
/// fingerprint without decoding the dossier; the payload is decoded when the entry is claimed.
enum JournalRecord: Equatable {
    /// The first record of every journal file.
    case journal(version: Int, createdAt: Int64)
    /// A dossier version appended (its payload follows the header); `delivery` is set only when a
    /// compaction writes a pending entry that has failed before.
    case enqueue(Enqueue)
    /// Entries acknowledged, and dossiers now known to the portal.
    case acknowledge(sequences: [UInt64], known: [String])
    /// Leased entries given back, some with a failure.
    case release(at: Int64, items: [ReleaseItem])
    /// An entry dead-lettered.
    case dead(Dead)
    /// A dead letter put back in the queue as entry `sequence`.
    case requeue(from: UInt64, sequence: UInt64, progressOnly: Bool, at: Int64)
    /// Dead letters deleted.
    case purge(sequences: [UInt64])
    /// After compaction: the last sequence number, and per agency what history counted.
    case state(sequence: UInt64, agencies: [String: Settled])
    /// After compaction: what is remembered of dossiers (known to the portal, last status,
    /// fingerprints of their versions), keyed by the hash of their code.
    case dossiers([DossierLine])

    /// The current format version.
    static let version = 2

    struct Enqueue: Codable, Equatable {
        var seq: UInt64
        var at: Int64
        var code: String
        var agency: String
        var status: String
        var fp: String
        var delivery: DeliveryState?
    }

    struct ReleaseItem: Codable, Equatable {
        var seq: UInt64
        var failures: Int?
        var error: String?
        var delivered: Bool?
        var progress: Int?
        /// Isolated failures to add (``DeliveryState/isolatedFailures``).
        var isolated: Int?
        /// Isolated failures without an answer to add (``DeliveryState/unansweredFailures``).
        var unanswered: Int?
    }

    struct Dead: Codable, Equatable {
        var seq: UInt64
        var code: String
        var kind: String
        var reason: String
        var at: Int64
        var delivery: DeliveryState?
    }

    struct Settled: Codable, Equatable {
        var acknowledged: Int
        var purged: Int
    }

    /// `[key, status, known, latest sequence, fingerprint, [fingerprint, sequence]…]` compactly:
    /// `{"k":…,"s":"4","n":true,"q":12,"f":"…","h":[["…",3]]}`.
    struct DossierLine: Codable, Equatable {
        var k: String
        var s: String?
        var n: Bool
        var q: UInt64
        var f: String
        /// Older versions' fingerprints (for a replay of history).
        var h: [History]?
        /// The newest acknowledged version's sequence, when there is one.
        var a: UInt64?

        struct History: Codable, Equatable {
            var f: String
            var q: UInt64
        }
    }
}

// MARK: - Coding

extension JournalRecord: Codable {
    private enum Op: String, Codable {
        case journal, enqueue, ack, release, dead, requeue, purge, state, dossiers
    }

    private struct Flat: Codable {
        var op: Op
        var v: Int?
        var created: Int64?
        var seq: UInt64?
        var seqs: [UInt64]?
        var known: [String]?
        var at: Int64?
        var items: [ReleaseItem]?
        var from: UInt64?
        var progressOnly: Bool?
        var agencies: [String: Settled]?
        var dossiers: [DossierLine]?
    }

    init(from decoder: any Decoder) throws {
        let flat = try Flat(from: decoder)
        func need<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a \(flat.op.rawValue) record without \(name)"))
            }
            return value
        }
        switch flat.op {
        case .journal: self = .journal(version: try need(flat.v, "v"), createdAt: flat.created ?? 0)
        case .enqueue: self = .enqueue(try Enqueue(from: decoder))
        case .ack: self = .acknowledge(sequences: flat.seqs ?? [], known: flat.known ?? [])
        case .release: self = .release(at: try need(flat.at, "at"), items: flat.items ?? [])
        case .dead: self = .dead(try Dead(from: decoder))
        case .requeue:
            self = .requeue(from: try need(flat.from, "from"), sequence: try need(flat.seq, "seq"), progressOnly: flat.progressOnly ?? false,
                            at: try need(flat.at, "at"))
        case .purge: self = .purge(sequences: flat.seqs ?? [])
        case .state: self = .state(sequence: try need(flat.seq, "seq"), agencies: flat.agencies ?? [:])
        case .dossiers: self = .dossiers(flat.dossiers ?? [])
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: OpKey.self)
        switch self {
        case .journal(let version, let createdAt):
            try Flat(op: .journal, v: version, created: createdAt).encode(to: encoder)
        case .enqueue(let enqueue):
            try container.encode(Op.enqueue, forKey: .op)
            try enqueue.encode(to: encoder)
        case .acknowledge(let sequences, let known):
            try Flat(op: .ack, seqs: sequences, known: known.isEmpty ? nil : known).encode(to: encoder)
        case .release(let at, let items):
            try Flat(op: .release, at: at, items: items).encode(to: encoder)
        case .dead(let dead):
            try container.encode(Op.dead, forKey: .op)
            try dead.encode(to: encoder)
        case .requeue(let from, let sequence, let progressOnly, let at):
            try Flat(op: .requeue, seq: sequence, at: at, from: from, progressOnly: progressOnly).encode(to: encoder)
        case .purge(let sequences):
            try Flat(op: .purge, seqs: sequences).encode(to: encoder)
        case .state(let sequence, let agencies):
            try Flat(op: .state, seq: sequence, agencies: agencies).encode(to: encoder)
        case .dossiers(let lines):
            try Flat(op: .dossiers, dossiers: lines).encode(to: encoder)
        }
    }

    private enum OpKey: String, CodingKey { case op }
}

// MARK: - Framing

extension JournalRecord {
    /// The line for this record (and `payload`, for an entry), checksum and newline included.
    func line(payload: Data? = nil) throws -> [UInt8] {
        var body: [UInt8]
        if case .enqueue(let enqueue) = self, enqueue.delivery == nil {
            body = Self.header(enqueue)
        } else {
            body = Array(try Self.encoder.encode(self))
        }
        if let payload {
            body.append(UInt8(ascii: "\t"))
            body.append(contentsOf: payload)
        }
        let crc = CRC32C.checksum(body)
        var line = Array(Self.hex(crc).utf8)
        line.reserveCapacity(body.count + 10)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: body)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// A line read back: the record and where its payload is within the line, or why it is damaged.
    enum Parsed {
        case record(JournalRecord, payload: Range<Int>?)
        case damaged(String)
    }

    /// Checks and parses one line (without its newline).
    static func parse(_ line: UnsafeRawBufferPointer) -> Parsed {
        guard line.count > 9, line[8] == UInt8(ascii: " ") else { return .damaged("not a journal record") }
        var expected: UInt32 = 0
        for index in 0..<8 {
            guard let digit = hexValue(line[index]) else { return .damaged("not a journal record") }
            expected = expected << 4 | UInt32(digit)
        }
        let body = UnsafeRawBufferPointer(rebasing: line[9...])
        guard CRC32C.checksum(body) == expected else { return .damaged("checksum mismatch") }
        let tab = body.firstIndex(of: UInt8(ascii: "\t"))
        let header = UnsafeRawBufferPointer(rebasing: body[..<(tab ?? body.endIndex)])
        do {
            let record = try decoder.decode(JournalRecord.self, from: Data(header))
            return .record(record, payload: tab.map { ($0 + 10)..<line.count })
        } catch {
            return .damaged("unreadable record: \(error)")
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder = JSONDecoder()

    /// The header of an entry never tried — one per dossier appended — written directly: what
    /// `encoder` writes with its keys sorted, `{"agency":…,"at":…,"code":…,"fp":…,"op":"enqueue","seq":…,"status":…}`
    /// (`JSONEncoder` itself orders keys differently from run to run); strings are escaped by the
    /// wire codec's writer, which writes them as `JSONEncoder` does.
    static func header(_ enqueue: Enqueue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append(contentsOf: #"{"agency":"#.utf8)
        WireOutput.append(quoted: enqueue.agency, to: &out)
        out.append(contentsOf: #","at":"#.utf8)
        out.append(contentsOf: String(enqueue.at).utf8)
        out.append(contentsOf: #","code":"#.utf8)
        WireOutput.append(quoted: enqueue.code, to: &out)
        out.append(contentsOf: #","fp":"#.utf8)
        WireOutput.append(quoted: enqueue.fp, to: &out)
        out.append(contentsOf: #","op":"enqueue","seq":"#.utf8)
        out.append(contentsOf: String(enqueue.seq).utf8)
        out.append(contentsOf: #","status":"#.utf8)
        WireOutput.append(quoted: enqueue.status, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// The journal's line reader as the fuzzer sees it (not public API).
package enum JournalLineReader {
    /// Why `line` is damaged (`nil` when it holds a readable record), and the payload's range
    /// within the line when the record has one.
    package static func read(_ line: UnsafeRawBufferPointer) -> (damage: String?, payload: Range<Int>?) {
        switch JournalRecord.parse(line) {
        case .damaged(let reason): (reason, nil)
        case .record(_, let payload): (nil, payload)
        }
    }
}
