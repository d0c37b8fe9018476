/// The administrative-unit tables, parsed once from the generated string literals
/// (`Generated/AdministrativeUnitsData.swift`) on first use and immutable afterwards.
///
/// Lookups by code go through dense index arrays (codes are at most 5 digits), so validating a
/// ward code is two array reads and never allocates.
final class AdministrativeUnitTables: Sendable {
    static let shared = AdministrativeUnitTables()

    let provinces2025: [Province]
    let provincesLegacy: [Province]
    let districts: [District]
    let wards2025: [Ward]
    let wardsLegacy: [Ward]
    let successions: [WardSuccession]

    private let province2025Index: [Int16]
    private let provinceLegacyIndex: [Int16]
    private let districtIndex: [Int16]
    private let ward2025Index: [Int32]
    private let wardLegacyIndex: [Int32]
    private let successionsByLegacyWard: [Int: [Int]]
    private let successionsByLegacyDistrict: [Int: [Int]]
    private let successionsBySuccessor: [Int: [Int]]

    private init() {
        (provinces2025, province2025Index) = Self.provinces(AdministrativeUnitsData.provinces2025, era: .reform2025)
        (provincesLegacy, provinceLegacyIndex) = Self.provinces(AdministrativeUnitsData.provincesLegacy, era: .legacy)

        var districts: [District] = []
        var districtIndex = [Int16](repeating: -1, count: 1_000)
        for fields in Self.records(AdministrativeUnitsData.districtsLegacy) {
            let province = provincesLegacy[Int(provinceLegacyIndex[Int(fields[2]) ?? 0])]
            let code = DistrictCode(unchecked: String(fields[0]))
            districtIndex[code.number] = Int16(districts.count)
            districts.append(District(code: code, name: String(fields[1]), province: province))
        }
        self.districts = districts
        self.districtIndex = districtIndex

        var wards2025: [Ward] = []
        var ward2025Index = [Int32](repeating: -1, count: 100_000)
        for fields in Self.records(AdministrativeUnitsData.wards2025) {
            let province = provinces2025[Int(province2025Index[Int(fields[3]) ?? 0])]
            let code = WardCode(unchecked: String(fields[0]))
            ward2025Index[code.number] = Int32(wards2025.count)
            wards2025.append(Ward(code: code, name: String(fields[1]), kind: Self.kind(fields[2]),
                                  era: .reform2025, province: province, district: nil))
        }
        self.wards2025 = wards2025
        self.ward2025Index = ward2025Index

        var wardsLegacy: [Ward] = []
        var wardLegacyIndex = [Int32](repeating: -1, count: 100_000)
        for fields in Self.records(AdministrativeUnitsData.wardsLegacy) {
            let district = districts[Int(districtIndex[Int(fields[3]) ?? 0])]
            let code = WardCode(unchecked: String(fields[0]))
            wardLegacyIndex[code.number] = Int32(wardsLegacy.count)
            wardsLegacy.append(Ward(code: code, name: String(fields[1]), kind: Self.kind(fields[2]),
                                    era: .legacy, province: district.province, district: district))
        }
        self.wardsLegacy = wardsLegacy
        self.wardLegacyIndex = wardLegacyIndex

        var successions: [WardSuccession] = []
        var byLegacyWard: [Int: [Int]] = [:], byLegacyDistrict: [Int: [Int]] = [:], bySuccessor: [Int: [Int]] = [:]
        for fields in Self.records(AdministrativeUnitsData.successors) {
            let legacyWard = fields[0].isEmpty ? nil : WardCode(unchecked: String(fields[0]))
            let row = WardSuccession(
                legacyWard: legacyWard, legacyDistrict: DistrictCode(unchecked: String(fields[1])),
                successor: WardCode(unchecked: String(fields[2])),
                relation: WardSuccession.Relation(rawValue: String(fields[3])) ?? .other, note: String(fields[4]))
            let index = successions.count
            successions.append(row)
            if let legacyWard { byLegacyWard[legacyWard.number, default: []].append(index) }
            else { byLegacyDistrict[row.legacyDistrict.number, default: []].append(index) }
            bySuccessor[row.successor.number, default: []].append(index)
        }
        self.successions = successions
        self.successionsByLegacyWard = byLegacyWard
        self.successionsByLegacyDistrict = byLegacyDistrict
        self.successionsBySuccessor = bySuccessor
    }

    // MARK: - Lookups by number

    func hasProvince(_ number: Int, era: AdministrativeEra) -> Bool {
        let index = era == .legacy ? provinceLegacyIndex : province2025Index
        return number >= 0 && number < index.count && index[number] >= 0
    }

    func province(_ number: Int, era: AdministrativeEra) -> Province? {
        guard hasProvince(number, era: era) else { return nil }
        return era == .legacy ? provincesLegacy[Int(provinceLegacyIndex[number])] : provinces2025[Int(province2025Index[number])]
    }

    func hasDistrict(_ number: Int) -> Bool {
        number >= 0 && number < districtIndex.count && districtIndex[number] >= 0
    }

    func district(_ number: Int) -> District? {
        hasDistrict(number) ? districts[Int(districtIndex[number])] : nil
    }

    func hasWard(_ number: Int, era: AdministrativeEra) -> Bool {
        let index = era == .legacy ? wardLegacyIndex : ward2025Index
        return number >= 0 && number < index.count && index[number] >= 0
    }

    func ward(_ number: Int, era: AdministrativeEra) -> Ward? {
        guard hasWard(number, era: era) else { return nil }
        return era == .legacy ? wardsLegacy[Int(wardLegacyIndex[number])] : wards2025[Int(ward2025Index[number])]
    }

    func successions(ofLegacyWard number: Int) -> [WardSuccession] {
        (successionsByLegacyWard[number] ?? []).map { successions[$0] }
    }

    func successions(ofLegacyDistrict number: Int) -> [WardSuccession] {
        (successionsByLegacyDistrict[number] ?? []).map { successions[$0] }
    }

    func successions(withSuccessor number: Int) -> [WardSuccession] {
        (successionsBySuccessor[number] ?? []).map { successions[$0] }
    }

    // MARK: - Parsing the literals

    /// Splits a literal into records of fields by walking its UTF-8 bytes once; fields become
    /// `Substring`s of the literal (no copies until a name is stored).
    private static func records(_ text: String) -> [[Substring]] {
        var records: [[Substring]] = []
        let utf8 = text.utf8
        var fields: [Substring] = []
        var fieldStart = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "|") || byte == UInt8(ascii: "\n") {
                fields.append(Substring(utf8[fieldStart..<index]))
                fieldStart = utf8.index(after: index)
                if byte == UInt8(ascii: "\n") {
                    records.append(fields)
                    fields.removeAll(keepingCapacity: true)
                }
            }
            index = utf8.index(after: index)
        }
        if fieldStart < utf8.endIndex || !fields.isEmpty {
            fields.append(Substring(utf8[fieldStart..<utf8.endIndex]))
            records.append(fields)
        }
        return records
    }

    private static func provinces(_ text: String, era: AdministrativeEra) -> ([Province], [Int16]) {
        var provinces: [Province] = []
        var index = [Int16](repeating: -1, count: 100)
        for fields in records(text) {
            let code = ProvinceCode(unchecked: String(fields[0]))
            index[code.number] = Int16(provinces.count)
            provinces.append(Province(code: code, name: String(fields[1]), era: era))
        }
        return (provinces, index)
    }

    private static func kind(_ letter: Substring) -> Ward.Kind {
        switch letter {
        case "p": .ward
        case "t": .township
        case "d": .specialZone
        default: .commune
        }
    }
}
