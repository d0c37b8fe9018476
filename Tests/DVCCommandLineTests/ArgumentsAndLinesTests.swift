import DVCCommandLine
import Testing

@Suite("Arguments")
struct ArgumentsTests {
    let options: Set<String> = ["--kind", "--on"]
    let flags: Set<String> = ["--help", "--lenient"]

    @Test func parsesOptionsFlagsAndPositionals() throws {
        let parsed = try Arguments(["--kind", "tax-code", "--on=2025-01-01", "--lenient", "file"], options: options, flags: flags)
        #expect(parsed[option: "--kind"] == "tax-code")
        #expect(parsed[option: "--on"] == "2025-01-01")
        #expect(parsed.has("--lenient"))
        #expect(!parsed.has("--help"))
        #expect(parsed.positionals == ["file"])
    }

    @Test(arguments: [
        (["--nope"], "unknown option --nope"),
        (["--kind"], "--kind needs a value"),
        (["--kind", "a", "--kind", "b"], "--kind is given twice"),
        (["--help=yes"], "--help takes no value"),
    ])
    func rejectsBadCommandLines(_ words: [String], _ message: String) {
        #expect(throws: UsageError(message)) { try Arguments(words, options: options, flags: flags) }
    }
}

@Suite("LineReader")
struct LineReaderTests {
    private func lines(_ text: String, bufferSize: Int = 16, maximumLineLength: Int = 8) -> [String] {
        let reader = LineReader(MemoryInput(text), maximumLineLength: maximumLineLength, bufferSize: bufferSize)
        var lines: [String] = []
        reader.forEachLine { bytes, truncated in lines.append(String(decoding: bytes, as: UTF8.self) + (truncated ? "…" : "")) }
        return lines
    }

    @Test func splitsOnNewlinesAndDropsCarriageReturns() {
        #expect(lines("a\nbb\r\n\nccc") == ["a", "bb", "", "ccc"])
        #expect(lines("a\n") == ["a"])
        #expect(lines("") == [])
        #expect(lines("\n") == [""])
    }

    @Test func truncatesRunawayLinesAndKeepsGoing() {
        #expect(lines("short\n0123456789abcdefghij\nnext\n") == ["short", "01234567…", "next"])
        #expect(lines("0123456789abcdefghij") == ["01234567…"])
    }

    @Test func agreesWithSplittingWhateverTheBufferSize() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let expected = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in
                String(repeating: "x", count: Int.random(in: 0...12, using: &generator))
            }
            let text = expected.map { $0 + "\n" }.joined()
            for size in [1, 2, 7, 16, 64] {
                #expect(lines(text, bufferSize: size, maximumLineLength: 32) == expected)
            }
        }
    }
}
