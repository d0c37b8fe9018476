import Foundation

/// A search key for Vietnamese place names that is insensitive to case, Unicode normalization
/// (NFC/NFD) and tone-mark placement: `Hoà` and `Hòa`, `Thuỷ` and `Thủy` give the same key,
/// while `Hòa` and `Hóa` (different tones) do not.
///
/// The key decomposes the name (NFD), lower-cases it, and moves each syllable's tone mark
/// (grave, acute, tilde, hook above, dot below) to the end of the syllable, where the two
/// orthographies cannot differ.
enum VietnameseNameKey {
    /// U+0300 grave, U+0301 acute, U+0303 tilde, U+0309 hook above, U+0323 dot below.
    private static let toneMarks: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]

    static func make(_ name: some StringProtocol) -> String {
        let decomposed = String(name).lowercased().decomposedStringWithCanonicalMapping
        var key = String.UnicodeScalarView()
        var tone: Unicode.Scalar?
        var pendingSpace = false
        for scalar in decomposed.unicodeScalars {
            if toneMarks.contains(scalar.value) {
                tone = scalar
            } else if scalar.properties.isWhitespace || scalar == "-" || scalar == "," {
                if let t = tone { key.append(t); tone = nil }
                pendingSpace = !key.isEmpty
            } else {
                if pendingSpace { key.append(" "); pendingSpace = false }
                key.append(scalar)
            }
        }
        if let t = tone { key.append(t) }
        return String(key)
    }

    /// Unit-type words that may precede a name ("Phường Ba Đình" is also found as "Ba Đình"),
    /// longest first so that "thành phố" wins over nothing.
    static let typePrefixes: [String] = [
        "thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã",
    ].map { make($0) + " " }

    /// The key without a leading unit-type word, or `nil` when it has none.
    static func withoutTypePrefix(_ key: String) -> String? {
        for prefix in typePrefixes where key.hasPrefix(prefix) && key.count > prefix.count {
            return String(key.dropFirst(prefix.count))
        }
        return nil
    }
}
