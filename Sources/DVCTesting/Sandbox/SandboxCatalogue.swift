import DVCCore

/// The sandbox's procedure catalogue: 36 procedures across four fields and several agencies, with
/// fees and service levels — realistic shapes, invented content (built in code, deterministic).
enum SandboxCatalogue {
    struct Entry {
        let procedure: Procedure
        let level: ServiceLevel
        let agency: String
    }

    static let fields: [(code: String, name: String, prefix: String, names: [String])] = [
        ("G15-HT01", "Hộ tịch", "1.00", ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Trích lục hộ tịch", "Đăng ký nhận cha, mẹ, con",
                                        "Cấp giấy xác nhận tình trạng hôn nhân", "Đăng ký giám hộ", "Thay đổi, cải chính hộ tịch", "Đăng ký lại khai sinh"]),
        ("G17-XD05", "Hoạt động xây dựng", "2.00", ["Cấp giấy phép xây dựng nhà ở riêng lẻ", "Điều chỉnh giấy phép xây dựng", "Gia hạn giấy phép xây dựng",
                                                   "Cấp lại giấy phép xây dựng", "Cấp phép di dời công trình", "Thẩm định thiết kế cơ sở",
                                                   "Cấp chứng chỉ hành nghề xây dựng", "Cấp giấy phép xây dựng có thời hạn", "Thông báo khởi công"]),
        ("G03-GD06", "Giáo dục và Đào tạo", "3.00", ["Tuyển sinh trung học phổ thông", "Chuyển trường trung học", "Cấp bản sao văn bằng",
                                                    "Chỉnh sửa nội dung văn bằng", "Công nhận văn bằng nước ngoài", "Cho phép trường hoạt động giáo dục",
                                                    "Xét tuyển trung học cơ sở", "Đăng ký dự thi", "Phúc khảo bài thi"]),
        ("G12-TC02", "Quản lý công sản", "1.01", ["Thanh lý tài sản công", "Điều chuyển tài sản công", "Bán tài sản công", "Khai thác tài sản công",
                                                   "Xử lý tài sản bị mất", "Cho thuê tài sản công", "Giao tài sản công", "Thu hồi tài sản công", "Tiêu hủy tài sản công"]),
    ]

    static let entries: [Entry] = fields.enumerated().flatMap { fieldIndex, field in
        field.names.enumerated().compactMap { index, name -> Entry? in
            let number = 1_000 + fieldIndex * 100 + index
            guard let code = try? ProcedureCode("\(field.prefix.prefix(1)).\(String(format: "%06d", number))"),
                  let fieldCode = try? FieldCode(field.code) else { return nil }
            var procedure = Procedure(code: code, name: "Thủ tục \(name.prefix(1).lowercased())\(name.dropFirst())")
            procedure.state = "1"
            procedure.fields = [Procedure.Field(code: fieldCode, name: field.name)]
            procedure.levels = [Procedure.Level(code: index % 3 == 0 ? "2" : "4", name: index % 3 == 0 ? "Cấp Tỉnh" : "Cấp Xã")]
            let fee = index % 2 == 0 ? 0 : 25_000 * (index + 1)
            procedure.channels = [Channel.direct, .online, .postal].map { channel in
                Procedure.ChannelOption(channel: channel, timings: [Procedure.Timing(value: Double(3 + index % 5), unitText: "Ngày làm việc",
                                                                                     fees: [Procedure.Fee(code: "LP.\(number)", amount: fee, description: fee == 0 ? "Miễn lệ phí" : "Lệ phí")])])
            }
            procedure.requiredDocuments = [Procedure.DocumentGroup(documents: [Procedure.RequiredDocument(code: "GT01", name: "Tờ khai", originals: 1, copies: 0)])]
            procedure.results = [Procedure.Result(code: "KQ01", name: "Kết quả \(name.lowercased())")]
            procedure.legalBases = [Procedure.LegalBasis(number: "\(60 + fieldIndex)/2014/QH13", title: "Luật chuyên ngành")]
            let agency = ["000.00.00.H20", "000.00.14.H20", "000.00.00.H55", "000.00.00.G15"][index % 4]
            procedure.implementingAgencies = [Procedure.AgencyReference(code: agency, name: "Cơ quan \(agency)")]
            return Entry(procedure: procedure, level: index % 3 == 0 ? .level3 : .level4, agency: agency)
        }
    }

    static var agencies: [Procedure.AgencyReference] {
        [("000.00.00.H20", "UBND tỉnh Đồng Tháp", 1), ("000.00.14.H20", "Sở Tư pháp tỉnh Đồng Tháp", 2), ("000.00.00.H55", "UBND tỉnh Thái Nguyên", 1),
         ("000.00.00.G15", "Bộ Tư pháp", 1), ("000.00.00.G17", "Bộ Xây dựng", 1)].map { Procedure.AgencyReference(code: $0.0, name: $0.1, level: $0.2) }
    }
}
