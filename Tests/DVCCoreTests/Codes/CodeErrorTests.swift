import DVCCore
import Testing

@Suite("CodeError")
struct CodeErrorTests {
    @Test func describesKindRuleAndOffset() {
        let error = CodeError(kind: .taxCode, rule: .checkDigit, offset: 9)
        #expect(error.description == "tax code: check digit does not match (offset 9)")
    }

    /// Each rule says something of its own: no two rules share a name or, for one kind, an
    /// explanation; the rules that depend on the format name it; the names are kebab-case.
    @Test func everyRuleHasItsOwnExplanationForEveryKind() {
        let names = CodeError.Rule.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "-" } })
        for kind in CodeKind.allCases {
            let explanations = CodeError.Rule.allCases.map { $0.explanation(for: kind) }
            #expect(Set(explanations).count == explanations.count, "\(kind): two rules explain themselves alike")
            #expect(!kind.displayName.isEmpty && !kind.formatSummary.isEmpty)
            for rule in [CodeError.Rule.length, .expectedSeparator, .invalidCharacter, .nonNormativeForm] {
                #expect(rule.explanation(for: kind).contains(kind.formatSummary), "\(rule) for \(kind) names the format")
            }
        }
        #expect(Set(CodeKind.allCases.map(\.formatSummary)).count == CodeKind.allCases.count, "each kind has its own format summary")
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
