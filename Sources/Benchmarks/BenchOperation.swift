/// The operations `hepexc bench ckks` times. The raw value is the report's
/// row name; ``CostModel`` (Driver) reads its per-operation costs by these
/// names, so the benchmark and the cost model cannot drift apart.
public enum BenchOperation: String, CaseIterable, Sendable {
    case keygenSecret = "keygen secret key"
    case keygenPublic = "keygen public key"
    case keygenRelinearization = "keygen relin key"
    case keygenGalois = "keygen 1 Galois key"
    case encode = "encode"
    case encrypt = "encrypt (public key)"
    case decrypt = "decrypt+decode, top level"
    case decryptOneLimb = "decrypt+decode, 1 limb"
    case add = "add ct+ct"
    case multiplyPlain = "mul ct×pt"
    case multiplyRelinearize = "mul ct×ct + relin"
    case tensor = "tensor only"
    case relinearize = "relinearize only"
    case rescale = "rescale"
    case rotate = "rotate by 1 slot"
    case hoistedRotate = "hoisted rotate, per rotation of 8"
    case ntt = "forward NTT, 1 limb"

    /// The short name `--only` accepts (the row name works too).
    public var shortName: String {
        switch self {
        case .keygenSecret: "keygen-secret"
        case .keygenPublic: "keygen-public"
        case .keygenRelinearization: "keygen-relin"
        case .keygenGalois: "keygen-galois"
        case .encode: "encode"
        case .encrypt: "encrypt"
        case .decrypt: "decrypt"
        case .decryptOneLimb: "decrypt1"
        case .add: "add"
        case .multiplyPlain: "mulpt"
        case .multiplyRelinearize: "mulrelin"
        case .tensor: "tensor"
        case .relinearize: "relin"
        case .rescale: "rescale"
        case .rotate: "rotate"
        case .hoistedRotate: "hoisted"
        case .ntt: "ntt"
        }
    }

    /// The operation named `name` (short or row name).
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue == name || $0.shortName == name }) else { return nil }
        self = match
    }
}
