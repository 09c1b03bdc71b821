/// The contract between `hepexc bench ckks --json` and the Driver's `CostModel`
/// (`CostModel(benchReport:)`, used by `hepexc compile --costs`): the report's top-level
/// `logN` and `limbs` (the ring the numbers were measured at) and, in `results`, one
/// `{name, cpuSeconds}` per operation below, in seconds.
public enum BenchCostContract {
    /// Result names the cost model reads, and the cost each one sets.
    public static let operations: [(name: String, cost: String)] = [
        ("mul ct×pt", "plainMultiply (and constantMultiply = half of it)"),
        ("mul ct×ct + relin", "cipherMultiply"),
        ("add ct+ct", "addition"),
        ("rotate by 1 slot", "rotation"),
        ("rescale", "rescale"),
        ("encode", "encryption (encode + encrypt)"),
        ("encrypt (public key)", "encryption (encode + encrypt)"),
    ]

    public static var names: [String] { operations.map(\.name) }
}
