#if canImport(CryptoKit)
import CryptoKit
#endif

/// A hash function HMAC can be built on.
package protocol DigestFunction: Sendable {
    /// The block size in bytes (64 for SHA-256).
    static var blockSize: Int { get }
    /// The digest size in bytes.
    static var digestSize: Int { get }
    /// A fresh hashing state.
    init()
    /// Feeds more bytes.
    mutating func update(_ bytes: some Sequence<UInt8>)
    /// The digest of everything fed.
    func finalize() -> [UInt8]
}

/// SHA-256 (FIPS 180-4), written in Swift so DVCKit needs no package: payment checksums
/// (`MaXacThuc`), PKCE challenges and HMAC all use it. On Apple platforms the one-shot
/// ``hash(_:)`` uses CryptoKit; the incremental state is the same everywhere.
///
/// ```swift
/// SHA256.hexDigest("abc")   // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
package struct SHA256: DigestFunction {
    /// 64 bytes.
    package static let blockSize = 64
    /// 32 bytes.
    package static let digestSize = 32

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
    private var buffer: [UInt8] = []

    /// A fresh state.
    package init() { buffer.reserveCapacity(64) }

    /// Feeds more bytes.
    package mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            buffer.append(byte)
            if buffer.count == 64 {
                compress(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The digest of everything fed (the state itself is not changed).
    package func finalize() -> [UInt8] {
        var copy = self
        let bitLength = (copy.totalBytes) &* 8
        copy.appendPadding(bitLength: bitLength)
        let s = copy.state
        return [s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7].flatMap { word in
            [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
        }
    }

    /// The digest of `bytes`.
    package static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        #if canImport(CryptoKit)
        return Array(CryptoKit.SHA256.hash(data: Array(bytes)))
        #else
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
        #endif
    }

    /// The lowercase hex digest of `text`'s UTF-8.
    package static func hexDigest(_ text: String) -> String { hex(hash(Array(text.utf8))) }

    // MARK: - Internals

    private var compressedBlocks: UInt64 = 0
    private var totalBytes: UInt64 { compressedBlocks &* 64 &+ UInt64(buffer.count) }

    private mutating func appendPadding(bitLength: UInt64) {
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        buffer = []
        var offset = 0
        while offset < tail.count {
            compress(Array(tail[offset..<offset + 64]))
            offset += 64
        }
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private mutating func compress(_ block: [UInt8]) {
        compressedBlocks &+= 1
        var w = [UInt32](repeating: 0, count: 64)
        for i in 0..<16 {
            w[i] = UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8 | UInt32(block[i * 4 + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = state
        for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ ch &+ Self.k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
    }

    @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

/// HMAC (RFC 2104) over any ``DigestFunction``; `HMAC<SHA256>` signs KeyPay requests and
/// verifies their callbacks.
///
/// ```swift
/// HMAC<SHA256>.authenticationCode(for: Array("message".utf8), key: Array("key".utf8))
/// ```
package struct HMAC<Hash: DigestFunction>: Sendable {
    private var inner: Hash
    private var outer: Hash

    /// Starts an HMAC with `key`.
    package init(key: [UInt8]) {
        var key = key.count > Hash.blockSize ? Self.digest(key) : key
        key += [UInt8](repeating: 0, count: Hash.blockSize - key.count)
        inner = Hash()
        inner.update(key.map { $0 ^ 0x36 })
        outer = Hash()
        outer.update(key.map { $0 ^ 0x5c })
    }

    /// Feeds more message bytes.
    package mutating func update(_ bytes: some Sequence<UInt8>) { inner.update(bytes) }

    /// The authentication code.
    package func finalize() -> [UInt8] {
        var outer = self.outer
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The authentication code of `message` under `key`.
    package static func authenticationCode(for message: some Sequence<UInt8>, key: [UInt8]) -> [UInt8] {
        var mac = HMAC(key: key)
        mac.update(message)
        return mac.finalize()
    }

    private static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var hash = Hash()
        hash.update(bytes)
        return hash.finalize()
    }
}

/// Lowercase hexadecimal of `bytes`.
package func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Compares two byte strings in time that depends only on their lengths, never on where they
/// differ — for checksums and signatures, so an attacker cannot find a valid one byte by byte.
package func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
