@testable import DVCSync
import Testing

@Suite("Checksums")
struct ChecksumTests {
    /// RFC 3720 §B.4's CRC-32C test vectors, and the common check value.
    @Test(arguments: [
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA as UInt32),
        ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        (Array(0...31), 0x46DD_794E),
        (Array((0...31).reversed()), 0x113F_DB5C),
        (Array("123456789".utf8), 0xE306_9283),
        ([], 0),
    ] as [([UInt8], UInt32)])
    func crc32cMatchesThePublishedVectors(_ bytes: [UInt8], _ expected: UInt32) {
        #expect(CRC32C.checksum(bytes) == expected)
    }

    @Test func crc32cIsTheSameWhateverTheLength() {
        // The 8-byte slices and the byte-at-a-time tail agree for every length around the boundary.
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for length in 0...bytes.count {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes[0..<length] {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            #expect(CRC32C.checksum(bytes[0..<length]) == ~crc, "length \(length)")
        }
    }

    /// MurmurHash3 x64 128-bit, seed 0, as the reference implementation (Python's mmh3) gives it.
    @Test(arguments: [
        ("", 0 as UInt64, 0 as UInt64),
        ("hello", 0xCBD8_A7B3_41BD_9B02, 0x5B1E_906A_48AE_1D19),
        ("000.00.14.H20-260302-0001", 0x668D_9B94_5BCF_C8D1, 0xEAC3_A6FC_01E1_EDBC),
    ] as [(String, UInt64, UInt64)])
    func hash128MatchesTheReference(_ text: String, _ high: UInt64, _ low: UInt64) {
        #expect(Hash128(text) == Hash128(high: high, low: low))
        #expect(Hash128(hex: Hash128(text).description) == Hash128(text))
    }

    @Test func hash128CoversEveryTailLength() {
        // 37 bytes 0x00…0x24: two full blocks and a 5-byte tail, as the reference gives it.
        #expect(Hash128(bytes: Array(0..<37)) == Hash128(high: 0x5174_AD5E_DD02_D820, low: 0x8084_5399_C703_CDB0))
        var seen = Set<Hash128>()
        for length in 0...48 { seen.insert(Hash128(bytes: Array(repeating: 0x41, count: length))) }
        #expect(seen.count == 49)
    }
}
