import DVCCore
import Testing

@Suite("ProcedureCode")
struct ProcedureCodeTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String, national: String, agency: String?, variant: String?
        var testDescription: String { input }
    }

    static let accepted: [Accepted] = [
        .init(input: "1.001193", national: "1.001193", agency: nil, variant: nil),
        .init(input: "3.000449", national: "3.000449", agency: nil, variant: nil),
        .init(input: "1.000494.000.00.00.H29", national: "1.000494", agency: "000.00.00.H29", variant: nil),
        .init(input: "3.000181.000.00.00.H22", national: "3.000181", agency: "000.00.00.H22", variant: nil),
        .init(input: "1.014390.H05", national: "1.014390", agency: "H05", variant: nil),
        .init(input: "2.000815.000.00.00.H55.02", national: "2.000815", agency: "000.00.00.H55", variant: "02"),
        .init(input: "2.000815.H55.02", national: "2.000815", agency: "H55", variant: "02"),
        .init(input: "9.999999.000.00.18.G12", national: "9.999999", agency: "000.00.18.G12", variant: nil),
    ]

    @Test(arguments: accepted)
    func acceptsAndParses(_ row: Accepted) throws {
        #expect(ProcedureCode.isValid(row.input))
        let code = try ProcedureCode(row.input)
        #expect(code.rawValue == row.input)
        #expect(code.national == row.national)
        #expect(code.nationalCode.rawValue == row.national)
        #expect(code.nationalCode.agency == nil)
        #expect(code.agency?.rawValue == row.agency)
        #expect(code.publicServiceVariant == row.variant)
        try roundTrip(code)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection("0.001193", .invalidCharacter, at: 0),
        Rejection("A.001193", .expectedDigit, at: 0),
        Rejection("1", .length, at: 1),
        Rejection("1-001193", .expectedSeparator, at: 1),
        Rejection("1.00119", .length, at: 7),
        Rejection("1.00119x", .expectedDigit, at: 7),
        Rejection("1.0011934", .expectedSeparator, at: 8),
        Rejection("1.001193.", .length, at: 9),
        Rejection("1.001193.h29", .levelOneLetter, at: 9),
        Rejection("1.001193.000.00.00.h29", .levelOneLetter, at: 19),
        Rejection("1.001193.000.00.00", .length, at: 18),
        Rejection("1.001193.H29.2", .length, at: 14),
        Rejection("1.001193.H29.2x", .expectedDigit, at: 14),
        Rejection("1.001193.H29.021", .length, at: 15),
        Rejection("1.001193.H29-02", .expectedSeparator, at: 12),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(ProcedureCode.self, row) }
}

@Suite("FieldCode")
struct FieldCodeTests {
    @Test(arguments: ["G03-GD06", "G03-GD09", "G03-GD10", "H29-TP1", "G12-" + String(repeating: "A", count: 16)])
    func accepts(_ input: String) throws {
        #expect(FieldCode.isValid(input))
        let code = try FieldCode(input)
        #expect(code.rawValue == input)
        #expect(code.ownerCode == String(input.prefix(3)))
        #expect(code.owner.level == 1)
        #expect(code.localPart == String(input.dropFirst(4)))
        try roundTrip(code)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection("005", .levelOneLetter, at: 0),
        Rejection("CNTP", .expectedDigit, at: 1),
        Rejection("g03-GD06", .levelOneLetter, at: 0),
        Rejection("G03", .length, at: 3),
        Rejection("G03-", .length, at: 4),
        Rejection("G03.GD06", .expectedSeparator, at: 3),
        Rejection("G03-gd06", .invalidCharacter, at: 4),
        Rejection("G03-GD 06", .invalidCharacter, at: 6),
        Rejection("G12-" + String(repeating: "A", count: 17), .length, at: 20),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(FieldCode.self, row) }
}
