import HepexcIR

extension Dataset {
    /// The examples in `range` (along axis 0), with their labels or targets.
    ///
    /// - Parameter range: A range within `0..<count`.
    /// - Returns: A data set of `range.count` examples with the same source.
    /// - Precondition: `range` lies within `0..<count`.
    public func slice(_ range: Range<Int>) -> Dataset {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) outside 0..<\(count)")
        return Dataset(inputs: inputs.batchSlice(range),
                       labels: labels.map { Array($0[range]) },
                       targets: targets.map { $0.batchSlice(range) },
                       source: source)
    }

    /// The first `maxCount` examples (all of them if there are fewer).
    ///
    /// - Parameter maxCount: The number of examples to keep (≥ 0).
    /// - Returns: A data set of `min(maxCount, count)` examples.
    public func prefix(_ maxCount: Int) -> Dataset {
        precondition(maxCount >= 0, "prefix length must be ≥ 0")
        return slice(0..<min(maxCount, count))
    }

    /// Consecutive batches of `size` examples; the last batch may be smaller.
    ///
    /// Batches are sliced lazily as the sequence is iterated.
    /// - Parameter size: Examples per batch (> 0).
    /// - Returns: A sequence of `⌈count / size⌉` data sets.
    public func batches(of size: Int) -> Batches {
        precondition(size > 0, "batch size must be > 0")
        return Batches(dataset: self, batchSize: size)
    }

    /// A lazy sequence of consecutive batches; see ``Dataset/batches(of:)``.
    public struct Batches: Sequence, Sendable {
        let dataset: Dataset
        /// Examples per batch (the last batch may hold fewer).
        public let batchSize: Int

        /// The number of batches, `⌈N / batchSize⌉`.
        public var count: Int { dataset.count / batchSize + (dataset.count % batchSize == 0 ? 0 : 1) }

        /// Exactly ``count``.
        public var underestimatedCount: Int { count }

        /// Iterates the batches in order.
        public func makeIterator() -> Iterator {
            Iterator(dataset: dataset, batchSize: batchSize, position: 0)
        }

        /// Produces one batch per call to `next()`.
        public struct Iterator: IteratorProtocol, Sendable {
            let dataset: Dataset
            let batchSize: Int
            var position: Int

            /// The next batch, or `nil` after the last.
            public mutating func next() -> Dataset? {
                guard position < dataset.count else { return nil }
                let end = dataset.count - position <= batchSize ? dataset.count : position + batchSize
                defer { position = end }
                return dataset.slice(position..<end)
            }
        }
    }
}
