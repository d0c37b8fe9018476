extension Procedure {
    /// The steps of one case (`TRINHTUTHUCHIEN` element: `TRUONGHOP`, `TRINHTU[].TENTRINHTU`).
    public struct StepGroup: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case caseName = "TRUONGHOP", steps = "TRINHTU" }
        struct Step: Codable, Hashable, Sendable {
            enum CodingKeys: String, CodingKey, CaseIterable { case name = "TENTRINHTU" }
            var name: String
            init(name: String) { self.name = name }
            init(from decoder: any Decoder) throws {
                var r = try WireReader<CodingKeys>(decoder)
                let name = r.string(.name)
                try r.finish()
                guard let name else { throw WireDecodingError(issues: r.issues) }
                self.name = name
            }
        }

        /// The case the steps apply to (`TRUONGHOP`; empty when there is a single case).
        public var caseName: String?
        /// The steps in order (`TRINHTU[].TENTRINHTU`).
        public var steps: [String]

        /// Creates a step group.
        public init(caseName: String? = nil, steps: [String]) {
            self.caseName = caseName
            self.steps = steps
        }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let caseName = r.optionalString(.caseName), steps = r.list(Step.self, .steps)
            try r.finish()
            guard let steps else { throw WireDecodingError(issues: r.issues) }
            self.init(caseName: caseName, steps: steps.map(\.name))
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalString(caseName, .caseName)
            try w.value(steps.map(Step.init(name:)), .steps)
        }
    }

    /// A level of government that implements the procedure (`CAPTHUCHIEN` element).
    public struct Level: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case code = "CAPTHUCHIEN", name = "TENCAP" }
        /// The level's code (`CAPTHUCHIEN`).
        public var code: String
        /// Its name (`TENCAP`), e.g. `Cấp Xã`.
        public var name: String?

        /// Creates a level.
        public init(code: String, name: String? = nil) { self.code = code; self.name = name }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.string(.code), name = r.optionalString(.name)
            try r.finish()
            guard let code else { throw WireDecodingError(issues: r.issues) }
            self.init(code: code, name: name)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.string(code, .code)
            try w.optionalString(name, .name)
        }
    }

    /// A field of the procedure (`LINHVUCTHUCHIEN` element; also the `LayDanhMucLinhVuc` row).
    public struct Field: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case code = "MALINHVUC", name = "TENLINHVUC", sector = "MANGANH" }
        /// The field code (`MALINHVUC`).
        public var code: FieldCode
        /// Its name (`TENLINHVUC`).
        public var name: String
        /// The owning ministry or sector (`MANGANH`, in the field catalogue).
        public var sector: String?

        /// Creates a field.
        public init(code: FieldCode, name: String, sector: String? = nil) { self.code = code; self.name = name; self.sector = sector }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.code(FieldCode.self, .code, rule: .fieldCodeMalformed), name = r.string(.name), sector = r.optionalString(.sector)
            try r.finish()
            guard let code, let name else { throw WireDecodingError(issues: r.issues) }
            self.init(code: code, name: name, sector: sector)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.code(code, .code)
            try w.string(name, .name)
            try w.optionalString(sector, .sector)
        }
    }

    /// How the procedure can be performed through one channel, with its processing times and fees
    /// (`CACHTHUCTHUCHIEN` element: `KENH`, `THOIGIAN[]`).
    public struct ChannelOption: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case channel = "KENH", timings = "THOIGIAN" }
        /// The channel (`KENH`).
        public var channel: Channel
        /// Processing times, each with its fees (`THOIGIAN`).
        public var timings: [Timing]

        /// Creates a channel option.
        public init(channel: Channel, timings: [Timing]) { self.channel = channel; self.timings = timings }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let channel = r.value(Channel.self, .channel, required: true), timings = r.list(Timing.self, .timings)
            try r.finish()
            guard let channel, let timings else { throw WireDecodingError(issues: r.issues) }
            self.init(channel: channel, timings: timings)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.value(channel, .channel)
            try w.value(timings, .timings)
        }
    }

    /// A processing time and the fees that go with it (`THOIGIAN` element).
    public struct Timing: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case value = "THOIGIANGIAIQUYET", unit = "DONVITINH", description = "MOTA", fees = "PHILEPHI"
        }
        /// The amount of time (`THOIGIANGIAIQUYET`).
        public var value: Double?
        /// The unit as the portal writes it (`DONVITINH`), e.g. `Ngày làm việc`.
        public var unitText: String?
        /// A description (`MOTA`).
        public var description: String?
        /// The fees (`PHILEPHI`).
        public var fees: [Fee]

        /// Creates a timing.
        public init(value: Double?, unitText: String?, description: String? = nil, fees: [Fee] = []) {
            self.value = value
            self.unitText = unitText
            self.description = description
            self.fees = fees
        }

        /// The limit as a ``ProcessingTime``, when the unit text is recognized. The unit is the
        /// first of "ngày" (day) and "giờ" (hour) the text names, so "Ngày làm việc (giờ hành
        /// chính)" is working days: days with "làm việc" (working) are working days, other days
        /// calendar days, and hours are working hours. `nil` for any other unit (months, years),
        /// which no deadline rule covers.
        public var processingTime: ProcessingTime? {
            guard let value, let unitText else { return nil }
            let unit = VietnameseNameKey.make(unitText)
            let day = unit.range(of: VietnameseNameKey.make("ngày"))?.lowerBound
            let hour = unit.range(of: VietnameseNameKey.make("giờ"))?.lowerBound
            if let hour, day.map({ hour < $0 }) ?? true { return .workingHours(value) }
            guard day != nil else { return nil }
            return unit.contains(VietnameseNameKey.make("làm việc")) ? .workingDays(value) : .calendarDays(value)
        }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let value = r.optionalDouble(.value), unit = r.optionalString(.unit), text = r.optionalString(.description)
            let fees = r.list(Fee.self, .fees)
            try r.finish()
            guard let fees else { throw WireDecodingError(issues: r.issues) }
            self.init(value: value, unitText: unit, description: text, fees: fees)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalDouble(value, .value)
            try w.optionalString(unitText, .unit)
            try w.optionalString(description, .description)
            try w.value(fees, .fees)
        }
    }

    /// A fee or charge of the procedure (phí, lệ phí; `PHILEPHI` element).
    public struct Fee: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case code = "MAPHILEPHI", amount = "SOTIEN", currency = "DONVI", description = "MOTA", fileName = "TENTEP", url = "URL"
        }
        /// The fee code (`MAPHILEPHI`; an open list, e.g. `LP.THAMDINH`).
        public var code: String?
        /// The amount in VND (`SOTIEN`).
        public var amount: Int?
        /// The unit (`DONVI`), normally `VNĐ`.
        public var currency: String?
        /// What it is (`MOTA`).
        public var description: String?
        /// The fee schedule document (`TENTEP`, `URL`).
        public var fileName: String?, url: String?

        /// Creates a fee.
        public init(code: String?, amount: Int?, description: String? = nil) {
            self.code = code
            self.amount = amount
            self.description = description
        }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.optionalString(.code), amount = r.optionalAmount(.amount), currency = r.optionalString(.currency)
            let text = r.optionalString(.description), fileName = r.optionalString(.fileName), url = r.optionalString(.url)
            try r.finish()
            self.init(code: code, amount: amount, description: text)
            (self.currency, self.fileName, self.url) = (currency, fileName, url)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalString(code, .code)
            try w.optionalInt(amount, .amount)
            try w.optionalString(currency, .currency)
            try w.optionalString(description, .description)
            try w.optionalString(fileName, .fileName)
            try w.optionalString(url, .url)
        }
    }

    /// A kind of applicant (`DOITUONGTHUCHIEN` element).
    public struct ApplicantKind: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey, CaseIterable { case code = "MADOITUONG", name = "TENDOITUONG" }
        /// The code (`MADOITUONG`).
        public var code: String?
        /// The name (`TENDOITUONG`), e.g. `Công dân Việt Nam`.
        public var name: String

        /// Creates a kind.
        public init(code: String?, name: String) { self.code = code; self.name = name }

        /// Decodes the wire form.
        public init(from decoder: any Decoder) throws {
            var r = try WireReader<CodingKeys>(decoder)
            let code = r.optionalString(.code), name = r.string(.name)
            try r.finish()
            guard let name else { throw WireDecodingError(issues: r.issues) }
            self.init(code: code, name: name)
        }

        /// Encodes the wire form.
        public func encode(to encoder: any Encoder) throws {
            var w = WireWriter<CodingKeys>(encoder)
            try w.optionalString(code, .code)
            try w.string(name, .name)
        }
    }
}
