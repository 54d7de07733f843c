import DebugInfo
import Foundation
import GuestKernel
import Testing
@testable import Harness

/// The pool lends each unwinder to one holder at a time and lends it again once given back.
@Suite(.enabled(if: (try? LibDW.shared()) != nil, "libdw.so.1 cannot be loaded on this machine"))
struct UnwinderPoolTests {
    @Test func anUnwinderServesOneHolderAtATimeAndIsLentAgainWhenGivenBack() throws {
        let pool = UnwinderPool(elfPath: try GuestKernel.imageURL(.harness).path)
        let lent: UnwinderLease = try #require(pool.lend())
        var first: UnwinderLease? = consume lent // the only reference, so that dropping it returns the lease
        let second = try #require(pool.lend())
        let firstUnwinder = try #require(first?.unwinder)
        #expect(firstUnwinder !== second.unwinder, "two holders at once get two unwinders")
        first = nil // the lease goes away: its unwinder goes back to the pool
        let third = try #require(pool.lend())
        #expect(third.unwinder === firstUnwinder, "a given-back unwinder is lent again rather than a new one")
        #expect(third.unwinder !== second.unwinder, "one still lent is not lent twice")
    }
}
