/// How a ``PlanExecutor`` holds its weight plaintexts.
///
/// Encoding a weight tile (an inverse FFT, then one NTT per limb) can cost
/// more than multiplying by it, and a plaintext at the top level is as large
/// as half a ciphertext: a CNN lowered to Toeplitz tiles holds thousands.
/// Both policies run the same operations in the same order and give the
/// same results bit for bit; they differ in when encoding happens and how
/// long a plaintext lives.
public enum WeightEncoding: String, Sendable, CaseIterable {
    /// Every weight tile encoded once, when the executor is built, and kept
    /// for every run: a server answering many requests with one executor.
    case cached
    /// Each weight tile encoded just before its multiply-accumulate (in
    /// blocks of ``PlanExecutor/streamBlock``) and freed after: every run
    /// encodes again, but only a few plaintexts per worker are ever alive.
    /// The choice for one batch, and for plans whose weights do not fit in
    /// memory.
    case streamed
}
