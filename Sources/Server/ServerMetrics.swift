internal import Prometheus
internal import HepexcPlan

/// The Prometheus metrics `GET /metrics` exposes: requests by route and
/// status, latency, evaluations running and queued, HE operations.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "hepexc", metricName: name, unitName: "", helpText: help)
    }
    private let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    func request(route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.name("http_requests_total", "HTTP requests by route and status"), labels: [("route", route), ("status", String(status))]).increment()
        registry.makeValueHistogram(descriptor: Self.name("http_request_duration_seconds", "HTTP request latency"), labels: [("route", route)],
                                    buckets: latencyBuckets).record(seconds)
    }

    func gate(running: Int, queued: Int) {
        registry.makeGauge(descriptor: Self.name("evaluations_running", "evaluations holding a slot")).set(Double(running))
        registry.makeGauge(descriptor: Self.name("evaluation_queue_depth", "evaluations waiting for a slot")).set(Double(queued))
    }

    /// One evaluation of `batchTiles` batch tiles of `plan`: its HE operations
    /// (the plan's exact op counts per batch tile).
    func evaluated(plan: String, batchTiles: Int, ops: OpCounts, seconds: Double) {
        registry.makeCounter(descriptor: Self.name("batch_tiles_evaluated_total", "batch tiles evaluated"), labels: [("plan", plan)]).increment(by: Int64(batchTiles))
        registry.makeValueHistogram(descriptor: Self.name("evaluation_seconds", "evaluation time per request"), labels: [("plan", plan)], buckets: latencyBuckets)
            .record(seconds)
        let kinds: [(String, Int)] = [
            ("ct_pt_multiply", ops.plainMultiplies), ("mask_multiply", ops.maskMultiplies), ("ct_ct_multiply", ops.cipherMultiplies),
            ("constant_multiply", ops.constantMultiplies), ("add", ops.additions), ("add_plain", ops.plainAdditions),
            ("rotate", ops.rotations), ("rescale", ops.rescales), ("drop_level", ops.levelDrops),
        ]
        for (kind, count) in kinds where count > 0 {
            registry.makeCounter(descriptor: Self.name("he_operations_total", "homomorphic operations by kind"), labels: [("plan", plan), ("op", kind)])
                .increment(by: Int64(count * batchTiles))
        }
    }

    var text: String { registry.emitToString() }
}
