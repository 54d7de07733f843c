import Foundation

/// Runs CPU-bound work items on `jobs` dedicated threads and returns the results in item order.
///
/// Measurement tasks are long, synchronous and CPU-bound; dedicated threads keep them off the
/// Swift concurrency pool (whose width and isolation inheritance are not ours to control) and
/// make `--jobs N` mean exactly N busy cores.
enum ParallelWorkers {
    static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], jobs: Int, completed: @escaping @Sendable (Int, Result<Output, Error>) -> Void = { _, _ in },
        _ work: @escaping @Sendable (Item) throws -> Output
    ) -> [Result<Output, Error>] {
        guard !items.isEmpty else { return [] }
        let state = SharedState<Output>(count: items.count)
        let workers = max(1, min(jobs, items.count))
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            let thread = Thread {
                while let index = state.nextIndex() {
                    let result = Result { try work(items[index]) }
                    state.store(result, at: index)
                    completed(index, result)
                }
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        return state.results()
    }

    /// The queue of item indices and the result slots, behind one lock.
    private final class SharedState<Output>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var slots: [Result<Output, Error>?]

        init(count: Int) {
            slots = Array(repeating: nil, count: count)
        }

        func nextIndex() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ result: Result<Output, Error>, at index: Int) {
            lock.lock()
            slots[index] = result
            lock.unlock()
        }

        func results() -> [Result<Output, Error>] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
