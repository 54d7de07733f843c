import GuestKernel
import Testing
@testable import Harness

/// Dereferences nest as deep as a fetch program can hold, and a deeper definition is an error with
/// a caret, not a stack overflow in the parser.
@Suite struct DefinitionNestingTests {
    static func nested(_ depth: Int) -> String {
        "p pb_wl_typed " + String(repeating: "+0(", count: depth) + "%x0" + String(repeating: ")", count: depth)
    }

    @Test func nestingUpToTheProgramsOpLimitParses() throws {
        let definition = try ProbeDefinition.parse(Self.nested(GuestABI.Fetch.maxOps))
        #expect(definition.arguments.count == 1)
    }

    @Test(arguments: [1, 1_200, 100_000])
    func deeperNestingIsRejectedWhereItGoesTooDeep(beyond: Int) throws {
        let depth = GuestABI.Fetch.maxOps + beyond
        let text = Self.nested(depth)
        let error = try #require(throws: ProbeDefinitionError.self) { try ProbeDefinition.parse(text) }
        #expect(error.code == .programTooLong)
        // The caret points at the first '(' beyond the limit.
        let firstParenthesis = "p pb_wl_typed ".count + 2
        #expect(error.span.start == firstParenthesis + 3 * GuestABI.Fetch.maxOps, "\(error)")
    }
}
