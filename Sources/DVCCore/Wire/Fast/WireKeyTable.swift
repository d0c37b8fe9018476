import Foundation

/// The names of one model's coding keys, laid out for the fast codec: a key read from the bytes
/// is found without making a `String`, and a model's fields are written in the canonical
/// (sorted) order without comparing strings. Built once per key type (``table(for:)``).
///
/// `@unchecked Sendable`: every property is set in `init` and never changed; the raw buffers are
/// the same data laid out for reading without reference counting (tables live for the process).
final class WireKeyTable: @unchecked Sendable {
    /// Each case's name, in `allCases` order.
    let names: [[UInt8]]
    /// How many keys.
    let count: Int
    /// Each name as a JSON key — quoted, escaped, followed by `:` — one after another, and where
    /// each starts (`count + 1` offsets).
    private let quoted: UnsafeMutableBufferPointer<UInt8>
    private let quotedStarts: UnsafeMutableBufferPointer<Int>
    /// Each case's position when the names are sorted as `JSONEncoder`'s `.sortedKeys` sorts them
    /// (``rank(_:)``).
    private let rankBuffer: UnsafeMutableBufferPointer<Int>
    /// Open addressing: a case index + 1 per slot, 0 for an empty one.
    private let slots: [UInt8]
    private let mask: Int
    /// Whether a key's in-memory value is its case index (checked for every case when the table
    /// is built: true of a payload-free enum's cases, one byte each, in declaration order).
    private let keysAreIndices: Bool

    private init(names: [String], keysAreIndices: Bool) {
        self.keysAreIndices = keysAreIndices
        self.names = names.map { Array($0.utf8) }
        count = names.count
        var all: [UInt8] = [], starts: [Int] = []
        for name in self.names {
            starts.append(all.count)
            name.withUnsafeBufferPointer { WireOutput.append(quoted: $0, to: &all) }
            all.append(UInt8(ascii: ":"))
        }
        starts.append(all.count)
        quoted = .allocate(capacity: max(1, all.count))
        _ = quoted.initialize(from: all)
        quotedStarts = .allocate(capacity: starts.count)
        _ = quotedStarts.initialize(from: starts)
        var ranks = [Int](repeating: 0, count: names.count)
        for (rank, index) in names.indices.sorted(by: { names[$0] < names[$1] }).enumerated() { ranks[index] = rank }
        rankBuffer = .allocate(capacity: max(1, ranks.count))
        _ = rankBuffer.initialize(from: ranks)
        var size = 16
        while size < names.count * 4 { size <<= 1 }
        var slots = [UInt8](repeating: 0, count: size)
        for (index, name) in self.names.enumerated() {
            var slot = name.withUnsafeBufferPointer { Self.hash($0) } & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = UInt8(index + 1)
        }
        self.slots = slots
        mask = size - 1
    }

    deinit {
        quoted.deallocate()
        quotedStarts.deallocate()
        rankBuffer.deallocate()
    }

    /// Key `index` as written in an object: `"name":`.
    @inline(__always)
    func quotedName(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: quoted[quotedStarts[index]..<quotedStarts[index + 1]])
    }

    /// The rank of key `index`.
    @inline(__always)
    func rank(_ index: Int) -> Int { rankBuffer[index] }

    /// The case named by `bytes`, exactly, or `nil`.
    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = Self.hash(bytes) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let name = names[entry - 1]
            if name.count == bytes.count, name.withUnsafeBufferPointer({ Self.equal($0, bytes) }) {
                return entry - 1
            }
            slot = (slot + 1) & mask
        }
    }

    /// The case index of `key` (every key of the type is in the table).
    @inline(__always)
    func index<Key: CodingKey>(of key: Key) -> Int {
        if keysAreIndices, MemoryLayout<Key>.size == 1 { return Int(unsafeBitCast(key, to: UInt8.self)) }
        var name = key.stringValue
        return name.withUTF8 { index(of: $0) } ?? 0
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let left = a.baseAddress, let right = b.baseAddress else { return a.count == b.count }
        return memcmp(left, right, a.count) == 0
    }

    /// A cheap hash of a key: its length and three of its bytes.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        guard count > 0 else { return 0 }
        var h = UInt32(truncatingIfNeeded: count) &* 0x9E37_79B1
        h = (h ^ UInt32(bytes[0])) &* 0x0100_0193
        h = (h ^ UInt32(bytes[count - 1])) &* 0x0100_0193
        h = (h ^ UInt32(bytes[count / 2])) &* 0x0100_0193
        h = (h ^ UInt32(bytes[count / 3])) &* 0x0100_0193
        return Int(h >> 7)
    }

    private static let cache = Cache()

    /// The table of `type`, built on first use.
    static func table<Key: CodingKey & CaseIterable>(for type: Key.Type) -> WireKeyTable {
        cache.table(ObjectIdentifier(type)) {
            let cases = Array(type.allCases)
            let keysAreIndices = MemoryLayout<Key>.size == 1 && cases.count <= 255
                && cases.enumerated().allSatisfy { index, key in Int(unsafeBitCast(key, to: UInt8.self)) == index }
            return WireKeyTable(names: cases.map(\.stringValue), keysAreIndices: keysAreIndices)
        }
    }

    /// The tables built so far, behind a lock.
    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var tables: [ObjectIdentifier: WireKeyTable] = [:]

        func table(_ id: ObjectIdentifier, _ make: () -> WireKeyTable) -> WireKeyTable {
            lock.withLock {
                if let table = tables[id] { return table }
                let table = make()
                tables[id] = table
                return table
            }
        }
    }
}

/// The key tables one document has used (a handful of model types), so that only the first use
/// of each takes the shared cache's lock.
struct WireKeyTables {
    private var tables: [(id: ObjectIdentifier, table: WireKeyTable)] = []

    /// The key table of `type`.
    mutating func table<Key: CodingKey & CaseIterable>(for type: Key.Type) -> WireKeyTable {
        let id = ObjectIdentifier(type)
        for entry in tables where entry.id == id { return entry.table }
        let table = WireKeyTable.table(for: type)
        tables.append((id, table))
        return table
    }
}

/// How a value is reached from the one enclosing it: a member, an element, or an element of a
/// member — one step of a coding path, kept by the fast decoder and encoder instead of the path.
enum WirePathStep {
    case name(String)
    case index(Int)
    case element(String, Int)

    /// The coding path of the steps from the root, given innermost first.
    static func codingPath(innermostFirst steps: some Sequence<WirePathStep>) -> [any CodingKey] {
        var path: [any CodingKey] = []
        for step in steps {
            switch step {
            case .name(let name): path.append(AnyCodingKey(stringValue: name))
            case .index(let index): path.append(AnyCodingKey(intValue: index))
            case .element(let name, let index): path += [AnyCodingKey(intValue: index), AnyCodingKey(stringValue: name)]
            }
        }
        return path.reversed()
    }

    /// What ``wirePath(_:)`` renders for the coding path of the steps (innermost first) followed
    /// by the member `name`, built without the path's keys: `data[3].TaiLieuNop[0].TenTepDinhKem`.
    static func wirePath(innermostFirst steps: some Sequence<WirePathStep>, appending name: String) -> String {
        var outward: [WirePathStep] = []
        for step in steps { outward.append(step) }
        var text = ""
        for step in outward.reversed() {
            switch step {
            case .name(let member):
                if !text.isEmpty { text += "." }
                text += member
            case .index(let index):
                text += "[" + String(index) + "]"
            case .element(let member, let index):
                if !text.isEmpty { text += "." }
                text += member + "[" + String(index) + "]"
            }
        }
        if !text.isEmpty { text += "." }
        return text + name
    }
}
