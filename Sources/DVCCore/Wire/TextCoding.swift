/// The Codable of values that travel as one validated string (codes, dates, timestamps): decode
/// the string and parse it, turning a ``CodeError`` into a `DecodingError` at the coding path;
/// encode the canonical text.
enum TextCoding {
    static func decode<T>(_ decoder: any Decoder, _ parse: (String) throws(CodeError) -> T) throws -> T {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { return try parse(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    static func encode(_ text: String, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
