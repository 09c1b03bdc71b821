internal import Foundation
internal import HepexcPlan

/// The value bounds of one lowered model per (input range, calibration
/// rows), shared by every tile shape compiled from it. Thread-safe.
final class BoundsMemo: @unchecked Sendable {
    private var entries: [(range: ClosedRange<Double>, calibration: [[Double]]?, bounds: ValueBounds)] = []
    private let lock = NSLock()

    /// The memoised bounds for `inputRange` and `calibration`, else `make()`'s (then kept).
    func bounds(inputRange: ClosedRange<Double>, calibration: [[Double]]?, _ make: () -> ValueBounds) -> ValueBounds {
        lock.lock()
        let hit = entries.first { $0.range == inputRange && $0.calibration == calibration }
        lock.unlock()
        if let hit { return hit.bounds }
        let bounds = make()
        lock.lock()
        entries.append((inputRange, calibration, bounds))
        lock.unlock()
        return bounds
    }
}
