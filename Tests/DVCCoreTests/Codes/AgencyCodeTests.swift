import DVCCore
import Foundation
import Testing

@Suite("AgencyCode")
struct AgencyCodeTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String, form: AgencyCode.Form, level: Int, levelOne: String, levels: [String], parent: String?, variant: Bool
        var testDescription: String { input }
    }

    static let accepted: [Accepted] = [
        .init(input: "000.00.00.H29", form: .qcvn102, level: 1, levelOne: "H29", levels: ["H29"], parent: nil, variant: false),
        .init(input: "000.00.01.H22", form: .qcvn102, level: 2, levelOne: "H22", levels: ["H22", "01"], parent: "000.00.00.H22", variant: false),
        .init(input: "000.00.14.H20", form: .qcvn102, level: 2, levelOne: "H20", levels: ["H20", "14"], parent: "000.00.00.H20", variant: false),
        .init(input: "000.01.01.H08", form: .qcvn102, level: 3, levelOne: "H08", levels: ["H08", "01", "01"], parent: "000.00.01.H08", variant: false),
        .init(input: "123.02.01.H01", form: .qcvn102, level: 4, levelOne: "H01", levels: ["H01", "01", "02", "123"], parent: "000.02.01.H01", variant: false),
        .init(input: "000.00.18.G12", form: .qcvn102, level: 2, levelOne: "G12", levels: ["G12", "18"], parent: "000.00.00.G12", variant: false),
        .init(input: "000.00.00.G22", form: .qcvn102, level: 1, levelOne: "G22", levels: ["G22"], parent: nil, variant: false),
        .init(input: "000.701.18.G12", form: .qcvn102, level: 3, levelOne: "G12", levels: ["G12", "18", "701"], parent: "000.000.18.G12", variant: true),
        .init(input: "H29", form: .decision20, level: 1, levelOne: "H29", levels: ["H29"], parent: nil, variant: false),
        .init(input: "H55.242", form: .decision20, level: 2, levelOne: "H55", levels: ["H55", "242"], parent: "H55", variant: false),
        .init(input: "G09.20", form: .decision20, level: 2, levelOne: "G09", levels: ["G09", "20"], parent: "G09", variant: false),
        .init(input: "G06.01.A1.7", form: .decision20, level: 4, levelOne: "G06", levels: ["G06", "01", "A1", "7"], parent: "G06.01.A1", variant: false),
        .init(input: "Y99." + String(repeating: "9", count: 31), form: .decision20, level: 2, levelOne: "Y99",
              levels: ["Y99", String(repeating: "9", count: 31)], parent: "Y99", variant: false),
    ]

    @Test(arguments: accepted)
    func acceptsAndParses(_ row: Accepted) throws {
        #expect(AgencyCode.isValid(row.input))
        let code = try AgencyCode(row.input)
        #expect(code.rawValue == row.input)
        #expect(code.description == row.input)
        #expect(code.form == row.form)
        #expect(code.level == row.level)
        #expect(code.levelOneCode == row.levelOne)
        #expect(code.levels == row.levels)
        #expect(code.parent?.rawValue == row.parent)
        #expect(code.isDeployedVariant == row.variant)
        #expect(code.isWithin(code.levelOne))
        #expect(code.sharesLevelOne(with: code.levelOne))
        try roundTrip(code)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection(" 000.00.00.H29", .invalidCharacter, at: 0),
        Rejection("000.00.00.h29", .levelOneLetter, at: 10),
        Rejection("000.00.00.Z29", .levelOneLetter, at: 10),
        Rejection("000.00.00.129", .levelOneLetter, at: 10),
        Rejection("000.00.00.H2", .length, at: 12),
        Rejection("000.00.00.H2X", .expectedDigit, at: 12),
        Rejection("000.00.00.H290", .length, at: 13),
        Rejection("00.00.00.H29", .groupLength, at: 2),
        Rejection("0000.00.00.H29", .groupLength, at: 3),
        Rejection("000.0.00.H29", .groupLength, at: 5),
        Rejection("000.0000.00.H29", .groupLength, at: 7),
        // Found by the `codes` fuzz target: a long digit run overflowed the group's value (a trap).
        Rejection("022603020302083000083000", .groupLength, at: 3),
        Rejection("000." + String(repeating: "9", count: 40) + ".00.H29", .groupLength, at: 7),
        Rejection("000.00.00", .length, at: 9),
        Rejection("000-00.00.H29", .expectedSeparator, at: 3),
        Rejection("000.0A.00.H29", .expectedDigit, at: 5),
        Rejection("000.01.00.H29", .levelGap, at: 4),
        Rejection("001.00.05.H29", .levelGap, at: 0),
        Rejection("h29", .levelOneLetter, at: 0),
        Rejection("Z01", .levelOneLetter, at: 0),
        Rejection("H5", .length, at: 2),
        Rejection("H5A", .expectedDigit, at: 2),
        Rejection("H55-242", .expectedSeparator, at: 3),
        Rejection("H55.", .groupLength, at: 4),
        Rejection("H55..2", .groupLength, at: 4),
        Rejection("H55.24a", .invalidCharacter, at: 6),
        Rejection("H55.Đ", .invalidCharacter, at: 4),
        Rejection("Y99." + String(repeating: "9", count: 32), .length, at: 35),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(AgencyCode.self, row) }

    @Test func levelOneCategories() throws {
        #expect(try AgencyCode("000.00.00.G05").levelOneCategory == .ministry)
        #expect(try AgencyCode("H29").levelOneCategory == .province)
        #expect(try AgencyCode("A01").levelOneCategory == .other("A"))
        #expect(try AgencyCode("H29.5").levelOneNumber == 29)
        #expect(try AgencyCode("000.00.00.G05").levelOneLetter == "G")
    }

    @Test func conversionIsDefinedForLevelOneOnly() throws {
        let legacy = try AgencyCode("000.00.00.H29")
        #expect(legacy.converted(to: .decision20)?.rawValue == "H29")
        #expect(try AgencyCode("H29").converted(to: .qcvn102)?.rawValue == "000.00.00.H29")
        #expect(legacy.converted(to: .qcvn102) == legacy)
        #expect(try AgencyCode("000.00.14.H20").converted(to: .decision20) == nil)
        #expect(try AgencyCode("H55.242").converted(to: .qcvn102) == nil)
    }

    @Test func hierarchyAcrossForms() throws {
        let unit = try AgencyCode("000.00.14.H20")
        #expect(unit.isWithin(try AgencyCode("000.00.00.H20")))
        #expect(unit.isWithin(try AgencyCode("H20")))
        #expect(!unit.isWithin(try AgencyCode("000.00.00.H21")))
        #expect(!unit.isWithin(try AgencyCode("000.00.15.H20")))
        #expect(!unit.isWithin(try AgencyCode("H20.14")), "lower levels do not compare across forms")
        #expect(try AgencyCode("H55.242.3").isWithin(try AgencyCode("H55.242")))
        #expect(!(try AgencyCode("H55.24").isWithin(try AgencyCode("H55.242"))))
        #expect(unit.sharesLevelOne(with: try AgencyCode("H20.7")))
        #expect(unit.levelOne.rawValue == "000.00.00.H20")
        #expect(try AgencyCode("H55.242").levelOne.rawValue == "H55")
    }

    @Test func decodingRevalidatesAndNamesThePath() throws {
        struct Holder: Codable { let agency: AgencyCode }
        let good = try JSONDecoder().decode(Holder.self, from: Data(#"{"agency":"000.00.14.H20"}"#.utf8))
        #expect(good.agency.level == 2)
        do {
            _ = try JSONDecoder().decode(Holder.self, from: Data(#"{"agency":"000.00.14.h20"}"#.utf8))
            Issue.record("decoded an invalid agency code")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.map(\.stringValue) == ["agency"])
            #expect(context.debugDescription.contains("level-1"))
        }
    }

    @Test func equalityIsByCanonicalText() throws {
        #expect(try AgencyCode("H29") == AgencyCode("H29"))
        #expect(try AgencyCode("H29") != AgencyCode("000.00.00.H29"))
        #expect(Set([try AgencyCode("H29"), try AgencyCode("H29")]).count == 1)
    }
}
