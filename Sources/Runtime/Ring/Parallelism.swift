import Dispatch

/// How many threads loops over independent RNS limbs (or ciphertexts) may use.
public struct Parallelism: Sendable, Hashable {
    /// The number of worker threads (1 = run inline on the caller's thread).
    public let threads: Int

    /// - Parameter threads: at least 1.
    public init(threads: Int) {
        precondition(threads >= 1, "thread count must be at least 1")
        self.threads = threads
    }

    /// One thread: everything runs inline.
    public static let serial = Parallelism(threads: 1)

    /// Runs `body(i)` for every `i` in `0..<count`, on up to `threads` threads.
    ///
    /// Iterations are striped over the workers; `body` must only touch state that
    /// is disjoint per iteration (e.g. one RNS limb).
    /// - Parameters: `count` number of iterations; `body` the loop body.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedSendableBox(escaping)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < count {
                    box.value(i)
                    i += workers
                }
            }
        }
    }
}

extension Parallelism {
    /// Maps `transform` over independent items (e.g. ciphertexts) on up to `threads` threads,
    /// preserving order. The first error thrown (by index) is rethrown.
    public func map<T, R>(_ items: [T], _ transform: (T) throws -> R) rethrows -> [R] {
        if threads <= 1 || items.count <= 1 { return try items.map(transform) }
        let results = ResultSlots<R>(count: items.count)
        try withoutActuallyEscaping(transform) { escaping in
            let box = UncheckedSendableBox((escaping, results))
            forEach(items.count) { i in
                let (body, slots) = box.value
                slots.set(i, Result { try body(items[i]) })
            }
            for i in 0..<items.count { _ = try results.get(i).get() }
        }
        return try (0..<items.count).map { try results.get($0).get() }
    }
}

/// Wraps a value the caller promises to use race-free across threads.
public struct UncheckedSendableBox<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
