/// What `hepexc serve` runs with.
public struct ServeOptions: Sendable {
    /// Plan name (the file's stem, used in `/v1/plans/{plan}/evaluate`) → plan file.
    public var plans: [(name: String, path: String)]
    public var host: String
    /// 0 picks a free port (reported through `onRunning`).
    public var port: Int
    public var keyStore: String
    /// Largest request body (keys or ciphertexts), bytes.
    public var maxBodyBytes: Int
    /// Evaluations at once; more wait in a queue of `maxQueued`, beyond it 503.
    public var maxConcurrent: Int
    public var maxQueued: Int
    /// Per-request evaluation timeout (504 after it).
    public var timeoutSeconds: Double
    /// Worker threads per evaluation.
    public var threads: Int
    public var allowInsecure: Bool
    /// At most this many bytes of encoded weights kept per plan (`nil`: all).
    public var weightCacheBytes: Int?

    public init(plans: [(name: String, path: String)], host: String = "127.0.0.1", port: Int = 8080, keyStore: String,
                maxBodyBytes: Int = 512 << 20, maxConcurrent: Int = 1, maxQueued: Int = 8, timeoutSeconds: Double = 300,
                threads: Int = 1, allowInsecure: Bool = false) {
        self.plans = plans; self.host = host; self.port = port; self.keyStore = keyStore
        self.maxBodyBytes = maxBodyBytes; self.maxConcurrent = maxConcurrent; self.maxQueued = maxQueued
        self.timeoutSeconds = timeoutSeconds; self.threads = threads; self.allowInsecure = allowInsecure
    }
}
