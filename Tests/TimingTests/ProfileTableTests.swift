import A64
import Emulator
import Testing

/// Profiles are found by name and every parameter comes with its source.
@Suite struct ProfileTableTests {
    @Test func profilesAreFoundByName() {
        #expect(CPUProfile.all.map(\.name) == ["cortex-a53", "cortex-a72", "neoverse-n1"])
        #expect(CPUProfile.named("Cortex-A72") == CPUProfile.cortexA72)
        #expect(CPUProfile.default.name == "cortex-a72")
        #expect(CPUProfile.named("pentium") == nil)
        #expect(CPUProfile.cortexA53.pipeline == .inOrder && CPUProfile.neoverseN1.pipeline == .outOfOrder)
    }

    @Test(arguments: CPUProfile.all.map(\.name))
    func everyParameterHasASource(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        let rows = profile.parameterRows()
        #expect(rows.count > TimingClass.allCases.count + 15)
        for row in rows {
            #expect(!row.value.isEmpty && !row.source.isEmpty, "\(profile.name): \(row.parameter) has no source")
        }
        for timingClass in TimingClass.allCases {
            #expect(rows.contains { $0.parameter == "class \(timingClass)" })
            let cost = profile.cost(of: timingClass)
            for use in cost.uses { #expect(use.pipes >> UInt16(profile.pipes.count) == 0) }
        }
    }
}
