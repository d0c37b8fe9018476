import DVCCore
import Foundation
import Testing

/// Strings are scanned and escaped eight bytes at a time: every kind of byte that stops the scan,
/// at every position around a word's boundary, reads and writes as Foundation does.
@Suite("Wire codec: strings across word boundaries")
struct WireCodecStringTests {
    /// What can stop an eight-byte scan: quotes, backslashes, controls, and UTF-8 sequences of 2,
    /// 3 and 4 bytes.
    static let stoppers = ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\t", "ữ", "€", "😀", "/", "\u{7F}"]

    @Test(arguments: stoppers)
    func aStopperAtEveryOffsetWritesAndReadsAsFoundationDoes(_ stopper: String) throws {
        var dossier = try DossierValidationTests.good()
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 23] {
            for offset in 0...length {
                let plain = String(repeating: "a", count: length)
                let text = String(plain.prefix(offset)) + stopper + String(plain.dropFirst(offset))
                dossier.summary = text
                try WireCodecTests.expectSameBytes(dossier)
                let data = try PortalJSON.encode(dossier, style: .canonical, codec: .foundation)
                WireCodecTests.expectSame(Dossier.self, data)
                #expect(try PortalJSON.decode(Dossier.self, from: data).summary == text)
            }
        }
    }

    @Test func escapesSpellTheSameText() throws {
        for escaped in [#"a\u0041\"b"#, #"\\\\\\\\\\\\\\\\x"#, #"\ud83d\ude00 tail of more than eight"#, #"12345678\n12345678\t"#] {
            let good = try PortalJSON.encode(try DossierValidationTests.good(), style: .canonical, codec: .foundation)
            let json = String(decoding: good, as: UTF8.self).replacingOccurrences(of: #""TrichYeuHoSo":"Khai sinh""#, with: #""TrichYeuHoSo":"\#(escaped)""#)
            #expect(json.contains(escaped))
            WireCodecTests.expectSame(Dossier.self, Data(json.utf8))
        }
    }
}
