import HepexcBenchmarks
import Testing

/// The benchmark's operation names are a contract (the cost model reads
/// them); the process metrics are real measurements.
@Suite struct BenchOperationTests {
    @Test func namesAreUniqueAndParseBothWays() {
        let rows = BenchOperation.allCases.map(\.rawValue), shorts = BenchOperation.allCases.map(\.shortName)
        #expect(Set(rows).count == rows.count && Set(shorts).count == shorts.count)
        for operation in BenchOperation.allCases {
            #expect(BenchOperation(name: operation.rawValue) == operation)
            #expect(BenchOperation(name: operation.shortName) == operation)
        }
        #expect(BenchOperation(name: "bogus") == nil)
        #expect(BenchOperation.multiplyRelinearize.rawValue == "mul ct×ct + relin")
    }

    @Test func processMetricsMeasure() {
        let before = ProcessMetrics.cpuSeconds()
        var x = 0.0
        for i in 0..<2_000_000 { x += Double(i % 7) }
        #expect(x > 0)
        #expect(ProcessMetrics.cpuSeconds() > before)
        #expect(ProcessMetrics.peakMemoryBytes() > 1 << 20)
        #expect(ProcessMetrics.wallSeconds() > 0)
    }
}
