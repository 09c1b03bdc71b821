/// A score with the sample it belongs to, ranked by
/// ``KeepMaskSelector/precedes(_:_:)``.
struct RankedScore {
    var score: Double
    var index: Int
}

extension KeepMaskSelector {
    /// The ranking order: higher score first, then lower sample index. A
    /// strict total order on non-NaN scores with distinct indices.
    @inline(__always)
    static func precedes(_ a: RankedScore, _ b: RankedScore) -> Bool {
        a.score > b.score || (a.score == b.score && a.index < b.index)
    }

    /// Introselect: rearranges `entries[range]` so that position `nth` holds
    /// the entry of that rank within the range, every entry before it
    /// precedes it and every entry after it follows it.
    ///
    /// Quickselect with a median-of-three pivot; after 2·log₂(count)
    /// partitions the rest of the range is sorted instead, which bounds the
    /// worst case at O(n log n). Ranges of at most 16 entries are sorted.
    static func select(_ entries: inout [RankedScore], nth: Int, in range: Range<Int>) {
        guard range.contains(nth) else { return }
        var low = range.lowerBound, high = range.upperBound
        var budget = 2 * (Int.bitWidth - range.count.leadingZeroBitCount)
        while high - low > 16 {
            guard budget > 0 else { break }
            budget -= 1
            let pivot = partition(&entries, low..<high, pivotAt: medianOfThree(entries, low, low + (high - low) / 2, high - 1))
            if nth == pivot { return }
            if nth < pivot { high = pivot } else { low = pivot + 1 }
        }
        entries[low..<high].sort(by: precedes)
    }

    /// The index (one of `a`, `b`, `c`) of the median entry of the three.
    static func medianOfThree(_ entries: [RankedScore], _ a: Int, _ b: Int, _ c: Int) -> Int {
        let ab = precedes(entries[a], entries[b]), bc = precedes(entries[b], entries[c]), ac = precedes(entries[a], entries[c])
        if ab == bc { return b }   // a < b < c or c < b < a
        if ab == ac { return c }   // a is an extreme, b the other: c is between
        return a
    }

    /// Lomuto partition around the entry at `pivotAt`; returns its final
    /// position: everything before it precedes it, everything after follows.
    static func partition(_ entries: inout [RankedScore], _ range: Range<Int>, pivotAt: Int) -> Int {
        let last = range.upperBound - 1
        entries.swapAt(pivotAt, last)
        let pivot = entries[last]
        var store = range.lowerBound
        for index in range.lowerBound..<last where precedes(entries[index], pivot) {
            entries.swapAt(index, store)
            store += 1
        }
        entries.swapAt(store, last)
        return store
    }
}
