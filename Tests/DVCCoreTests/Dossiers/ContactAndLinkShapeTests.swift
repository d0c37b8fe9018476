import DVCCore
import Foundation
import Testing

/// The shape checks of e-mail addresses, phone numbers, file links and lengths, pinned on ASCII
/// and non-ASCII inputs alike (ASCII text takes a byte-level path; the answers must not depend on it).
@Suite("Validation: contact, link and length shapes")
struct ContactAndLinkShapeTests {
    func rules(_ mutate: (inout Dossier) -> Void) throws -> [ValidationRule] {
        var dossier = try DossierValidationTests.good()
        mutate(&dossier)
        return dossier.validate(against: try DossierValidationTests.context()).map(\.rule)
    }

    @Test(arguments: [
        ("a@b.vn", false), ("ten.ho@so.gov.vn", false), ("", false), ("   ", false), ("\r\n", false), ("\t ", false),
        ("a@b", true), ("@b.vn", true), ("a@@b.vn", true), ("a@b..vn", true), ("a@.vn", true), ("a@b.", true),
        ("a b@c.vn", true), ("a@b.vn ", true), ("a@b\u{0B}.vn", true), ("x", true),
        ("nguyễn@bưu.điện.vn", false), ("nguyễn@bưuđiện", true), ("nguyễn\u{00A0}@b.vn", true), ("\u{3000}", false), ("é@b.vn", false),
    ] as [(String, Bool)])
    func emails(_ email: String, _ malformed: Bool) throws {
        #expect(try rules { $0.email = email }.contains(.contactMalformed) == malformed, "\(email.debugDescription)")
    }

    @Test(arguments: [
        ("https://motcua.vn/f/1.pdf", nil), ("HTTPS://MOTCUA.VN/f", nil), ("hTTpS://x", nil), ("http://x.vn/a", ValidationRule.fileURLNotHTTPS),
        ("HTTP://x", .fileURLNotHTTPS), ("ftp://x.vn/a", .fileURLMalformed), ("https://", .fileURLMalformed), ("https:///a", .fileURLMalformed),
        ("https://a b", .fileURLMalformed), ("https://a\tb", .fileURLMalformed), ("https://a/\r\n", .fileURLMalformed), ("/f/1.pdf", .fileURLMalformed),
        ("https://tệp.vn/a", nil), ("http://tệp.vn/a b", .fileURLMalformed), ("https://a/\u{2003}", .fileURLMalformed), ("", .fileURLMalformed),
    ] as [(String, ValidationRule?)])
    func links(_ url: String, _ rule: ValidationRule?) throws {
        let found = try rules { $0.submittedFiles = [SubmittedFile(name: "f.pdf", url: url)] }
            .filter { $0 == .fileURLMalformed || $0 == .fileURLNotHTTPS }
        #expect(found == (rule.map { [$0] } ?? []), "\(url.debugDescription)")
    }

    /// Required text is empty when every character is whitespace (`Character.isWhitespace`); the
    /// byte-level answer must agree with it on combining marks, prepended scalars and controls.
    @Test(arguments: [
        "", " ", "\r\n", "\t\u{0B}\u{0C}", "\u{1C}", "\u{85}", "\u{A0}", "\u{3000}\u{2003}", "\u{200B}", "a", " a ", "\u{A0}a",
        " \u{0301}", "\u{0600}a", "\u{0600} ", "é", " é ", "Đăng ký", "\u{2028}\r\n\u{2029}",
    ])
    func blankText(_ text: String) throws {
        #expect(try rules { $0.summary = text }.contains(.textEmpty) == text.allSatisfy(\.isWhitespace), "\(text.debugDescription)")
    }

    /// Lengths count UTF-16 units of the NFC form: decomposed Vietnamese counts once composed, and a
    /// character whose NFC form is longer counts at that length.
    @Test(arguments: [
        (String(repeating: "a", count: 1_000), false), (String(repeating: "a", count: 1_001), true),
        (String(repeating: "ệ", count: 1_000), false), (String(repeating: "e\u{0323}\u{0302}", count: 1_000), false),
        (String(repeating: "ệ", count: 1_001), true), (String(repeating: "\u{1D160}", count: 166), false), (String(repeating: "\u{1D160}", count: 167), true),
    ] as [(String, Bool)])
    func summaryLengths(_ summary: String, _ tooLong: Bool) throws {
        #expect(try rules { $0.summary = summary }.contains(.lengthExceeded) == tooLong)
    }
}
