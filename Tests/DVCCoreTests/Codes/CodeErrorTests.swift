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

    /// Found by the `codes` fuzz target: an offset inside a multi-byte character (here before a
    /// combining mark, U+07B0) counted the cut character as one more than the input has; and
    /// CR LF, two ASCII bytes but one Swift character, was counted as two.
    @Test(arguments: ["02UnsafeMu0.00.1\u{FFFD}.H20-603\u{FFFD})\u{07B0}", "0912345)\u{0301}", "09\u{1F1FB}\u{1F1F3}9", "000.00.1\u{0301}",
                      "00000.15.,5.\r\nH20-0.15.,5.\r\nH20-2"])
    func anOffsetNeverPassesTheEndOfTheInput(_ input: String) {
        func check<Code: NationalCode>(_ type: Code.Type) {
            let error = #expect(throws: CodeError.self) { try Code(validating: input) }
            #expect(error.map { (0...input.count).contains($0.offset) } == true, "\(Code.self): offset \(error?.offset ?? -1) in \(input.count) characters")
        }
        check(PhoneNumber.self)
        check(AgencyCode.self)
        check(DossierCode.self)
        check(ProcedureCode.self)
        check(TaxCode.self)
        check(CitizenID.self)
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
