/// A list read from the portal row by row: rows that decode are kept, rows that do not are
/// skipped and reported (đọc danh mục bỏ qua dòng lỗi). One odd row — a `MATTHC` that is not
/// `D.NNNNNN`, a `MUCDO` of 0 — then costs that row, not the whole catalogue.
///
/// It is a random-access collection of the rows kept, so it reads like an array:
///
/// ```swift
/// let catalogue = try await client.procedureCatalogue()
/// for procedure in catalogue { … }
/// for issue in catalogue.skipped { log(issue) }      // "[17].MATTHC: …"
/// ```
public struct LossyList<Element: Decodable & Sendable>: Decodable, Sendable, RandomAccessCollection {
    /// The rows that decoded, in order.
    public private(set) var rows: [Element]
    /// Why each skipped row was skipped, with its index in the path (`[17].MATTHC`).
    public private(set) var skipped: [ValidationIssue]

    /// Creates a list from rows.
    public init(rows: [Element], skipped: [ValidationIssue] = []) {
        self.rows = rows
        self.skipped = skipped
    }

    /// Decodes a JSON array, skipping the elements that fail.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var rows: [Element] = []
        var skipped: [ValidationIssue] = []
        var index = 0
        while !container.isAtEnd {
            do { rows.append(try container.decode(Element.self)) } catch {
                let issues = WireReader<SkippedKey>.issues(from: error, fallbackPath: "[\(index)]")
                skipped += issues.map { issue in
                    ValidationIssue(path: issue.path.contains("[\(index)]") ? issue.path : "[\(index)].\(issue.path)", rule: issue.rule,
                                    message: issue.message, severity: .warning)
                }
                // A failed decode leaves the container on the same element: step over it.
                guard (try? container.decode(SkippedValue.self)) != nil else { break }
            }
            index += 1
        }
        self.rows = rows
        self.skipped = skipped
    }

    /// The first row's index.
    public var startIndex: Int { rows.startIndex }
    /// One past the last row's index.
    public var endIndex: Int { rows.endIndex }
    /// The row at `position`.
    public subscript(position: Int) -> Element { rows[position] }
}

extension LossyList: Equatable where Element: Equatable {}
extension LossyList: Hashable where Element: Hashable {}

/// A key type for reading issues out of errors (no keys are ever looked up with it).
enum SkippedKey: String, CodingKey, CaseIterable { case none }
