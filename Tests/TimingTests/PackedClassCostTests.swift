@testable import Emulator
import Testing

@Suite struct PackedClassCostTests {
    /// The models find a class's row by shifting its number (`costs + timingClass.rawValue`), which
    /// stays a shift only while the stride is a power of two: a field added beyond the padding would
    /// quietly turn it back into a multiply on every instruction.
    @Test func rowsAreOneHundredAndTwentyEightBytes() {
        #expect(MemoryLayout<PackedClassCost>.stride == 128)
    }
}
