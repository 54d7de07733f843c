import Testing
@testable import Harness
import Emulator

@Suite struct WalkClassifierTests {
    let classifier = WalkClassifier(returnTrampolines: [0x9000..<0x9040])
    let expected: [UInt64] = [0x1010, 0x2020, 0x3030, 0x4040]

    @Test func anIdenticalWalkIsCorrect() {
        #expect(classifier.classify(actual: expected, expected: expected) == .correct)
    }

    @Test func aSkippedFrameIsMissing() {
        #expect(classifier.classify(actual: [0x1010, 0x3030, 0x4040], expected: expected) == .missingFrame)
    }

    @Test func anInsertedFrameIsExtra() {
        #expect(classifier.classify(actual: [0x1010, 0x1111, 0x2020, 0x3030, 0x4040], expected: expected) == .extraFrame)
    }

    @Test func aWalkThatStopsEarlyIsTruncated() {
        #expect(classifier.classify(actual: [0x1010, 0x2020], expected: expected) == .truncated)
        #expect(classifier.classify(actual: [], expected: expected) == .truncated)
    }

    @Test func aTrampolineAddressInPlaceOfTheRealReturnIsUnrecovered() {
        #expect(classifier.classify(actual: [0x1010, 0x9010, 0x3030, 0x4040], expected: expected) == .unrecoveredTrampoline)
    }

    @Test func aTrampolineTheShadowStackAlsoHasIsNotBlamed() {
        // While the return trampoline itself runs, its address is a real frame of the ground truth.
        let withTrampoline: [UInt64] = [0x1010, 0x9010, 0x3030]
        #expect(classifier.classify(actual: withTrampoline, expected: withTrampoline) == .correct)
    }

    @Test func expectedWalksComeFromShadowFramesTopDownWithoutTheRoot() {
        let frames = [
            ShadowCallStack.Frame(kind: .root, function: 0x100, site: 0, returnAddress: 0, stackPointer: 0x8000),
            ShadowCallStack.Frame(kind: .call, function: 0x200, site: 0x110, returnAddress: 0x114, stackPointer: 0x7F00),
            ShadowCallStack.Frame(kind: .exception, function: 0x800, site: 0x208, returnAddress: 0x208, stackPointer: 0x7E00),
            ShadowCallStack.Frame(kind: .call, function: 0x300, site: 0x810, returnAddress: 0x814, stackPointer: 0x7D00),
        ]
        #expect(ExpectedWalk(frames: frames).pcs == [0x814, 0x208, 0x114])
        #expect(ExpectedWalk(frames: frames, droppingTop: 1).pcs == [0x208, 0x114])
    }

    @Test func aReliableWalkerThatIsWrongButClaimsSuccessIsCountedApart() {
        var tally = WalkTally(point: .interrupt, walker: .guestReliable)
        let example = WalkExample(expected: [], actual: [], verdict: "missing frame", interruptedAt: nil)
        tally.record(.correct, claimedReliable: true, example: example)
        tally.record(.missingFrame, claimedReliable: true, example: example)
        tally.record(.missingFrame, refused: true, example: example)
        #expect(tally.verification.total == 3)
        #expect(tally.verification.correct == 1)
        #expect(tally.verification.refused == 1)
        #expect(tally.verification.missingFrame == 1)
        #expect(tally.verification.wrongButClaimedReliable == 1)
        #expect(tally.verification.examples.count == 1)
    }
}
