import DVCSync
import DVCTesting
import Testing

@Suite("Outbox conformance")
struct OutboxConformanceTests {
    @Test(arguments: OutboxConformance.Check.allCases)
    func fileOutboxKeepsTheContract(_ check: OutboxConformance.Check) async throws {
        try await OutboxConformance.run(check, on: FileOutboxSubject())
    }

    @Test(arguments: OutboxConformance.Check.allCases)
    func inMemoryOutboxKeepsTheContract(_ check: OutboxConformance.Check) async throws {
        try await OutboxConformance.run(check, on: InMemoryOutboxSubject())
    }
}
