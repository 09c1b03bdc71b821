public import HepexcIR
public import HepexcPlan
internal import HepexcSecurity

/// Lowers a canonical IR graph to a tile-tensor plan: the graph must be a
/// chain of affine segments (dense, conv2d, pooling, batch norm, reshapes,
/// constant arithmetic — each segment becomes one dense layer) separated by
/// polynomial activations, with an optional softmax/argmax tail that the
/// client applies.
///
/// Dense layers alternate Type A and Type B (design.md), starting with the
/// form that needs fewer levels, and small layers may use the diagonal
/// form D (``chooseForms``);
/// only non-zero t1×t2 weight tiles are stored; CKKS parameters are chosen
/// from the depth and the tile shape at 128-bit security.
public struct PlanCompiler: Sendable {
    public struct Options: Sendable, Equatable {
        /// t1 × t2 of a tile; t3 (the batch) fills the remaining slots.
        public var t1: Int
        public var t2: Int
        /// Use exactly this ring degree (log2); `nil` picks the smallest
        /// secure one.
        public var logN: Int?
        /// Allow parameters below 128-bit security (tests only).
        public var insecure: Bool
        /// Minimum samples per ciphertext (t3); raises N if needed.
        public var minimumBatch: Int?
        /// The first dense layer's form; `nil` picks the one with less depth.
        public var firstForm: FCForm?
        /// Let layers that fit one tile use the diagonal form (Type D) where
        /// it is cheaper than Type A (see ``chooseForms``).
        public var diagonal: Bool
        /// Use only the prime tier with these scale bits (35 or 40, see
        /// ``primeTiers``); `nil` takes 40 where it fits the ring, else 35.
        public var scaleBits: Int?
        /// The range of every input feature; `nil`: from `calibration`, else −1…1 (data scaled to [0, 1] or [−1, 1]).
        public var inputRange: ClosedRange<Double>?
        /// Sample rows (input features) whose observed values tighten the
        /// value bounds (``valueBounds(_:features:inputRange:calibration:)``).
        public var calibration: [[Double]]?
        /// The largest output error asked for (`compile --precision`): the
        /// cheapest scale whose ``Plan/expectedMaxError`` meets it
        /// (``compileForPrecision(_:target:)``); `nil`: the default tiers.
        public var precision: Double?
        /// Batch-packed features instead of tiles (convolution packing,
        /// ``PackedLayer``): every affine segment becomes a packed layer and
        /// the tile is 1×1×slots; `t1`, `t2`, `firstForm` are ignored.
        public var packed = false
        /// Bootstrapping (`compile --bootstrap auto`, the default of the
        /// CLI); `nil`: off — a model too deep for the chain is an error.
        public var bootstrap: BootstrapOptions?
        /// Compile a skeleton (``estimate(_:)``): Type-A/B weight tiles
        /// counted, not packed, and no validation.
        var shapeOnly = false

        public init(t1: Int, t2: Int, logN: Int? = nil, insecure: Bool = false, minimumBatch: Int? = nil,
                    firstForm: FCForm? = nil, diagonal: Bool = true, scaleBits: Int? = nil) {
            self.t1 = t1
            self.t2 = t2
            self.logN = logN
            self.insecure = insecure
            self.minimumBatch = minimumBatch
            self.firstForm = firstForm
            self.diagonal = diagonal
            self.scaleBits = scaleBits
        }
    }

    /// log2(Q·P) bounds for 128-bit security: the runtime's one table.
    public static var maxLogQP: [Int: Int] { SecurityStandard.maxLogQP128 }
    static let firstPrimeBits = 60, scaleBits = 40, specialPrimeBits = 60

    public var options: Options

    public init(options: Options) { self.options = options }

    /// A graph reduced to what the plan needs, independent of the tile
    /// shape: the chain of dense and polynomial steps (affine segments
    /// measured once), the client's permutations and tail.
    public struct Lowered: Sendable {
        let name: String
        /// Input features per sample.
        public let features: Int
        let steps: [Step]
        let tail: [String]
        let permutations: (input: [Int]?, output: [Int]?)
        /// Value bounds already computed for an input range and calibration
        /// (they do not depend on the tile shape, and sampling them is most
        /// of a compile: `--tile auto` computes them once).
        let boundsMemo = BoundsMemo()
        /// Which weight tiles are stored under each tile shape (``estimate(_:)``).
        let occupancy = TileOccupancy()

        /// The (inputs, outputs) of each dense step in order: what
        /// ``PlanCompiler/chooseForms(_:t1:t2:firstForm:diagonal:)`` decides from.
        public var denseShapes: [(inFeatures: Int, outFeatures: Int)] {
            steps.compactMap { step in
                guard case let .dense(_, weight, _) = step else { return nil }
                return (weight.shape[1], weight.shape[0])
            }
        }
    }

    /// - Throws: `PassError.failed` naming each operation that cannot run
    ///   encrypted, with what to do about it, or an impossible tile shape.
    public func compile(_ graph: Graph) throws(PassError) -> Plan {
        try compile(Self.lower(graph))
    }

    /// The tile-independent half of `compile` (``Lowered``), for compiling
    /// one model under many tile shapes.
    /// - Throws: `PassError.failed` naming each operation that cannot run encrypted.
    public static func lower(_ graph: Graph) throws(PassError) -> Lowered {
        func fail(_ message: String) -> PassError { .lowering(reason: message) }
        guard graph.inputs.count == 1, let input = graph.inputs.first, graph.outputs.count >= 1 else {
            throw fail("the model must have exactly one input")
        }
        // A leading/trailing `permute` runs on the client (HE-PEx Π_in/Π_out).
        var graph = graph
        let permutations = extractClientPermutations(&graph)
        let (steps, tail) = try linearChain(graph, from: input.name, fail)
        guard let features = input.type.elementsPerItem, features > 0 else {
            throw fail("input %\(input.name) needs a static shape per item, got \(input.type)")
        }
        return Lowered(name: graph.name, features: features, steps: steps, tail: tail, permutations: permutations)
    }

    /// Packs a lowered graph under this compiler's tile shape and options.
    /// - Throws: `PassError.failed` for an impossible tile shape or parameters.
    public func compile(_ lowered: Lowered) throws(PassError) -> Plan {
        if let target = options.precision { return try compileForPrecision(lowered, target: target) }
        return try compileWithTiers(lowered)
    }

    /// `compile` with the prime tiers of ``primeTiers`` (or `scaleBits`).
    func compileWithTiers(_ lowered: Lowered) throws(PassError) -> Plan {
        func fail(_ message: String) -> PassError { .lowering(reason: message) }
        var options = options
        if options.packed { (options.t1, options.t2, options.firstForm) = (1, 1, nil) }
        guard TileShape.isPowerOfTwo(options.t1), TileShape.isPowerOfTwo(options.t2) else {
            throw fail("tile \(options.t1)x\(options.t2): both dimensions must be powers of two")
        }
        let (steps, tail, permutations, features) = (lowered.steps, lowered.tail, lowered.permutations, lowered.features)
        var shapes: [(inFeatures: Int, outFeatures: Int)] = []
        var inFeatures = features
        for case let .dense(name, weight, _) in steps {
            guard weight.shape[1] == inFeatures else {
                throw fail("dense %\(name) takes \(weight.shape[1]) features but receives \(inFeatures)")
            }
            shapes.append((weight.shape[1], weight.shape[0]))
            inFeatures = weight.shape[0]
        }
        guard !shapes.isEmpty else { throw fail("the model has no dense layer to run encrypted") }
        if options.firstForm == .diagonal, let first = shapes.first,
           !DiagonalSchedule.fits(inFeatures: first.inFeatures, outFeatures: first.outFeatures, t2: options.t2) {
            throw fail("the first dense layer (\(first.inFeatures) → \(first.outFeatures)) cannot be Type D under "
                       + "\(options.t1)x\(options.t2) tiles: the diagonal form needs at most t2 = \(options.t2) outputs")
        }
        let forms = Self.chooseForms(shapes, t1: options.t1, t2: options.t2, firstForm: options.firstForm,
                                     diagonal: options.diagonal)
        var depths: [Int] = []
        var seenDense = 0
        for step in steps {
            switch step {
            case .dense:
                depths.append((!options.packed && forms[seenDense] == .typeA && seenDense < shapes.count - 1) ? 2 : 1)
                seenDense += 1
            case .poly(let coefficients, _):
                depths.append(PolynomialSchedule(coefficients: coefficients).depth)
            }
        }
        let depth = depths.reduce(0, +)
        // Calibration rows come in the model's feature order; the steps read
        // the client-permuted order.
        let calibration = options.calibration.map { rows in
            permutations.input.map { perm in rows.map { row in perm.map { $0 < row.count ? row[$0] : 0 } } } ?? rows
        }
        let range = try inputRange(fail)
        let bounds = lowered.boundsMemo.bounds(inputRange: range, calibration: calibration) {
            Self.valueBounds(steps, features: features, inputRange: range, calibration: calibration)
        }
        let packing = Packing(lowered: lowered, forms: forms, depths: depths, depth: depth, bounds: bounds, outputFeatures: inFeatures)
        // Packed plans do not bootstrap (yet): a packed model too deep for the chain stays an error.
        if !options.packed, let bootstrap = options.bootstrap, let levels = bootstrap.levelsAfter, depth > levels {
            return try compileWithBootstraps(packing, bootstrap)
        }
        let parameters: CKKSParameterChoice
        do {
            parameters = try Self(options: options).chooseParameters(depth: depth, bounds: bounds, depths: depths, steps: steps, fail)
        } catch {
            // `--bootstrap auto`: only a model too deep for every leveled
            // 128-bit chain bootstraps (other failures are not about depth).
            guard !options.packed, let bootstrap = options.bootstrap, options.logN == nil, !options.insecure,
                  depth > Self.maxLeveledDepth(scaleBits: options.scaleBits) else { throw error }
            do { return try compileWithBootstraps(packing, bootstrap) } catch let second {
                throw fail("\(error); bootstrapping does not help: \(second)")
            }
        }
        let tile = TileShape(t1: options.t1, t2: options.t2, t3: parameters.slotCount / (options.t1 * options.t2))
        let layers = try Self.layers(lowered, forms: forms, tile: tile, packed: options.packed, shapeOnly: options.shapeOnly, fail)
        let plan = Plan(model: lowered.name, tile: tile, parameters: parameters, inputFeatures: features,
                        outputFeatures: inFeatures, layers: layers,
                        rotationSteps: Plan.rotationSteps(for: layers, tile: tile), depth: depth,
                        inputPermutation: permutations.input, outputPermutation: permutations.output, clientTail: tail,
                        bounds: bounds)
        if options.shapeOnly { return plan }
        do { try plan.validate() } catch { throw fail("internal: \(error)") }
        return plan
    }

    /// The deepest chain a leveled plan can have at 128-bit security (N = 2^16).
    static func maxLeveledDepth(scaleBits: Int?) -> Int {
        let budget = maxLogQP[16] ?? 0
        return primeTiers.filter { tier in scaleBits.map { $0 == tier.scale } ?? !onRequestScaleBits.contains(tier.scale) }
            .map { (budget - $0.first - $0.special) / $0.scale }.max() ?? 0
    }

    /// The dense and polynomial steps as plan layers under `tile`.
    /// `packed`: every dense step becomes a batch-packed layer (``PackedLayer``).
    static func packLayers(_ steps: [Step], forms: [FCForm], tile: TileShape, packed: Bool = false,
                           _ fail: (String) -> PassError = { .lowering(reason: $0) }) throws(PassError) -> [PlanLayer] {
        let denseCount = steps.filter { if case .dense = $0 { return true } else { return false } }.count
        var layers: [PlanLayer] = []
        var seenDense = 0
        for step in steps {
            switch step {
            case let .dense(name, weight, bias):
                let isLast = seenDense == denseCount - 1
                if packed {
                    layers.append(.packed(try Self.packBatch(name: name, weight: weight, bias: bias, fail)))
                    seenDense += 1
                    continue
                }
                switch forms[seenDense] {
                case .diagonal:
                    layers.append(.fullyConnected(Self.packDiagonal(name: name, weight: weight, bias: bias, tile: tile, isLast: isLast)))
                case .rowDiagonal:
                    layers.append(.fullyConnected(Self.packLastDense(name: name, weight: weight, bias: bias, tile: tile)))
                case .typeA, .typeB:
                    layers.append(.fullyConnected(Self.pack(name: name, weight: weight, bias: bias, form: forms[seenDense],
                                                            tile: tile, isLast: isLast)))
                }
                seenDense += 1
            case let .poly(coefficients, name):
                layers.append(.polynomial(PolynomialLayer(name: name, coefficients: coefficients)))
            }
        }
        return layers
    }

    enum Step: Sendable {
        case dense(name: String, weight: Tensor, bias: Tensor?)
        case poly(coefficients: [Double], name: String)
    }

    /// Prime sizes tried in order for each ring: (first prime, scale primes,
    /// special prime) bits. The second tier keeps 2^35 scales (about 30 bits
    /// of precision after a few levels, far below the 1e-3 output tolerance)
    /// and 15 bits of headroom for values, and lets small networks fit a ring
    /// half the size — a rotation costs about a quarter. Its 60-bit special
    /// prime (rather than 50) gives key switching more room per digit.
    /// The third tier is only taken when the value bounds need its headroom
    /// (24 bits above the scale instead of 19).
    /// The last two tiers (45- and 50-bit scales, HElayers' default is 50)
    /// are taken only when asked for (`scaleBits`, `precision`): they cost
    /// a larger ring or modulus and leave 15 and 10 bits of headroom.
    static let primeTiers: [(first: Int, scale: Int, special: Int)] = [(60, 40, 60), (50, 35, 60), (60, 35, 60),
                                                                        (60, 45, 60), (60, 50, 60)]
    /// Scale bits only `scaleBits` or `precision` selects.
    static let onRequestScaleBits: Set<Int> = [45, 50]

    /// The input range: declared, else the calibration data's, else −1…1.
    func inputRange(_ fail: (String) -> PassError) throws(PassError) -> ClosedRange<Double> {
        if let range = options.inputRange {
            guard range.lowerBound.isFinite, range.upperBound.isFinite else { throw fail("the input range must be finite") }
            return range
        }
        if let rows = options.calibration, !rows.isEmpty {
            let values = rows.joined()
            guard let low = values.min(), let high = values.max(), low.isFinite, high.isFinite else {
                throw fail("the calibration data holds non-finite values")
            }
            return low...high
        }
        return -1...1
    }

    /// The smallest secure ring (or the requested one) whose slots hold a
    /// tile and whose modulus chain covers the depth.
    func chooseParameters(depth: Int, bounds: ValueBounds, depths: [Int], steps: [Step],
                          _ fail: (String) -> PassError) throws(PassError) -> CKKSParameterChoice {
        var tightest: (layer: Int, needed: Double, available: Int)?
        if let bits = options.scaleBits, !Self.primeTiers.contains(where: { $0.scale == bits }) {
            throw fail("scale bits \(bits): expected " + Self.primeTiers.map { String($0.scale) }.joined(separator: " or "))
        }
        // Sizes from flags: multiply with overflow checks (a batch of 2^62).
        let (area, areaOverflow) = options.t1.multipliedReportingOverflow(by: options.t2)
        let (tileSlots, slotsOverflow) = area.multipliedReportingOverflow(by: max(options.minimumBatch ?? 1, 1))
        guard !areaOverflow, !slotsOverflow, tileSlots <= 1 << 15 else {
            throw fail("a \(options.t1)x\(options.t2) tile with \(options.minimumBatch ?? 1) samples per ciphertext needs more than the 2^15 slots of the largest ring")
        }
        let candidates = options.logN.map { [$0] } ?? Array(10...16)
        for logN in candidates where 1 << (logN - 1) >= tileSlots {
            for tier in Self.primeTiers where options.scaleBits.map({ $0 == tier.scale })
                ?? !Self.onRequestScaleBits.contains(tier.scale) {
                if let violation = Self.headroomViolation(bounds, depths: depths, totalDepth: depth,
                                                          first: tier.first, scale: tier.scale) {
                    if tightest.map({ violation.available > $0.available }) ?? true { tightest = violation }
                    continue
                }
                let logQ = [tier.first] + Array(repeating: tier.scale, count: depth)
                let logQP = logQ.reduce(0, +) + tier.special
                var specialPrimes = 1
                if !options.insecure {
                    guard let bound = Self.maxLogQP[logN], logQP <= bound else { continue }
                    // Spare security budget buys more special primes: wider
                    // key-switching digits, so fewer of them — smaller
                    // rotation keys and cheaper rotations — up to one digit.
                    let useful = (logQ.reduce(0, +) + tier.special - 1) / tier.special
                    specialPrimes = max(1, min(useful, 1 + (bound - logQP) / tier.special))
                }
                return CKKSParameterChoice(logN: logN, logQ: logQ, logP: Array(repeating: tier.special, count: specialPrimes),
                                           logScale: tier.scale,
                                           insecure: options.insecure)
            }
        }
        if let (layer, needed, available) = tightest {
            let name: String
            switch steps[layer] {
            case let .dense(stepName, _, _): name = stepName
            case let .poly(_, stepName): name = stepName
            }
            throw fail(String(format: "values after %%%@ may reach %.3g (2^%.1f, %@ bounds from the input range %g…%g) but the plan can hold "
                              + "at most 2^%d there: scale the model's inputs or weights down, declare the true --input-range, "
                              + "or compile with --calibration data for tighter bounds",
                              name, bounds.layerMaxima[layer], needed, bounds.source, bounds.inputLower, bounds.inputUpper, available))
        }
        let logQP = Self.firstPrimeBits + Self.scaleBits * depth + Self.specialPrimeBits
        if let logN = options.logN {
            throw fail("logN \(logN) cannot hold a \(options.t1)x\(options.t2) tile with depth \(depth) at 128-bit security (log2 QP ≥ \(logQP - 40) > \(Self.maxLogQP[logN] ?? 0))")
        }
        throw fail("no ring degree up to 2^16 holds a \(options.t1)x\(options.t2) tile (×\(options.minimumBatch ?? 1) samples) with depth \(depth) at 128-bit security")
    }

    /// The non-zero diagonals of `weight` ([out, in]) for a Type-D layer.
    static func packDiagonal(name: String, weight: Tensor, bias: Tensor?, tile: TileShape,
                             isLast: Bool) -> FullyConnectedLayer {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let schedule = DiagonalSchedule(outFeatures: outFeatures, t2: tile.t2)
        let inputTiles = schedule.inputTiles(inFeatures: inFeatures)
        let scalars = weight.scalars
        var tiles: [WeightTile] = []
        for c in 0..<inputTiles {
            for r in 0..<schedule.width {
                let values = schedule.diagonalValues(r, inputTile: c, weight: { Float(scalars[$0 * inFeatures + $1]) },
                                                     outFeatures: outFeatures, inFeatures: inFeatures)
                if values.contains(where: { $0 != 0 }) { tiles.append(WeightTile(row: c, col: r, values: values)) }
            }
        }
        return FullyConnectedLayer(name: name, form: .diagonal, inFeatures: inFeatures, outFeatures: outFeatures,
                                   gridRows: inputTiles, gridCols: schedule.width, tiles: tiles,
                                   bias: bias.map { $0.scalars.map(Float.init) }, isLast: isLast)
    }

    /// The non-zero t1×t2 tiles of `weight` ([out, in]) in the layer's orientation.
    static func pack(name: String, weight: Tensor, bias: Tensor?, form: FCForm, tile: TileShape,
                     isLast: Bool) -> FullyConnectedLayer {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let rows = form == .typeA ? (outFeatures + tile.t1 - 1) / tile.t1 : (inFeatures + tile.t1 - 1) / tile.t1
        let cols = form == .typeA ? (inFeatures + tile.t2 - 1) / tile.t2 : (outFeatures + tile.t2 - 1) / tile.t2
        // Two passes over the weights, no per-tile allocation until a tile
        // is known to be non-zero: mark the occupied tiles, number them in
        // row-major order (the plan's tile order), then scatter the values.
        // A convolution's Toeplitz matrix is mostly zeros, and `--tile auto`
        // packs it once per candidate shape.
        let scalars = weight.scalars
        let area = tile.t1 * tile.t2
        // Weight (o, n) lands in tile `outerKey[o] + innerKey[n]` at
        // `outerOffset[o] + innerOffset[n]`: the divisions are done once per
        // row and column instead of once per weight (`--tile auto` packs
        // every candidate shape).
        let (outerKey, outerOffset, innerKey, innerOffset): ([Int], [Int], [Int], [Int]) = form == .typeA
            ? ((0..<outFeatures).map { ($0 / tile.t1) * cols }, (0..<outFeatures).map { ($0 % tile.t1) * tile.t2 },
               (0..<inFeatures).map { $0 / tile.t2 }, (0..<inFeatures).map { $0 % tile.t2 })
            : ((0..<outFeatures).map { $0 / tile.t2 }, (0..<outFeatures).map { $0 % tile.t2 },
               (0..<inFeatures).map { ($0 / tile.t1) * cols }, (0..<inFeatures).map { ($0 % tile.t1) * tile.t2 })
        var number = [Int](repeating: -1, count: rows * cols)
        for o in 0..<outFeatures {
            let (row, base) = (o * inFeatures, outerKey[o])
            for n in 0..<inFeatures where Float(scalars[row + n]) != 0 { number[base + innerKey[n]] = 0 }
        }
        var count = 0
        for key in number.indices where number[key] == 0 {
            number[key] = count
            count += 1
        }
        var flat = [Float](repeating: 0, count: count * area)
        for o in 0..<outFeatures {
            let (row, base, offset) = (o * inFeatures, outerKey[o], outerOffset[o])
            for n in 0..<inFeatures {
                let value = Float(scalars[row + n])
                if value == 0 { continue }
                flat[number[base + innerKey[n]] * area + offset + innerOffset[n]] = value
            }
        }
        let tiles = number.indices.compactMap { key -> WeightTile? in
            guard number[key] >= 0 else { return nil }
            let start = number[key] * area
            return WeightTile(row: key / cols, col: key % cols, values: Array(flat[start..<(start + area)]))
        }
        return FullyConnectedLayer(name: name, form: form, inFeatures: inFeatures, outFeatures: outFeatures,
                                   gridRows: rows, gridCols: cols, tiles: tiles,
                                   bias: bias.map { $0.scalars.map(Float.init) }, isLast: isLast)
    }
}
