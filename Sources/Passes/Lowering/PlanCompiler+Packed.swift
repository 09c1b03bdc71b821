public import HepexcIR
public import HepexcPlan

/// Convolution packing (issue 17): the batch in the slots, one feature per
/// ciphertext (``PackedLayer``). An affine segment's measured matrix — a
/// convolution's Toeplitz matrix with its stride, padding, pooling and
/// flatten — is stored as its non-zero entries, each one ciphertext ×
/// scalar multiply: stride and padding are which inputs feed an output (a
/// zero-padded position is an omitted term), average pooling is a sum of
/// positions, and the dense layer after a convolution reads the per-position
/// ciphertexts directly.
extension PlanCompiler {
    /// The most terms (non-zero weights) a packed plan may hold: each is a
    /// ciphertext × scalar multiply per batch.
    public static let maximumPackedTerms = 1 << 24
    /// The most input features a packed plan may take: each is one
    /// ciphertext the client encrypts and uploads per batch.
    public static let maximumPackedInputs = 1 << 16

    /// Why `lowered` cannot be packed, or `nil` when it can (the packed
    /// compile would then fail only for parameters, like the tiled one).
    public static func packingObstacle(_ lowered: Lowered) -> String? {
        guard lowered.features <= maximumPackedInputs else {
            return "\(lowered.features) input features would be \(lowered.features) input ciphertexts per batch "
                + "(at most \(maximumPackedInputs))"
        }
        var terms = 0
        for case let .dense(_, weight, _) in lowered.steps {
            terms += weight.scalars.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        }
        guard terms <= maximumPackedTerms else {
            return "the layers hold \(terms) non-zero weights (at most \(maximumPackedTerms) scalar multiplies per batch)"
        }
        return nil
    }

    /// Whether the lowered model came from a graph with a convolution (the
    /// case `--conv auto` considers packing for).
    public static func hasConvolution(_ graph: Graph) -> Bool {
        graph.operations.contains { $0.kind == .conv2d }
    }

    /// A dense step as a packed layer: the weight matrix's non-zero entries.
    static func packBatch(name: String, weight: Tensor, bias: Tensor?, _ fail: (String) -> PassError) throws(PassError) -> PackedLayer {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let scalars = weight.scalars
        let nonZero = scalars.reduce(0) { $0 + (Float($1) != 0 ? 1 : 0) }
        guard nonZero <= maximumPackedTerms else {
            throw fail("layer %\(name) has \(nonZero) non-zero weights; a packed plan holds at most \(maximumPackedTerms)")
        }
        return PackedLayer(name: name, inFeatures: inFeatures, outFeatures: outFeatures,
                           matrix: { Float(scalars[$0 * inFeatures + $1]) }, bias: bias.map { $0.scalars.map(Float.init) })
    }
}
