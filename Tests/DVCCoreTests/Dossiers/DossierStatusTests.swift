import DVCCore
import Foundation
import Testing

@Suite("DossierStatus")
struct DossierStatusTests {
    @Test func codesAreOneToTen() {
        #expect(DossierStatus.allCases.map(\.wireValue) == (1...10).map(String.init))
        for text in ["0", "11", "04", " 4", "", "x"] { #expect(DossierStatus(wireValue: text) == nil, "\(text)") }
    }

    @Test func terminalAndClockPausingStatuses() {
        #expect(DossierStatus.allCases.filter(\.isTerminal) == [.notAccepted, .withdrawn, .returned])
        #expect(DossierStatus.allCases.filter(\.pausesProcessingClock) == [.awaitingSupplement, .awaitingPayment])
    }

    @Test(arguments: [
        (DossierStatus.new, DossierStatus.received, true), (.received, .processing, true), (.processing, .awaitingSupplement, true),
        (.awaitingSupplement, .processing, true), (.processing, .awaitingPayment, true), (.awaitingPayment, .processing, true),
        (.processing, .awaitingReturn, true), (.awaitingReturn, .returned, true), (.refused, .returned, true),
        (.processing, .processing, true), (.new, .notAccepted, true),
        (.returned, .processing, false), (.new, .returned, false), (.withdrawn, .received, false),
        (.notAccepted, .processing, false), (.awaitingReturn, .processing, false), (.new, .processing, false),
    ])
    func standardTransitions(_ from: DossierStatus, _ to: DossierStatus, _ allowed: Bool) {
        #expect(from.canTransition(to: to) == allowed)
    }

    @Test func transitionsAreReplaceableData() {
        let permissive = DossierStatusTransitions([.returned: [.processing]])
        #expect(permissive.allows(from: .returned, to: .processing))
        #expect(!permissive.allows(from: .new, to: .received))
        #expect(DossierStatus.processing.description == "4 processing")
    }

    @Test func openCodeListsKeepUnknownValues() throws {
        #expect(Channel(wireValue: "2") == .online)
        #expect(Channel(wireValue: "9") == .unknown("9"))
        #expect(Channel.unknown("9").wireValue == "9")
        #expect(ApplicantType(wireValue: "3") == .stateAgency)
        #expect(ResultDelivery(wireValue: "1") == .byPost)
        #expect(OnlinePaymentState(wireValue: "3") == .notPaidOnline)
        #expect(try roundTrip(Channel.unknown("7")) == "\"7\"")
        #expect(try roundTrip(ApplicantType.enterprise) == "\"2\"")
        #expect(try PortalJSON.decode([Channel].self, from: Data("[1,\"3\"]".utf8)) == [.direct, .postal])
        #expect(throws: (any Error).self) { try PortalJSON.decode([Channel].self, from: Data("[1]".utf8), strictness: .strict) }
    }
}
