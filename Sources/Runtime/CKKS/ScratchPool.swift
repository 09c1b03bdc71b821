import Foundation

/// Reusable word arrays for the temporaries of key switching (the coefficient-form copy of
/// the input, the ModUp digits, the extended-basis products, the ModDown scratch).
///
/// A key switch at N = 2^15 and 20 limbs needs about 20 MB of temporaries. Allocated fresh,
/// glibc hands such blocks back to the kernel when they are freed, and every key switch
/// pays page faults and page clearing for them again (10–17 % of its time, issue 17).
/// The pool keeps freed arrays, keyed by length, up to `limitWords` words in total.
///
/// Thread-safe: the evaluator runs in parallel loops; every caller takes its own arrays.
/// Arrays come out with unspecified contents — callers write every word before reading it.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Int: [[UInt64]]] = [:]
    private var retainedWords = 0
    /// The most words the pool keeps while no one uses them.
    let limitWords: Int

    /// - Parameter limitWords: the most words kept between uses (larger returns are freed).
    init(limitWords: Int) {
        self.limitWords = limitWords
    }

    /// An array of exactly `count` words, reused when one is free (contents unspecified).
    func take(_ count: Int) -> [UInt64] {
        let reused: [UInt64]? = lock.withLock {
            guard var list = free[count], let last = list.popLast() else { return nil }
            free[count] = list.isEmpty ? nil : list
            retainedWords -= count
            return last
        }
        return reused ?? uninitializedWords(count)
    }

    /// Returns an array taken with `take` (or any array) for reuse.
    func give(_ words: consuming [UInt64]) {
        let array = words
        let count = array.count
        guard count > 0 else { return }
        lock.withLock {
            guard retainedWords + count <= limitWords else { return }
            free[count, default: []].append(array)
            retainedWords += count
        }
    }

    /// Runs `body` with a scratch array of `count` words and returns the array to the pool.
    func with<R>(_ count: Int, _ body: (inout [UInt64]) -> R) -> R {
        var words = take(count)
        defer { give(words) }
        return body(&words)
    }

    /// The words the pool holds now (tests).
    var heldWords: Int { lock.withLock { retainedWords } }
}
