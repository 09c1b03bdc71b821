/// The one table of lattice security bounds in hepexc. It belongs to the
/// runtime (`HepexcCKKS` validates every parameter set against it) and is
/// its own leaf target so that the plan compiler, which must choose a ring
/// before any key exists, reads the same numbers instead of a copy.
public enum SecurityStandard {
    /// Maximum log2(QP) for 128-bit classical security with a uniform
    /// ternary secret, indexed by log2(N): N ≤ 2^15 from the HE standard
    /// (Albrecht et al. 2018, Table 1; the values SEAL enforces); 2^16 is
    /// the lattice-estimator extension of the same table that OpenFHE
    /// enforces (`HEStd_128_classic`, 1747 bits — not twice 881).
    public static let maxLogQP128: [Int: Int] = [10: 27, 11: 54, 12: 109, 13: 218, 14: 438, 15: 881, 16: 1747]

    /// The largest log2(QP) that keeps 128-bit security at ring degree
    /// 2^logN, or `nil` for a degree the standard does not cover.
    public static func maxLogQP(logN: Int) -> Int? { maxLogQP128[logN] }
}
