import DVCCore
import Testing

@Suite("CitizenID")
struct CitizenIDTests {
    let today = CalendarDate.ymd(2026, 11, 22)

    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String, province: String, sex: CitizenID.Sex, year: Int
        var testDescription: String { String(input.prefix(6)) }
    }

    static let accepted: [Accepted] = [
        .init(input: "001087012345", province: "01", sex: .male, year: 1987),
        .init(input: "001185012345", province: "01", sex: .female, year: 1985),
        .init(input: "079203000001", province: "79", sex: .male, year: 2003),
        .init(input: "096326999999", province: "96", sex: .female, year: 2026),
        .init(input: "024200000000", province: "24", sex: .male, year: 2000),
    ]

    @Test(arguments: accepted)
    func acceptsAndParses(_ row: Accepted) throws {
        let id = try CitizenID(row.input, today: today)
        #expect(id.rawValue == row.input)
        #expect(id.birthRegistrationProvince.code.rawValue == row.province)
        #expect(id.birthRegistrationProvinceCode == "0" + row.province)
        #expect(id.sex == row.sex)
        #expect(id.birthYear == row.year)
        #expect(id.description == String(row.input.prefix(3)) + "*******" + String(row.input.suffix(2)))
        #expect(!id.description.contains(row.input))
        try roundTrip(id)
    }

    @Test func everyLegacyProvinceCodeIsABirthRegistrationCode() throws {
        let provinces = AdministrativeUnits.provinces(in: .legacy)
        #expect(provinces.count == 63)
        for province in provinces {
            let id = try CitizenID("0\(province.code.rawValue)090123456", today: today)
            #expect(id.birthRegistrationProvince.name == province.name)
        }
    }

    @Test(arguments: ["003", "005", "099", "100", "963", "999"])
    func rejectsUnassignedProvinceCodes(_ prefix: String) {
        #expect(throws: CodeError(kind: .citizenID, rule: .unknownProvince, offset: 0)) {
            try CitizenID(prefix + "087012345", today: today)
        }
    }

    @Test func centuryDigitTable() throws {
        let expected: [(Character, Int, CitizenID.Sex)] = [
            ("0", 1999, .male), ("1", 1999, .female), ("2", 2099, .male), ("3", 2099, .female),
            ("4", 2199, .male), ("5", 2199, .female), ("6", 2299, .male), ("7", 2299, .female),
            ("8", 2399, .male), ("9", 2399, .female),
        ]
        let farFuture = CalendarDate.ymd(2400, 1, 1)
        for (digit, year, sex) in expected {
            let id = try CitizenID("001\(digit)99123456", today: farFuture)
            #expect(id.birthYear == year)
            #expect(id.sex == sex)
        }
    }

    @Test func birthYearAfterTodayFailsItsOwnRule() throws {
        #expect(throws: CodeError(kind: .citizenID, rule: .birthYearInFuture, offset: 3)) {
            try CitizenID("001227012345", today: today)
        }
        #expect(try CitizenID("001227012345", today: .ymd(2027, 1, 1)).birthYear == 2027)
        #expect(try CitizenID("001226012345", today: today).birthYear == 2026)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection("00108701234", .length, at: 11),
        Rejection("0010870123456", .length, at: 12),
        Rejection("00108701234x", .expectedDigit, at: 11),
        Rejection("001 087012345", .expectedDigit, at: 3),
        Rejection("002999012345", .birthYearInFuture, at: 3),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(CitizenID.self, row) }
}

@Suite("LegacyIDCard")
struct LegacyIDCardTests {
    @Test func checksTheShapeOnly() throws {
        let card = try LegacyIDCard("012345678")
        #expect(card.rawValue == "012345678")
        #expect(card.description == "0*******8")
        try roundTrip(card)
        expectRejected(LegacyIDCard.self, Rejection("01234567", .length, at: 8))
        expectRejected(LegacyIDCard.self, Rejection("0123456789", .length, at: 9))
        expectRejected(LegacyIDCard.self, Rejection("01234a678", .expectedDigit, at: 5))
        expectRejected(LegacyIDCard.self, Rejection("", .empty, at: 0))
    }
}

@Suite("PhoneNumber")
struct PhoneNumberTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String, e164: String, kind: PhoneNumber.Kind, carrier: PhoneCarrier?, area: String?
        var testDescription: String { input }
    }

    static let accepted: [Accepted] = [
        .init(input: "0912345678", e164: "+84912345678", kind: .mobile, carrier: .vinaphone, area: nil),
        .init(input: "+84 912 345 678", e164: "+84912345678", kind: .mobile, carrier: .vinaphone, area: nil),
        .init(input: "84912345678", e164: "+84912345678", kind: .mobile, carrier: .vinaphone, area: nil),
        .init(input: "0084-912-345-678", e164: "+84912345678", kind: .mobile, carrier: .vinaphone, area: nil),
        .init(input: "0981.234.567", e164: "+84981234567", kind: .mobile, carrier: .viettel, area: nil),
        .init(input: "0321234567", e164: "+84321234567", kind: .mobile, carrier: .viettel, area: nil),
        .init(input: "0901234567", e164: "+84901234567", kind: .mobile, carrier: .mobifone, area: nil),
        .init(input: "0521234567", e164: "+84521234567", kind: .mobile, carrier: .vietnamobile, area: nil),
        .init(input: "0591234567", e164: "+84591234567", kind: .mobile, carrier: .gmobile, area: nil),
        .init(input: "0871234567", e164: "+84871234567", kind: .mobile, carrier: .itel, area: nil),
        .init(input: "024 3825 1234", e164: "+842438251234", kind: .landline, carrier: nil, area: "024"),
        .init(input: "+84 (28) 3829 1234", e164: "+842838291234", kind: .landline, carrier: nil, area: "028"),
        .init(input: "0236 3822 123", e164: "+842363822123", kind: .landline, carrier: nil, area: "0236"),
    ]

    @Test(arguments: accepted)
    func acceptsAndNormalizes(_ row: Accepted) throws {
        #expect(PhoneNumber.isValid(row.input))
        let phone = try PhoneNumber(row.input)
        #expect(phone.rawValue == row.e164)
        #expect(phone.kind == row.kind)
        #expect(phone.carrier == row.carrier)
        #expect(phone.areaCode == row.area)
        #expect(phone.nationalNumber == "0" + row.e164.dropFirst(3))
        #expect(try PhoneNumber(phone.rawValue) == phone)
        try roundTrip(phone)
    }

    static let rejected: [Rejection] = [
        Rejection("", .empty, at: 0),
        Rejection("912345678", .missingPrefix, at: 0),
        Rejection("+1 555 0100", .unknownPrefix, at: 1),
        Rejection("0112345678", .unknownPrefix, at: 1),
        Rejection("0612345678", .unknownPrefix, at: 1),
        Rejection("0401234567", .unknownPrefix, at: 1),
        Rejection("091234567", .length, at: 9),
        Rejection("09123456789", .length, at: 10),
        Rejection("024382512", .length, at: 9),
        Rejection("0912a45678", .invalidCharacter, at: 4),
        Rejection("09+12345678", .invalidCharacter, at: 2),
        Rejection("0", .length, at: 1),
        Rejection("+", .length, at: 1),
    ]

    @Test(arguments: rejected)
    func rejects(_ row: Rejection) { expectRejected(PhoneNumber.self, row) }

    @Test func prefixTableIsReplaceable() throws {
        let table = MobilePrefixTable(["91": PhoneCarrier(rawValue: "Test"), "x": .viettel, "123": .viettel, "-1": .viettel, "+9": .viettel, "٩١": .viettel])
        #expect(try PhoneNumber("0912345678", prefixes: table).carrier?.rawValue == "Test")
        #expect(throws: CodeError(kind: .phoneNumber, rule: .unknownPrefix, offset: 1)) {
            try PhoneNumber("0981234567", prefixes: table)
        }
        #expect((-1..<101).filter { table[prefix: $0] != nil } == [91], "malformed prefixes are ignored, never trap")
        #expect(MobilePrefixTable.standard[prefix: 98] == .viettel)
        #expect(MobilePrefixTable.standard[prefix: 100] == nil)
    }
}
