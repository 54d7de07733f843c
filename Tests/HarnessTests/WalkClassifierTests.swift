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

    /// A walk from a handler's registers must find the traced call: at entry the function where it
    /// resumes and then its callers, at exit (after a hooked return, or with the function's frame
    /// still open under a trampoline that called its body) the return address and the callers.
    @Test func walksFromHandlerRegistersExpectTheTracedCallNotTheHandler() {
        let root = ShadowCallStack.Frame(kind: .root, function: 0x100, site: 0, returnAddress: 0, stackPointer: 0x8000)
        let driver = ShadowCallStack.Frame(kind: .call, function: 0x200, site: 0x110, returnAddress: 0x114, stackPointer: 0x7F00)
        let traced = ShadowCallStack.Frame(kind: .call, function: 0x400, site: 0x220, returnAddress: 0x224, stackPointer: 0x7E00)
        let trampoline = ShadowCallStack.Frame(kind: .call, function: 0x900, site: 0x404, returnAddress: 0x408, stackPointer: 0x7D00)
        let handler = ShadowCallStack.Frame(kind: .call, function: 0xA00, site: 0x910, returnAddress: 0x914, stackPointer: 0x7C00)
        let atEntry = [root, driver, traced, trampoline, handler]
        #expect(ExpectedWalk(fromHandlerRegistersOf: 0x400, frames: atEntry, resumePC: 0x408)?.pcs == [0x408, 0x224, 0x114])
        // fentry-fexit's exit: the function's frame is still open below the trampoline.
        #expect(ExpectedWalk(fromHandlerRegistersOf: 0x400, frames: atEntry, resumePC: nil)?.pcs == [0x224, 0x114])
        // After a hooked return, a return trampoline's frame stands for the call.
        let hooked = ShadowCallStack.Frame(kind: .returnTrampoline, function: 0x9F0, site: 0x440, returnAddress: 0x224,
                                           stackPointer: 0x7E00)
        #expect(ExpectedWalk(fromHandlerRegistersOf: 0x400, frames: [root, driver, hooked, handler], resumePC: nil)?.pcs
                == [0x224, 0x114])
        // The innermost call of a recursive function is the one walked.
        let inner = ShadowCallStack.Frame(kind: .call, function: 0x400, site: 0x430, returnAddress: 0x434, stackPointer: 0x7D80)
        #expect(ExpectedWalk(fromHandlerRegistersOf: 0x400, frames: [root, driver, traced, inner, handler], resumePC: 0x408)?.pcs
                == [0x408, 0x434, 0x224, 0x114])
        // No call of the function: nothing to expect (the recorder fails the scenario).
        #expect(ExpectedWalk(fromHandlerRegistersOf: 0x400, frames: [root, driver, handler], resumePC: 0x408) == nil)
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
