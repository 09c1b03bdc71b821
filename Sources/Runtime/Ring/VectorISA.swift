internal import CHepexcVector

/// The instruction-set level of the vector kernels (`CHepexcVector`), lowest first.
///
/// Chosen once per process from CPUID: the best level the CPU supports (but `scalar` on
/// AVX2-only CPUs without FMA, where the integer AVX2 kernels measured no faster), or the level the environment
/// variable `HEPEXC_ISA=scalar|avx2|avx512|ifma` names, capped at the CPU's. Every level gives
/// the same reduced results bit for bit.
public enum VectorISA: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// The Swift kernels.
    case scalar = 0
    /// AVX2, four lanes: double-precision FMA NTTs for moduli below 2^50 (exact products split
    /// into high and low doubles), else 64×64-bit products built from 32×32-bit ones.
    case avx2 = 1
    /// AVX-512 F/DQ/VL/BW: eight lanes, 64-bit low product, emulated high product.
    case avx512 = 2
    /// AVX-512 plus IFMA: 52-bit multiply-add for moduli below 2^50 (HEXL's form).
    case ifma = 3

    /// The level every kernel uses unless a caller names another one.
    public static let active: VectorISA = VectorISA(rawValue: Int(hepexc_isa_active())) ?? .scalar

    /// A level forced for the current task (tests compare levels in one process); `nil` keeps `active`.
    /// Levels above `supported` are clamped. Not seen by work handed to other threads.
    @TaskLocal public static var override: VectorISA?

    /// The level the kernels use now: `override` (at most `supported`) or `active`.
    public static var current: VectorISA {
        guard let forced = override else { return active }
        return min(forced, supported)
    }

    /// The best level this CPU supports.
    public static let supported: VectorISA = VectorISA(rawValue: Int(hepexc_isa_supported())) ?? .scalar

    /// Every level this CPU can run, lowest first (what the bit-identity tests iterate over).
    public static var runnable: [VectorISA] { allCases.filter { $0 <= supported } }

    /// True when `HEPEXC_ISA` is set to a name that is no level (it was then ignored).
    public static var requestIgnored: Bool { hepexc_isa_environment_invalid() != 0 }

    /// Moduli below this bound use the 52-bit IFMA kernels at level `.ifma`.
    public static let ifmaModulusBound: UInt64 = 1 << 50

    /// The name `HEPEXC_ISA` uses for this level.
    public var description: String {
        switch self {
        case .scalar: "scalar"
        case .avx2: "avx2"
        case .avx512: "avx512"
        case .ifma: "ifma"
        }
    }

    public static func < (lhs: VectorISA, rhs: VectorISA) -> Bool { lhs.rawValue < rhs.rawValue }
}
