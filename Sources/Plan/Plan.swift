/// A compiled encrypted-execution plan: everything the server needs to run
/// a model on encrypted inputs, and the client needs to encode and decode.
///
/// A plan never holds key material. It holds the CKKS parameters, the tile
/// shape, the layers with their non-zero weight tiles, the rotation steps the
/// server will need Galois keys for, and the input/output layouts.
public struct Plan: Sendable, Codable, Equatable {
    /// The newest plan format version this build writes; it reads every
    /// version from 1 up to it (version 2 added Type-D layers, version 3
    /// packed layers and bootstrap steps, version 4 bootstrap steps with
    /// sparse-secret encapsulation, version 5 row-diagonal layers).
    public static let formatVersion = 5

    /// The version a plan is written as: the oldest that holds its layers
    /// (5 when a layer is row-diagonal, 4 when a bootstrap step encapsulates to a sparse secret — a version-3
    /// reader would ignore that field and bootstrap wrong —, 3 for other
    /// packed or bootstrapped plans, else 2), so older readers keep reading
    /// the rest and refuse what they would misread.
    public var writtenVersion: Int {
        if layers.contains(where: { if case .fullyConnected(let fc) = $0 { return fc.form == .rowDiagonal } else { return false } }) {
            return 5
        }
        if bootstrapSteps.contains(where: { $0.ephemeralSecretWeight != nil }) { return 4 }
        return isPacked || bootstraps ? 3 : 2
    }

    public var model: String
    public var tile: TileShape
    public var parameters: CKKSParameterChoice
    /// Input features per sample (after any flattening).
    public var inputFeatures: Int
    /// Client-side input permutation: feature `f` of the encoded vector is
    /// original feature `inputPermutation[f]` (identity when `nil`).
    public var inputPermutation: [Int]?
    /// Output features per sample.
    public var outputFeatures: Int
    /// Client-side output permutation: output `o` is decoded from plan
    /// output `outputPermutation[o]` (identity when `nil`).
    public var outputPermutation: [Int]?
    public var layers: [PlanLayer]
    /// Rotation steps (left rotations, in 0..<slots) the execution needs.
    public var rotationSteps: [Int]
    /// Multiplicative depth: levels consumed from input to output.
    public var depth: Int
    /// Operations of the source graph that run on the client after
    /// decryption (softmax, argmax), for information.
    public var clientTail: [String]
    /// The input range and per-layer magnitudes the plan was compiled for
    /// (absent in plans written before bounds were recorded).
    public var bounds: ValueBounds?

    public init(model: String, tile: TileShape, parameters: CKKSParameterChoice, inputFeatures: Int,
                outputFeatures: Int, layers: [PlanLayer], rotationSteps: [Int], depth: Int,
                inputPermutation: [Int]? = nil, outputPermutation: [Int]? = nil, clientTail: [String] = [],
                bounds: ValueBounds? = nil) {
        self.bounds = bounds
        self.model = model
        self.tile = tile
        self.parameters = parameters
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.layers = layers
        self.rotationSteps = rotationSteps
        self.depth = depth
        self.inputPermutation = inputPermutation
        self.outputPermutation = outputPermutation
        self.clientTail = clientTail
    }

    /// Samples per ciphertext (the batch tile, t3).
    public var batchPerCiphertext: Int { tile.t3 }
}

/// The CKKS parameters a plan runs under (a literal the runtime validates).
public struct CKKSParameterChoice: Sendable, Codable, Equatable {
    public var logN: Int
    public var logQ: [Int]
    public var logP: [Int]
    public var logScale: Int
    /// Set only for explicitly insecure test plans.
    public var insecure: Bool
    /// Key-switching digits (dnum): with `logP`, the full hybrid
    /// key-switching layout, recorded by the compiler so that keys and
    /// executions never re-derive it. Absent in plans written before it was
    /// recorded (the runtime then derives the same default).
    public var digits: Int?

    public init(logN: Int, logQ: [Int], logP: [Int], logScale: Int, insecure: Bool = false, digits: Int? = nil) {
        self.logN = logN
        self.logQ = logQ
        self.logP = logP
        self.logScale = logScale
        self.insecure = insecure
        self.digits = digits
    }

    public var slotCount: Int { 1 << (logN - 1) }
    /// The highest level (number of ciphertext primes − 1).
    public var maxLevel: Int { logQ.count - 1 }
}
