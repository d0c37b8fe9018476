import DVCCore
import Testing

@Suite("TaxCode")
struct TaxCodeTests {
    /// python-stdnum's 166 cases (161 valid, 5 invalid), separators as written.
    @Test func pythonStdnumVectors() throws {
        let lines = try fixture("python-stdnum-vn-mst.txt").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 166)
        var valid = 0, invalid = 0
        for line in lines {
            let value = String(line.drop(while: { $0 != " " }).dropFirst())
            if line.hasPrefix("VALID ") {
                valid += 1
                #expect(TaxCode.isValid(value), "\(value)")
                let code = try TaxCode(value)
                #expect(code.compact == value.filter(\.isNumber))
            } else {
                invalid += 1
                #expect(!TaxCode.isValid(value), "\(value)")
                // Each invalid vector fails for its own reason, which is pinned.
                do { _ = try TaxCode(value); Issue.record("\(value) accepted") } catch {
                    #expect(error.rule == Self.invalidVectorRules[value], "\(value): \(error.rule)")
                }
            }
        }
        #expect(valid == 161 && invalid == 5)
    }

    /// Why python-stdnum's five invalid vectors are invalid.
    static let invalidVectorRules: [String: CodeError.Rule] = [
        "12345": .length, "0100233480": .checkDigit, "VV34567890": .invalidCharacter, "0100000008": .zeroComponent, "0314409058-000": .zeroComponent,
    ]

    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String, display: String, compact: String, kind: TaxCode.Kind
        var testDescription: String { input }
    }

    static let accepted: [Accepted] = [
        .init(input: "0100047516", display: "0100047516", compact: "0100047516", kind: .main),
        .init(input: "01.00.112.437", display: "0100112437", compact: "0100112437", kind: .main),
        .init(input: "0314409058-002", display: "0314409058-002", compact: "0314409058002", kind: .branch),
        .init(input: "0314409058002", display: "0314409058-002", compact: "0314409058002", kind: .branch),
        .init(input: "0312 68 78 78 - 001", display: "0312687878-001", compact: "0312687878001", kind: .branch),
        .init(input: "001087012345", display: "001087012345", compact: "001087012345", kind: .personalID),
    ]

    @Test(arguments: accepted)
    func acceptsAndCanonicalizes(_ row: Accepted) throws {
        let code = try TaxCode(row.input)
        #expect(code.rawValue == row.display)
        #expect(code.compact == row.compact)
        #expect(code.kind == row.kind)
        #expect(try TaxCode(code.rawValue) == code)
        try roundTrip(code)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection("12345", .length, at: 5),
        Rejection("VV34567890", .invalidCharacter, at: 0),
        Rejection("0100000008", .zeroComponent, at: 2),
        Rejection("0314409058-000", .zeroComponent, at: 11),
        Rejection("0100233480", .checkDigit, at: 9),
        Rejection("01.00.233.480", .checkDigit, at: 12),
        Rejection("01002334880000", .length, at: 13),
        Rejection("110023348800", .unknownProvince, at: 0),
        Rejection("001999012345", .birthYearInFuture, at: 3),
        Rejection("0100/233488", .invalidCharacter, at: 4),
        Rejection(String(repeating: " ", count: 41), .length, at: 40),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(TaxCode.self, row) }

    @Test func checkDigitFollowsCircular86() throws {
        // Worked example: S = 158, 158 mod 11 = 4, check = 6.
        #expect(TaxCode.checkDigit(forPrefix: "010004751") == 6)
        #expect(try TaxCode("0100047516").checkDigit == 6)
        // A prefix whose weighted sum is divisible by 11 has no valid code.
        let prefix = try #require((0..<1_000_000).lazy.map { String(100_000_000 + $0) }.first { TaxCode.checkDigit(forPrefix: $0) == nil })
        for digit in 0...9 { #expect(!TaxCode.isValid(prefix + String(digit))) }
        #expect(TaxCode.checkDigit(forPrefix: "12345678") == nil)
        #expect(TaxCode.checkDigit(forPrefix: "12345678x") == nil)
    }

    @Test func componentsAndMasking() throws {
        let branch = try TaxCode("0314409058-002")
        #expect(branch.partition == "03")
        #expect(branch.branchNumber == "002")
        #expect(branch.headOffice?.rawValue == "0314409058")
        #expect(branch.headOffice?.kind == .main)
        let personal = try TaxCode("001087012345")
        #expect(personal.personalID?.birthYear == 1987)
        #expect(personal.checkDigit == nil)
        #expect(personal.headOffice == nil)
        #expect(personal.description == "001*******45")
        #expect(!"\(personal)".contains("001087012345"))
    }

    /// `isValid` reads 10 and 13 digits in one word-sized pass; the full parser behind `init` must
    /// agree with it on every input of those lengths: digits, near-digits ('/' and ':' border '0'
    /// and '9'), separators and bytes beyond ASCII.
    @Test func theWordSizedPathAgreesWithTheParser() {
        var state: UInt64 = 0x7A11
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            return z ^ (z >> 27)
        }
        let alphabet = Array("0123456789") + Array("0123456789") + ["/", ":", " ", "-", ".", "a", "é"]
        var agreed = 0, valid = 0
        for _ in 0..<200_000 {
            let length = next() % 2 == 0 ? 10 : 13
            let text = String((0..<length).map { _ in next() % 8 == 0 ? alphabet[Int(next() % UInt64(alphabet.count))] : alphabet[Int(next() % 10)] })
            let parsed = (try? TaxCode(validating: text)) != nil
            if TaxCode.isValid(text) == parsed { agreed += 1 }
            if parsed { valid += 1 }
        }
        #expect(agreed == 200_000)
        #expect(valid > 1_000)
    }
}
