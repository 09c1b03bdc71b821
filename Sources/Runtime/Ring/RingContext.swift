public import HepexcModArith

/// The ring `Z_Q[X]/(X^N + 1)` for an RNS basis `Q = q_0·…·q_{L−1}`: moduli,
/// NTT tables and the thread count used for loops over limbs.
///
/// Contexts are immutable and shared by reference; two contexts can share the
/// same `NTTTables` objects (a CKKS level is a context over a prefix of the chain).
public final class RingContext: Sendable {
    /// The ring degree N.
    public let degree: Int
    /// The RNS primes, in limb order.
    public let moduli: [Modulus]
    /// One NTT table per prime.
    public let tables: [NTTTables]
    /// Threads for loops over limbs.
    public let parallelism: Parallelism

    /// Creates a context, building NTT tables for each prime.
    /// - Parameters: `degree` a power of two; `moduli` primes `≡ 1 mod 2N`; `parallelism` threads.
    public convenience init(degree: Int, moduli: [Modulus], parallelism: Parallelism = .serial) {
        self.init(tables: moduli.map { NTTTables(modulus: $0, degree: degree) }, parallelism: parallelism)
    }

    /// Creates a context over existing NTT tables (shared, not copied).
    /// - Parameters: `tables` at least one, all of the same degree.
    public init(tables: [NTTTables], parallelism: Parallelism = .serial) {
        precondition(!tables.isEmpty, "a ring context needs at least one prime")
        precondition(tables.allSatisfy { $0.degree == tables[0].degree }, "mixed degrees")
        self.degree = tables[0].degree
        self.moduli = tables.map(\.modulus)
        self.tables = tables
        self.parallelism = parallelism
    }

    /// The number of RNS limbs.
    public var limbCount: Int { moduli.count }
}
