extension TopKSelection {
    /// Rearranges `entries[range]` so the entry of rank `nth` (within the
    /// whole array's ranking order) sits at `nth`, everything before it
    /// precedes it and everything after follows it.
    static func select(_ entries: inout [RankedScore], nth: Int, in range: Range<Int>) {
        var low = range.lowerBound, high = range.upperBound
        var budget = 2 * max(1, Int.bitWidth - range.count.leadingZeroBitCount)
        while high - low > 1 {
            if budget == 0 {
                entries[low..<high].sort { $0.precedes($1) }
                return
            }
            budget -= 1
            let pivot = partition(&entries, low..<high, pivotAt: medianOfThree(entries, low, (low + high) / 2, high - 1))
            if pivot == nth { return }
            if nth < pivot { high = pivot } else { low = pivot + 1 }
        }
    }

    /// The index of the middle of three entries in ranking order.
    static func medianOfThree(_ entries: [RankedScore], _ a: Int, _ b: Int, _ c: Int) -> Int {
        let x = entries[a], y = entries[b], z = entries[c]
        if x.precedes(y) {
            if y.precedes(z) { return b }
            return x.precedes(z) ? c : a
        }
        if x.precedes(z) { return a }
        return y.precedes(z) ? c : b
    }

    /// Lomuto partition around `entries[pivotAt]`; returns the pivot's final
    /// index (entries before it precede it, entries after follow it).
    static func partition(_ entries: inout [RankedScore], _ range: Range<Int>, pivotAt: Int) -> Int {
        let last = range.upperBound - 1
        entries.swapAt(pivotAt, last)
        let pivot = entries[last]
        var store = range.lowerBound
        for i in range.lowerBound..<last where entries[i].precedes(pivot) {
            entries.swapAt(i, store)
            store += 1
        }
        entries.swapAt(store, last)
        return store
    }
}
