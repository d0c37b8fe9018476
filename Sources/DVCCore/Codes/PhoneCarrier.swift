/// A Vietnamese mobile network (nhà mạng di động). An open list: carriers come and go, so this
/// is a struct with static members and any name decodes.
public struct PhoneCarrier: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The carrier's name, e.g. `Viettel`.
    public let rawValue: String

    /// Creates a carrier from its name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Viettel.
    public static let viettel = PhoneCarrier(rawValue: "Viettel")
    /// VinaPhone (VNPT).
    public static let vinaphone = PhoneCarrier(rawValue: "VinaPhone")
    /// MobiFone.
    public static let mobifone = PhoneCarrier(rawValue: "MobiFone")
    /// Vietnamobile.
    public static let vietnamobile = PhoneCarrier(rawValue: "Vietnamobile")
    /// Gmobile (Gtel).
    public static let gmobile = PhoneCarrier(rawValue: "Gmobile")
    /// iTel (Itelecom, a mobile virtual network operator).
    public static let itel = PhoneCarrier(rawValue: "iTel")
    /// Reddi (Mobicast, a mobile virtual network operator).
    public static let reddi = PhoneCarrier(rawValue: "Reddi")

    /// The carrier's name.
    public var description: String { rawValue }
}

/// Which carrier was allocated each mobile prefix (đầu số): the two digits after the leading
/// `0` of a 10-digit mobile number (`091…` → `91`).
///
/// The ``standard`` table follows the 2018 conversion to 10-digit numbers (Ministry of
/// Information and Communications): Viettel 32–39, 86, 96–98; VinaPhone 81–85, 88, 91, 94;
/// MobiFone 70, 76–79, 89, 90, 93; Vietnamobile 52, 56, 58, 92; Gmobile 59, 99; iTel 87; Reddi 55.
/// It is compiled from secondary sources **[P]** (the MVNO rows **[U]**), so it is data you can
/// replace: build your own table and pass it to ``PhoneNumber/init(_:prefixes:)``. Since mobile
/// number portability a prefix names the *original* carrier, not necessarily the current one.
public struct MobilePrefixTable: Sendable, Hashable {
    private var carriers: [PhoneCarrier?]

    /// Creates a table from two-digit prefixes (`"91"`, without the leading `0`) to carriers;
    /// entries that are not two digits are ignored.
    public init(_ prefixes: [String: PhoneCarrier]) {
        var carriers = [PhoneCarrier?](repeating: nil, count: 100)
        for (prefix, carrier) in prefixes {
            guard prefix.utf8.count == 2, prefix.utf8.allSatisfy({ $0 &- 0x30 < 10 }), let value = Int(prefix) else { continue }
            carriers[value] = carrier
        }
        self.carriers = carriers
    }

    /// The carrier of a two-digit prefix `0…99`, if any.
    public subscript(prefix prefix: Int) -> PhoneCarrier? {
        prefix >= 0 && prefix < carriers.count ? carriers[prefix] : nil
    }

    /// Whether any carrier holds `prefix`, without touching the carrier's name.
    func contains(_ prefix: Int) -> Bool { prefix >= 0 && prefix < carriers.count && carriers[prefix] != nil }

    /// The prefixes allocated in the 2018 numbering plan (see the type's documentation).
    public static let standard: MobilePrefixTable = {
        var table: [String: PhoneCarrier] = [:]
        func add(_ carrier: PhoneCarrier, _ prefixes: [Int]) { for p in prefixes { table[String(p)] = carrier } }
        add(.viettel, Array(32...39) + [86, 96, 97, 98])
        add(.vinaphone, [81, 82, 83, 84, 85, 88, 91, 94])
        add(.mobifone, [70, 76, 77, 78, 79, 89, 90, 93])
        add(.vietnamobile, [52, 56, 58, 92])
        add(.gmobile, [59, 99])
        add(.itel, [87])
        add(.reddi, [55])
        return MobilePrefixTable(table)
    }()
}
