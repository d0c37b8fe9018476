/// Decodes any JSON value and keeps nothing: used to step over a broken list element.
struct SkippedValue: Decodable {
    init(from decoder: any Decoder) {}
}

/// A coding key for any string, to see the keys a model does not know.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}
