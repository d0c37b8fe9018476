/// The portal's record of a dossier, as `TraCuuHoSo` answers (hồ sơ trên Cổng).
public struct PortalDossierRecord: Sendable, Hashable, Decodable {
    /// The dossier code (`MaHoSo`).
    public let code: String?
    /// The status as the portal holds it (`TrangThaiHoSo`), when the reply carries it.
    public let statusText: String?

    /// The status, when the reply carries a known one.
    public var status: DossierStatus? { statusText.flatMap { DossierStatus(wireValue: $0) } }

    /// Creates a record.
    public init(code: String?, statusText: String?) {
        self.code = code
        self.statusText = statusText
    }

    /// Reads `MaHoSo`/`TrangThaiHoSo` in any letter case, as string or number.
    public init(from decoder: any Decoder) throws {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let container = try decoder.container(keyedBy: Key.self)
        func text(_ name: String) -> String? {
            guard let key = container.allKeys.first(where: { $0.stringValue.lowercased() == name }) else { return nil }
            if let string = try? container.decode(String.self, forKey: key) { return string }
            return (try? container.decode(Int.self, forKey: key)).map(String.init)
        }
        code = text("mahoso")
        statusText = text("trangthaihoso") ?? text("trangthai")
    }
}
