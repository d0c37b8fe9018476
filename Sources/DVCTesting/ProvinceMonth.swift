/// The generated month is made of DVCCore's models.
public import DVCCore

extension Fixtures {
    /// A procedure of the generated province: national code, name, field, online uptake, fee.
    struct MonthProcedure {
        let code: String, name: String, field: String, fieldName: String, onlineShare: Double, fee: Int
    }

    static let monthProcedures: [MonthProcedure] = {
        let kinds: [(String, String, String, Double, Int)] = [
            ("Đăng ký khai sinh", "G15-HT01", "Hộ tịch", 0.72, 0),
            ("Đăng ký kết hôn", "G15-HT01", "Hộ tịch", 0.41, 0),
            ("Đăng ký khai tử", "G15-HT01", "Hộ tịch", 0.55, 0),
            ("Chứng thực bản sao từ bản chính", "G15-CT02", "Chứng thực", 0.18, 2_000),
            ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "G17-XD05", "Xây dựng", 0.36, 75_000),
            ("Đăng ký hộ kinh doanh", "G06-KD01", "Thành lập và hoạt động của hộ kinh doanh", 0.63, 100_000),
            ("Cấp phiếu lý lịch tư pháp", "G15-LL01", "Lý lịch tư pháp", 0.81, 200_000),
            ("Đăng ký thường trú", "G03-CT01", "Đăng ký, quản lý cư trú", 0.25, 0),
            ("Cấp đổi giấy phép lái xe", "G19-GT03", "Đường bộ", 0.12, 135_000),
            ("Trợ cấp xã hội hằng tháng", "G14-BT01", "Bảo trợ xã hội", 0.05, 0),
            ("Đăng ký biến động đất đai", "G11-DD04", "Đất đai", 0.09, 50_000),
            ("Cấp giấy chứng nhận an toàn thực phẩm", "G05-AT02", "An toàn thực phẩm", 0.47, 1_000_000),
        ]
        // Three variants of each kind: 36 procedures with their own codes and uptake.
        return (0..<36).map { n in
            let kind = kinds[n % kinds.count]
            let code = "1.00" + String(1_000 + n * 37)
            return MonthProcedure(code: code, name: kind.0 + (n >= kinds.count ? " (\(n / kinds.count + 1))" : ""), field: kind.1, fieldName: kind.2,
                                  onlineShare: min(0.95, kind.3 * (1.0 + Double(n / kinds.count) * 0.2)), fee: kind.4)
        }
    }()

    /// A month of one province's dossiers, made up but shaped like the real thing: 36 procedures of
    /// 12 kinds with their own online uptake (5 %–90 %) and fees, six receiving agencies (communes
    /// and a department of Đồng Tháp, `H20`), the three channels, every status in realistic
    /// proportions, deadlines of 3–15 days, about one resolution in eight late, online payments and
    /// electronic results for online dossiers. The same `seed` gives the same dossiers.
    ///
    /// - Parameters:
    ///   - year: The year (default 2026).
    ///   - month: The month, 1–12 (default 3).
    ///   - count: How many dossiers (default 4,000).
    ///   - seed: The random seed.
    /// - Returns: The dossiers, in order of reception; invalid parameters give none.
    public static func provinceMonth(year: Int = 2026, month: Int = 3, count: Int = 4_000, seed: UInt64 = 2026) -> [Dossier] {
        guard (1...12).contains(month), count > 0 else { return [] }
        var random = SplitMix64(seed: seed)
        let agencies = [("000.00.14.H20", "UBND xã Mỹ Hiệp"), ("000.00.15.H20", "UBND phường Cao Lãnh"), ("000.00.16.H20", "UBND xã Tháp Mười"),
                        ("000.00.17.H20", "UBND phường Sa Đéc"), ("000.00.18.H20", "UBND xã Hồng Ngự"), ("000.10.01.H20", "Sở Tư pháp")]
        let days = CalendarDate.daysInMonth(year: year, month: month)
        var sequence: [String: Int] = [:]
        var dossiers: [Dossier] = []
        dossiers.reserveCapacity(count)
        for i in 0..<count {
            let procedure = monthProcedures[Int(random.next() % UInt64(monthProcedures.count))]
            let agency = agencies[procedure.field.hasPrefix("G15-LL") ? 5 : Int(random.next() % 5)]
            guard let day = CalendarDate(year: year, month: month, day: 1 + i * days / count),
                  let received = PortalTimestamp(date: day, hour: 7 + Int(random.next() % 10), minute: Int(random.next() % 60)) else { continue }
            let key = "\(agency.0)-\(day)"
            sequence[key, default: 0] += 1
            let yymmdd = digits(day.year % 100, 2) + digits(day.month, 2) + digits(day.day, 2)
            let number = digits(min(sequence[key] ?? 1, 9_999), 4)
            guard let code = try? DossierCode("\(agency.0)-\(yymmdd)-\(number)"),
                  let procedureCode = try? ProcedureCode(procedure.code), let fieldCode = try? FieldCode(procedure.field) else { continue }
            let online = random.unit() < procedure.onlineShare
            let roll = random.unit()
            let status: DossierStatus = roll < 0.52 ? .returned : roll < 0.62 ? .awaitingReturn : roll < 0.82 ? .processing
                : roll < 0.88 ? .awaitingSupplement : roll < 0.91 ? .awaitingPayment : roll < 0.95 ? .received : roll < 0.97 ? .refused : .withdrawn
            var dossier = Dossier(code: code, procedureCode: procedureCode, procedureName: procedure.name, fieldCode: fieldCode,
                                  fieldName: procedure.fieldName, applicantType: .citizen, summary: procedure.name, receivedAt: received,
                                  status: status, resultDelivery: .atOffice, processingAgencyName: agency.1)
            dossier.channel = online ? .online : (random.unit() < 0.08 ? .postal : .direct)
            let limit = 3 + Int(random.next() % 13)
            dossier.dueAt = PortalTimestamp(date: day.adding(days: limit), hour: 17, minute: 0)
            if status == .returned || status == .awaitingReturn {
                let late = random.unit() < 0.12
                let offset = late ? 1 + Int(random.next() % 6) : -Int(random.next() % UInt64(limit))
                dossier.processingEndedAt = PortalTimestamp(date: day.adding(days: limit + offset), hour: 10 + Int(random.next() % 6), minute: 0)
                if status == .returned { dossier.returnedAt = dossier.processingEndedAt }
                if online { dossier.resultDocuments = [ResultDocument(name: "Kết quả \(i)", url: "https://dichvucong.dongthap.gov.vn/kq/\(i).pdf")] }
                dossier.hasDigitizedComponents = online || random.unit() < 0.3
            }
            if procedure.fee > 0 {
                dossier.fees = [DossierFee(name: "Lệ phí", amount: procedure.fee)]
                dossier.onlinePayment = online && random.unit() < 0.7 ? .paidOnline : .notPaidOnline
            }
            dossiers.append(dossier)
        }
        return dossiers
    }
}

/// `value` with zeros in front up to `width` digits.
private func digits(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator that gives the same numbers
/// everywhere, for generated test data and benchmarks that must not change between runs.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<1.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
