import DVCCore
import Testing

@Suite("CodeError")
struct CodeErrorTests {
    @Test func describesKindRuleAndOffset() {
        let error = CodeError(kind: .taxCode, rule: .checkDigit, offset: 9)
        #expect(error.description == "tax code: check digit does not match (offset 9)")
    }

    @Test func everyRuleHasAnExplanationForEveryKind() {
        for rule in CodeError.Rule.allCases {
            #expect(!rule.rawValue.isEmpty)
            for kind in CodeKind.allCases {
                #expect(!rule.explanation(for: kind).isEmpty)
                #expect(!kind.displayName.isEmpty && !kind.formatSummary.isEmpty)
            }
        }
    }

    @Test func offsetsCountCharactersNotBytes() {
        // "Đ" is two UTF-8 bytes; the offset after it is still a character offset.
        expectRejected(AgencyCode.self, Rejection("ĐĐ", .invalidCharacter, at: 0))
        expectRejected(DossierCode.self, Rejection("000.00.14.H20-2007Đ3-0002", .expectedDigit, at: 18))
        expectRejected(TaxCode.self, Rejection("0100233488 Đ", .invalidCharacter, at: 11))
        expectRejected(PhoneNumber.self, Rejection("09ĐĐ12345678", .invalidCharacter, at: 2))
        expectRejected(FieldCode.self, Rejection("G03-GĐ06", .invalidCharacter, at: 5))
    }

    @Test func errorsNeverCarryTheInput() {
        do {
            _ = try CitizenID("001999012345")
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("001999012345"))
            #expect(!"\(error)".contains("999012345"))
        }
    }
}
