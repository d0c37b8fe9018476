import DVCCore
import Foundation
import Testing

@Suite("DossierCode")
struct DossierCodeTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String, form: DossierCode.Form, agency: String, date: CalendarDate, sequence: Int, owner: String?
        var testDescription: String { input }
    }

    static let normative: [Accepted] = [
        .init(input: "000.00.14.H20-200703-0002", form: .circular01of2018, agency: "000.00.14.H20", date: .ymd(2020, 7, 3), sequence: 2, owner: nil),
        .init(input: "000.00.01.H29-240115-0001", form: .circular01of2018, agency: "000.00.01.H29", date: .ymd(2024, 1, 15), sequence: 1, owner: nil),
        .init(input: "000.00.00.G22-240229-9999", form: .circular01of2018, agency: "000.00.00.G22", date: .ymd(2024, 2, 29), sequence: 9999, owner: nil),
        .init(input: "H55.242-250801-0001", form: .circular03of2025, agency: "H55.242", date: .ymd(2025, 8, 1), sequence: 1, owner: nil),
        .init(input: "G09.20.3-260125-010007", form: .centralised, agency: "G09.20.3", date: .ymd(2026, 1, 25), sequence: 7, owner: "01"),
        .init(input: "H29-260301-991234567", form: .centralised, agency: "H29", date: .ymd(2026, 3, 1), sequence: 1_234_567, owner: "99"),
    ]

    static let lenientOnly: [Accepted] = [
        .init(input: "000.701.18.G12-260314-2711000036943", form: .lenient, agency: "000.701.18.G12", date: .ymd(2026, 3, 14), sequence: 2_711_000_036_943, owner: nil),
        .init(input: "38.98.H29-210519-0013", form: .lenient, agency: "38.98.H29", date: .ymd(2021, 5, 19), sequence: 13, owner: nil),
        .init(input: "000.00.14.H20-200703-00002", form: .lenient, agency: "000.00.14.H20", date: .ymd(2020, 7, 3), sequence: 2, owner: nil),
        .init(input: "H55.242-250801-00001", form: .lenient, agency: "H55.242", date: .ymd(2025, 8, 1), sequence: 1, owner: nil),
        .init(input: "T.G12.34.5-250801-0001", form: .lenient, agency: "T.G12.34.5", date: .ymd(2025, 8, 1), sequence: 1, owner: nil),
    ]

    @Test(arguments: normative)
    func acceptsNormativeForms(_ row: Accepted) throws {
        #expect(DossierCode.isValid(row.input))
        let code = try DossierCode(row.input)
        try check(code, row)
        #expect(code.isNormative)
        #expect(code.receivingAgency?.rawValue == row.agency)
        try roundTrip(code)
    }

    @Test(arguments: lenientOnly)
    func acceptsLenientShapesOnlyWhenAsked(_ row: Accepted) throws {
        #expect(!DossierCode.isValid(row.input))
        #expect(DossierCode.isValid(row.input, strictness: .lenient))
        let code = try DossierCode(row.input, strictness: .lenient)
        try check(code, row)
        #expect(!code.isNormative)
        #expect(throws: CodeError.self) { try DossierCode(row.input) }
        // Decoding is lenient, so what a real system sent is kept.
        let decoded = try JSONDecoder().decode(DossierCode.self, from: Data("\"\(row.input)\"".utf8))
        #expect(decoded == code)
    }

    private func check(_ code: DossierCode, _ row: Accepted) throws {
        #expect(code.rawValue == row.input)
        #expect(code.form == row.form)
        #expect(code.agencyText == row.agency)
        #expect(code.receptionDate == row.date)
        #expect(code.sequence == row.sequence)
        #expect(code.systemOwnerCode == row.owner)
        #expect(Int(code.sequenceText) == row.sequence)
    }

    @Test func lenientAgencyCodeIsKeptWhenValid() throws {
        let variant = try DossierCode("000.701.18.G12-260314-2711000036943", strictness: .lenient)
        #expect(variant.receivingAgency?.isDeployedVariant == true)
        let abbreviated = try DossierCode("38.98.H29-210519-0013", strictness: .lenient)
        #expect(abbreviated.receivingAgency == nil)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection("000.00.14.H20", .expectedSeparator, at: 13),
        Rejection("000.00.14.H20-", .length, at: 14),
        Rejection("000.00.14.H20-2007", .length, at: 18),
        Rejection("000.00.14.H20-20070x-0002", .expectedDigit, at: 19),
        Rejection("000.00.14.H20-201303-0002", .invalidDate, at: 16),
        Rejection("000.00.14.H20-200230-0002", .invalidDate, at: 18),
        Rejection("000.00.14.H20-230229-0002", .invalidDate, at: 18),
        Rejection("000.00.14.H20-200700-0002", .invalidDate, at: 18),
        Rejection("000.00.14.H20-200703", .length, at: 20),
        Rejection("000.00.14.H20-200703_0002", .expectedSeparator, at: 20),
        Rejection("000.00.14.H20-200703-002", .length, at: 24),
        Rejection("000.00.14.H20-200703-00a2", .expectedDigit, at: 23),
        Rejection("000.00.14.H20-200703-0000", .zeroSequence, at: 21),
        Rejection("000.00.14.h20-200703-0002", .levelOneLetter, at: 10),
        Rejection("000.00.14.H20-200703-00002", .nonNormativeForm, at: 25),
        Rejection("000.701.18.G12-260314-0001", .nonNormativeForm, at: 0),
        Rejection("H55.242-250801-00001", .nonNormativeForm, at: 0),
        Rejection("38.98.H29-210519-0013", .groupLength, at: 2),
        Rejection("000.00.14.H20-200703-1234567890123456789", .length, at: 39),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(DossierCode.self, row) }

    static let rejectedEvenLeniently: [Rejection] = [
        Rejection("38.98.h29-210519-0013", .invalidCharacter, at: 6),
        Rejection(".98.H29-210519-0013", .groupLength, at: 0),
        Rejection("38..H29-210519-0013", .groupLength, at: 3),
        Rejection("38.98.-210519-0013", .groupLength, at: 6),
        Rejection("38.98.H29-210519-0000", .zeroSequence, at: 17),
        Rejection("38.98.H29-211919-0013", .invalidDate, at: 12),
    ]

    @Test(arguments: rejectedEvenLeniently)
    func rejectsLeniently(_ row: Rejection) {
        #expect(!DossierCode.isValid(row.input, strictness: .lenient))
        #expect(throws: CodeError(kind: .dossierCode, rule: row.rule, offset: row.offset)) {
            try DossierCode(row.input, strictness: .lenient)
        }
    }
}

@Suite("DossierCodeGenerator")
struct DossierCodeGeneratorTests {
    let day = CalendarDate.ymd(2026, 3, 2)

    @Test func issuesConsecutiveCodesPerDay() throws {
        let generator = try DossierCodeGenerator(agency: try AgencyCode("000.00.14.H20"))
        #expect(try generator.next(on: day).rawValue == "000.00.14.H20-260302-0001")
        #expect(try generator.next(on: day).rawValue == "000.00.14.H20-260302-0002")
        #expect(try generator.next(on: day.adding(days: 1)).rawValue == "000.00.14.H20-260303-0001")
        #expect(generator.lastIssued(on: day) == 2)
        #expect(try generator.next(on: day).form == .circular01of2018)
    }

    @Test func continuesFromAPersistedSequence() throws {
        let generator = try DossierCodeGenerator(agency: try AgencyCode("H55.242"), lastIssued: [day: 41])
        let code = try generator.next(on: day)
        #expect(code.rawValue == "H55.242-260302-0042")
        #expect(code.form == .circular03of2025)
    }

    @Test func stopsAtTheLastNumberOfTheForm() throws {
        let generator = try DossierCodeGenerator(agency: try AgencyCode("000.00.14.H20"), lastIssued: [day: 9_998])
        #expect(try generator.next(on: day).sequence == 9_999)
        #expect(throws: CodeError(kind: .dossierCode, rule: .sequenceExhausted, offset: 0)) { try generator.next(on: day) }
        #expect(try generator.next(on: day.adding(days: 1)).sequence == 1)
    }

    @Test func centralisedFormCarriesTheSystemOwner() throws {
        let generator = try DossierCodeGenerator(agency: try AgencyCode("G09.20"), systemOwnerCode: "07", lastIssued: [day: 12_344])
        let code = try generator.next(on: day)
        #expect(code.rawValue == "G09.20-260302-0712345")
        #expect(code.form == .centralised)
        #expect(code.systemOwnerCode == "07")
        #expect(code.sequence == 12_345)
    }

    @Test func rejectsABadSystemOwnerOrDay() throws {
        #expect(throws: CodeError(kind: .dossierCode, rule: .length, offset: 1)) {
            try DossierCodeGenerator(agency: try AgencyCode("G09.20"), systemOwnerCode: "7")
        }
        #expect(throws: CodeError(kind: .dossierCode, rule: .expectedDigit, offset: 1)) {
            try DossierCodeGenerator(agency: try AgencyCode("G09.20"), systemOwnerCode: "7a")
        }
        #expect(throws: CodeError(kind: .dossierCode, rule: .nonNormativeForm, offset: 0)) {
            try DossierCodeGenerator(agency: try AgencyCode("000.00.00.G09"), systemOwnerCode: "07")
        }
        let generator = try DossierCodeGenerator(agency: try AgencyCode("H29"))
        #expect(throws: CodeError.self) { try generator.next(on: .ymd(2100, 1, 1)) }
    }

    @Test func concurrentCallersNeverShareACode() async throws {
        let generator = try DossierCodeGenerator(agency: try AgencyCode("000.00.00.H29"))
        let day = self.day
        let codes = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<16 {
                group.addTask { try (0..<200).map { _ in try generator.next(on: day).rawValue } }
            }
            var all: [String] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(codes.count == 3_200)
        #expect(Set(codes).count == 3_200)
        #expect(generator.lastIssued(on: day) == 3_200)
    }
}

/// The core review's code findings W11 and W13.
@Suite("Dossier codes: centralised form dates, generator agencies")
struct DossierCodeRegressionTests {
    /// W11: the centralised form exists from 2026-01-25 (Circular 04/2025/TT-VPCP); a Decision
    /// 20/2020 code with a 6-digit sequence dated before that is not centralised.
    @Test func theCentralisedFormStartsOnTheTwentyFifthOfJanuary2026() throws {
        let centralised = try DossierCode("G09.20-260125-010007")
        #expect(centralised.form == .centralised && centralised.systemOwnerCode == "01" && centralised.sequence == 7)
        #expect(throws: CodeError.self) { try DossierCode("G09.20-260124-010007") }
        let earlier = try DossierCode("G09.20-260124-010007", strictness: .lenient)
        #expect(earlier.form == .lenient && earlier.systemOwnerCode == nil && earlier.sequence == 10_007)
        #expect(!earlier.isNormative)
    }

    /// W13: a generator for an agency it can never issue normative codes for is refused at once.
    @Test func aGeneratorRefusesADeployedVariantAgency() throws {
        let variant = try AgencyCode("000.701.18.G12")
        #expect(variant.isDeployedVariant)
        let error = #expect(throws: CodeError.self) { try DossierCodeGenerator(agency: variant) }
        #expect(error?.rule == .nonNormativeForm)
        let generator = try DossierCodeGenerator(agency: try AgencyCode("000.00.18.G12"))
        #expect(try generator.next(on: .ymd(2026, 3, 2)).rawValue == "000.00.18.G12-260302-0001")
    }
}
