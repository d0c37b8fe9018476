import Foundation

/// Where JSON text is appended: the fast encoder's ``WireBytes`` or a plain `[UInt8]` (the sync
/// journal's headers, the key tables' quoted names).
protocol WireByteSink {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
    /// Appends `bytes`.
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: WireByteSink where Element == UInt8 {
    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

/// The bytes the fast encoder writes: a growable buffer whose appends are a capacity test and a
/// copy. (`Array.append(contentsOf:)` goes through its generic sequence path and a uniqueness
/// check on every call — a sixth of the encoder's instructions before this buffer.)
///
/// Owned by one ``WireOutput``, which frees it (``deallocate()``) or hands it to a `Data`
/// (``takeData()``); never copied elsewhere.
struct WireBytes: WireByteSink {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    /// An empty buffer with room for `capacity` bytes.
    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    /// Frees the bytes (the owner's last act).
    func deallocate() { base.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    /// The byte at `index` (below ``count``).
    subscript(index: Int) -> UInt8 {
        get {
            assert(index >= 0 && index < count)
            return base[index]
        }
        nonmutating set {
            assert(index >= 0 && index < count)
            base[index] = newValue
        }
    }

    /// The bytes written so far.
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes as `Data`, without copying them: the `Data` frees them, and this buffer starts
    /// again empty.
    mutating func takeData() -> Data {
        let data = Data(bytesNoCopy: base, count: count, deallocator: .custom { pointer, _ in pointer.deallocate() })
        capacity = 64
        base = .allocate(capacity: capacity)
        count = 0
        return data
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
