public import HepexcIR

/// Splitting a graph into affine segments and polynomials.
///
/// Every operation between two activations is affine (dense, conv2d, average
/// pooling, batch norm, reshape/transpose, arithmetic with constants), so a
/// segment computes f(x) = M·x + b for one matrix M. A segment that is a
/// single `dense` keeps its weights; any other segment's M and b are measured
/// by running it through the reference interpreter on the unit vectors and
/// zero (b = f(0), column i = f(eᵢ) − b). A convolution thereby becomes its
/// (sparse) Toeplitz matrix, whose all-zero tiles the plan skips.
extension PlanCompiler {
    /// Largest affine segment matrix (entries) the compiler will build.
    static let maximumSegmentEntries = 1 << 24

    static func isAffine(_ operation: Operation) -> Bool {
        switch operation.kind {
        case .dense, .conv2d, .avgpool2d, .globalAvgpool, .batchnorm, .reshape, .transpose, .permute, .pad:
            return true
        case .add, .sub, .mul:
            // Affine only when the second operand is a constant.
            return operation.operands[1].isConstant
        default:
            return false
        }
    }

    /// Checks, without measuring anything, that encrypted execution can run
    /// `graph` (what `lower` would refuse first): cheap enough to run
    /// before pruning or training starts.
    /// - Throws: `PassError.lowering` naming every operation it cannot run, with advice.
    public static func checkEncryptable(_ graph: Graph) throws(PassError) {
        guard graph.inputs.count == 1, let input = graph.inputs.first else {
            throw .lowering(reason: "the model must have exactly one input")
        }
        var graph = graph
        _ = extractClientPermutations(&graph)
        let segmenter = AffineSegmenter(graph, from: input.name)
        guard segmenter.problems.isEmpty else {
            throw .lowering(reason: "cannot run encrypted: " + segmenter.problems.joined(separator: "; "))
        }
    }

    /// The steps from the input to the output, and the client-side tail;
    /// reports every operation encrypted execution cannot run.
    static func linearChain(_ graph: Graph, from input: String, _ fail: (String) -> PassError) throws(PassError) -> ([Step], [String]) {
        let segmenter = AffineSegmenter(graph, from: input)
        guard segmenter.problems.isEmpty else {
            throw fail("cannot run encrypted: " + segmenter.problems.joined(separator: "; "))
        }
        let types = graph.valueTypes
        var steps: [Step] = []
        for item in segmenter.items {
            switch item {
            case let .segment(operations, segmentInput):
                steps.append(try affineStep(operations, input: segmentInput, inputType: types[segmentInput], graph: graph, fail))
            case .poly(let operation):
                let coefficients = operation.attributes["coeffs"]?.doublesValue ?? [0, 1]
                steps.append(.poly(coefficients: coefficients, name: operation.result))
            }
        }
        return (steps, segmenter.tail)
    }

    /// One dense step for an affine segment.
    static func affineStep(_ segment: [Operation], input: String, inputType: TensorType?, graph: Graph,
                    _ fail: (String) -> PassError) throws(PassError) -> Step {
        guard let last = segment.last else { throw fail("internal: empty segment") }
        // Reshapes do not move values in the flat per-sample vector the plan
        // works on, so a dense with reshapes around it keeps its exact weights.
        let core = segment.filter { $0.kind != .reshape }
        if core.count == 1, let only = core.first, only.kind == .dense, case .constant(let weightName) = only.operands[1] {
            let last = only
            guard let weight = graph.constants[weightName]?.value else {
                throw fail("dense %\(last.result) has elided weights; compile needs the weights")
            }
            var bias: Tensor?
            if last.operands.count == 3, case .constant(let biasName) = last.operands[2] {
                guard let value = graph.constants[biasName]?.value else {
                    throw fail("dense %\(last.result) has an elided bias; compile needs the weights")
                }
                bias = value
            }
            return .dense(name: last.result, weight: weight, bias: bias)
        }
        guard let inputType, let inFeatures = inputType.elementsPerItem, let outFeatures = last.type.elementsPerItem else {
            throw fail("segment ending at %\(last.result) needs static shapes")
        }
        guard inFeatures * outFeatures <= Self.maximumSegmentEntries else {
            throw fail("segment ending at %\(last.result) would be a \(outFeatures)×\(inFeatures) matrix, larger than the compiler builds")
        }
        // The segment as a graph of its own, evaluated on [0; e₁; …; eₙ].
        var sub = Graph(name: "segment", constants: graph.constants,
                        inputs: [GraphInput(name: input, type: inputType)], operations: segment, outputs: [last.result])
        sub.eliminateDeadCode()
        var probe = [Double](repeating: 0, count: (inFeatures + 1) * inFeatures)
        for i in 0..<inFeatures { probe[(i + 1) * inFeatures + i] = 1 }
        let shape = [inFeatures + 1] + inputType.dimensions.dropFirst().map { $0 ?? 1 }
        let outputs: Tensor
        do {
            outputs = try Interpreter(sub).run(Tensor(shape: shape, scalars: probe), batchSize: 4096)[0]
        } catch {
            throw fail("cannot evaluate the affine segment ending at %\(last.result): \(error)")
        }
        var weight = [Double](repeating: 0, count: outFeatures * inFeatures)
        let bias = Array(outputs.scalars[0..<outFeatures])
        for i in 0..<inFeatures {
            let row = (i + 1) * outFeatures
            for o in 0..<outFeatures {
                // Round away the last bits of float noise so exact zeros stay zero.
                let value = outputs.scalars[row + o] - bias[o]
                weight[o * inFeatures + i] = abs(value) < 1e-12 ? 0 : value
            }
        }
        return .dense(name: last.result, weight: Tensor(shape: [outFeatures, inFeatures], scalars: weight),
                      bias: bias.allSatisfy { $0 == 0 } ? nil : Tensor(shape: [outFeatures], scalars: bias))
    }
}
