import DVCCore
import Foundation
import Testing

/// Every decoder checks its input's size, depth, strings and arrays before decoding, and names
/// the bound it refused.
@Suite("JSON limits")
struct JSONLimitsTests {
    static let small = JSONLimits(maximumBytes: 1_000, maximumDepth: 4, maximumStringBytes: 10, maximumArrayLength: 3)

    @Test(arguments: [
        (String(repeating: "[", count: 5) + String(repeating: "]", count: 5), "maximumDepth"),
        (#"{"a":{"b":{"c":{"d":{}}}}}"#, "maximumDepth"),
        (#"{"a":"01234567890"}"#, "maximumStringBytes"),
        (#"[1,2,3,4]"#, "maximumArrayLength"),
        ("[" + String(repeating: " ", count: 1_000) + "]", "maximumBytes"),
    ])
    func documentsOverABoundAreRefusedNamingIt(json: String, bound: String) {
        do {
            try Self.small.check(Data(json.utf8))
            Issue.record("accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains(bound), "\(context.debugDescription)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test(arguments: [
        #"[[[["x"]]]]"#, #"{"a":"0123456789"}"#, #"[1,2,3]"#, #"["a,b,c,d,e"]"#, #"{"k":"\"[[[[[[\""}"#, #"[{"a":[1,2,3]},{"b":[1,2,3]},[]]"#,
    ])
    func documentsWithinTheBoundsPass(json: String) throws {
        try Self.small.check(Data(json.utf8))
    }

    @Test func portalDecodingAppliesTheStandardLimits() {
        let deep = Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)
        #expect(throws: DecodingError.self) { try PortalJSON.decode([String].self, from: deep) }
        #expect(JSONLimits.standard.jsonObject(deep) == nil)
        #expect(JSONLimits.standard.jsonObject(Data(#"{"a":1}"#.utf8))?["a"] as? Int == 1)
    }
}
