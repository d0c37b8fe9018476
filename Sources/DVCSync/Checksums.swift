/// CRC-32C (Castagnoli, the polynomial iSCSI, ext4 and Btrfs use for metadata): the checksum
/// of every journal record, so a flipped bit is found on open instead of replayed silently.
/// Slicing-by-8 tables; verified against RFC 3720 §B.4's test vectors.
package enum CRC32C {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][byte] = crc
        }
        for byte in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[slice - 1][byte]
                tables[slice][byte] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The checksum of `bytes`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        tables.withUnsafeBufferPointer { tables in
            let t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3]
            let t4 = tables[4], t5 = tables[5], t6 = tables[6], t7 = tables[7]
            var index = 0
            let count = bytes.count
            while index + 8 <= count {
                let low = crc ^ (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
                    | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24)
                crc = t7[Int(low & 0xFF)] ^ t6[Int((low >> 8) & 0xFF)] ^ t5[Int((low >> 16) & 0xFF)] ^ t4[Int(low >> 24)]
                    ^ t3[Int(bytes[index + 4])] ^ t2[Int(bytes[index + 5])] ^ t1[Int(bytes[index + 6])] ^ t0[Int(bytes[index + 7])]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(bytes[index])) & 0xFF)]
                index += 1
            }
        }
        return ~crc
    }

    /// The checksum of `bytes`.
    package static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        if let fast = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return fast }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}

/// A 128-bit hash (MurmurHash3, x64 128-bit variant, seed 0): compact per-dossier keys in the
/// journal's index and content fingerprints for idempotent enqueueing. Not cryptographic — the
/// inputs are the operator's own data; what matters is that accidental collisions among millions
/// of dossiers are out of reach (about 2⁻⁸⁸ for a billion keys).
struct Hash128: Hashable, Sendable, Comparable, CustomStringConvertible {
    let high: UInt64
    let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses the 32 lower-case hex digits of ``description``.
    init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(high: high, low: low)
    }

    /// The hash of `text`'s UTF-8.
    init(_ text: String) {
        var text = text
        self = text.withUTF8 { Hash128(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of `bytes`.
    init(bytes: some Collection<UInt8>) {
        if let fast = bytes.withContiguousStorageIfAvailable({ Hash128(bytes: UnsafeRawBufferPointer($0)) }) {
            self = fast
        } else {
            self = Array(bytes).withUnsafeBytes { Hash128(bytes: $0) }
        }
    }

    /// The hash of `bytes`.
    init(bytes: UnsafeRawBufferPointer) {
        let c1: UInt64 = 0x87C3_7B91_1142_53D5, c2: UInt64 = 0x4CF5_AD43_2745_937F
        var h1: UInt64 = 0, h2: UInt64 = 0
        let count = bytes.count
        func word(_ at: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in (0..<8).reversed() { value = value << 8 | UInt64(bytes[at + i]) }
            return value
        }
        var index = 0
        while index + 16 <= count {
            var k1 = word(index), k2 = word(index + 8)
            k1 = (k1 &* c1).rotatedLeft(31) &* c2
            h1 ^= k1
            h1 = (h1.rotatedLeft(27) &+ h2) &* 5 &+ 0x52DC_E729
            k2 = (k2 &* c2).rotatedLeft(33) &* c1
            h2 ^= k2
            h2 = (h2.rotatedLeft(31) &+ h1) &* 5 &+ 0x3849_5AB5
            index += 16
        }
        var k1: UInt64 = 0, k2: UInt64 = 0
        let tail = count - index
        for i in stride(from: tail - 1, through: 8, by: -1) { k2 = k2 << 8 | UInt64(bytes[index + i]) }
        if tail > 8 {
            k2 = (k2 &* c2).rotatedLeft(33) &* c1
            h2 ^= k2
        }
        for i in stride(from: min(tail, 8) - 1, through: 0, by: -1) { k1 = k1 << 8 | UInt64(bytes[index + i]) }
        if tail > 0 {
            k1 = (k1 &* c1).rotatedLeft(31) &* c2
            h1 ^= k1
        }
        h1 ^= UInt64(count)
        h2 ^= UInt64(count)
        h1 &+= h2
        h2 &+= h1
        h1 = Self.mix(h1)
        h2 = Self.mix(h2)
        h1 &+= h2
        h2 &+= h1
        high = h1
        low = h2
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    /// 32 lower-case hex digits, high word first.
    var description: String { Self.hex(high) + Self.hex(low) }

    static func < (a: Hash128, b: Hash128) -> Bool { (a.high, a.low) < (b.high, b.low) }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}
