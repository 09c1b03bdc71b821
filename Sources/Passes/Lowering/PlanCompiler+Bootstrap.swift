internal import Foundation
public import HepexcPlan

/// How the compiler may bootstrap (`compile --bootstrap auto`).
public struct BootstrapOptions: Sendable, Equatable {
    /// log2 of the ring degree of the bootstrapping chain (16 at 128-bit security).
    public var logN: Int
    /// The bootstrap's settings, with the rotation steps and the precision the
    /// runtime gives for them (the driver fills them in from `HepexcCKKS`).
    public var step: BootstrapStep
    /// Levels left after each bootstrap (and for the inputs); `nil`: the
    /// pass chooses them with the placement (``PlanCompiler/compileWithBootstraps(_:_:)``).
    /// Given, a model deeper than this always bootstraps (tests use it on short chains).
    public var levelsAfter: Int?
    /// Bits of the scale primes (the runtime's bootstrapping default: 50).
    public var logScale: Int
    /// log2(q₀/Δ) for values within [−1, 1] at the bootstrap; the pass adds
    /// log2 of the largest value a bootstrap refreshes.
    public var messageRatio: Int

    public init(logN: Int, step: BootstrapStep, levelsAfter: Int? = nil, logScale: Int = 50, messageRatio: Int = 5) {
        self.logN = logN
        self.step = step
        self.levelsAfter = levelsAfter
        self.logScale = logScale
        self.messageRatio = messageRatio
    }
}

extension PlanCompiler {
    /// What ``compileWithBootstraps(_:_:)`` needs of a lowered graph.
    struct Packing {
        var lowered: Lowered
        var forms: [FCForm]
        var depths: [Int]
        var depth: Int
        var bounds: ValueBounds
        var outputFeatures: Int
    }

    /// The largest chain the pass tries without a security bound (insecure test plans).
    static let insecureLevelLimit = 40

    /// The bootstrapping chain with `levels` levels after each bootstrap:
    /// q₀ of `logScale + ratio` bits, `levels` + SlotToCoeff scale primes, then
    /// 60-bit primes for EvalMod, the scale change (only for K > 32: none with
    /// sparse-secret encapsulation) and CoeffToSlot (the runtime's
    /// `CKKSParameters.Literal.bootstrappable`).
    static func bootstrapChain(levels: Int, ratio: Int, _ b: BootstrapOptions) -> [Int] {
        [b.logScale + ratio] + Array(repeating: b.logScale, count: levels + b.step.slotToCoeffLevels)
            + Array(repeating: 60, count: b.step.depth - b.step.slotToCoeffLevels)
    }

    /// Relative cost of one key switch (a bootstrap is dominated by them) on
    /// the chain with `levels` levels after each bootstrap: the 128-bit
    /// budget left after Q buys k = ⌊(budget − log Q)/60⌋ special primes, so
    /// digits of about k primes, d = ⌈primes/k⌉ of them, each a product
    /// over primes + k limbs. Rotation keys grow the same way.
    static func keySwitchCost(levels: Int, ratio: Int, budget: Int, _ b: BootstrapOptions) -> Int? {
        let chain = bootstrapChain(levels: levels, ratio: ratio, b)
        let special = (budget - chain.reduce(0, +)) / 60
        guard special >= 1 else { return nil }
        let digits = (chain.count + special - 1) / special
        return digits * (chain.count + special)
    }

    /// A plan for a model deeper than a leveled chain holds: the placement
    /// pass. For every number of levels L between bootstraps that the ring
    /// holds at 128-bit security (one 60-bit special prime at least), the
    /// dynamic program of ``BootstrapPlacement`` places bootstraps; the plan
    /// takes the L whose placement costs least — bootstrapped ciphertexts
    /// times ``keySwitchCost(levels:ratio:budget:_:)``: a longer chain needs
    /// fewer bootstraps but leaves less budget for special primes, so more
    /// and larger key-switching digits (at N = 2^16 with the encapsulated
    /// bootstrap's depth 15 this lands on 7–8 levels) — and the smallest L
    /// among equals.
    func compileWithBootstraps(_ packing: Packing, _ b: BootstrapOptions) throws(PassError) -> Plan {
        func fail(_ message: String) -> PassError { .lowering(reason: message) }
        let slots = 1 << max(b.logN - 1, 0)
        let (t1, t2) = (options.t1, options.t2)
        guard (10...16).contains(b.logN) || options.insecure, t1 * t2 * max(options.minimumBatch ?? 1, 1) <= slots else {
            throw fail("a \(t1)x\(t2) tile (×\(options.minimumBatch ?? 1) samples) does not fit the \(slots) slots of the bootstrapping ring 2^\(b.logN)")
        }
        let tile = TileShape(t1: t1, t2: t2, t3: slots / (t1 * t2))
        var layers = try Self.layers(packing.lowered, forms: packing.forms, tile: tile, packed: false,
                                     shapeOnly: options.shapeOnly, fail)
        // Ciphertexts alive after each layer (constant tiles excluded).
        let provisional = Plan(model: packing.lowered.name, tile: tile,
                               parameters: CKKSParameterChoice(logN: b.logN, logQ: [60] + Array(repeating: 50, count: packing.depth),
                                                               logP: [], logScale: 50),
                               inputFeatures: packing.lowered.features, outputFeatures: packing.outputFeatures, layers: layers,
                               rotationSteps: [], depth: packing.depth)
        let live = provisional.layerCosts().map(\.outputCiphertexts)
        let deepest = packing.depths.max() ?? 0
        let budget = Self.maxLogQP[b.logN]
        let maxLevels: Int
        if let forced = b.levelsAfter {
            maxLevels = forced
        } else if options.insecure {
            maxLevels = Self.insecureLevelLimit
        } else {
            guard let budget else { throw fail("no 128-bit bound for ring 2^\(b.logN)") }
            // q₀ at its largest (60 bits) and one 60-bit special prime.
            let fixed = Self.bootstrapChain(levels: 0, ratio: 60 - b.logScale, b).reduce(0, +) + 60
            maxLevels = (budget - fixed) / b.logScale
        }
        guard maxLevels >= max(deepest, 1) else {
            throw fail("a bootstrap at N = 2^\(b.logN) leaves \(max(maxLevels, 0)) levels at 128-bit security, but a layer "
                       + "alone needs \(deepest)")
        }
        var chosen: (placement: BootstrapPlacement, cost: Int)?
        let candidates = b.levelsAfter.map { [$0] } ?? Array(max(deepest, 1)...maxLevels)
        let costBudget = budget ?? Self.maxLogQP[16] ?? 1747
        for levels in candidates {
            guard let placement = BootstrapPlacement.place(depths: packing.depths, live: live, levels: levels) else { continue }
            let perKeySwitch = b.levelsAfter != nil ? 1 : Self.keySwitchCost(levels: levels, ratio: 10, budget: costBudget, b) ?? Int.max / 4
            let cost = max(placement.ciphertexts, 1) * perKeySwitch
            if chosen.map({ (cost, placement.count) < ($0.cost, $0.placement.count) }) ?? true { chosen = (placement, cost) }
        }
        guard let placement = chosen?.placement else {
            throw fail("no placement of bootstraps fits \(b.levelsAfter ?? maxLevels) levels between them (a layer needs \(deepest))")
        }
        // q₀/Δ: room for the largest value a bootstrap refreshes.
        let maxima = packing.bounds.layerMaxima
        let refreshed = placement.after.map { $0 < maxima.count ? maxima[$0] : 1 }.max() ?? 1
        guard refreshed.isFinite else { throw fail("the value bounds at the bootstraps are not finite") }
        let ratio = b.messageRatio + max(0, Int(log2(max(refreshed, 1)).rounded(.up)))
        guard b.logScale + ratio <= 60 else {
            let layer = placement.after.first { $0 < maxima.count && maxima[$0] == refreshed } ?? 0
            throw fail(String(format: "values at the bootstrap after %%%@ may reach %.3g; a bootstrap needs them below 2^%d "
                              + "(q_0 of at most 60 bits over a 2^%d scale): scale the model down or give --calibration data",
                              layers[layer].name, refreshed, 60 - b.logScale - b.messageRatio, b.logScale))
        }
        let logQ = Self.bootstrapChain(levels: placement.levels, ratio: ratio, b)
        if !options.insecure, let budget, logQ.reduce(0, +) + 60 > budget {
            throw fail("the bootstrapping chain (log Q = \(logQ.reduce(0, +))) leaves no room for a special prime at 128-bit security")
        }
        try checkHeadroom(packing, placement: placement, first: logQ[0], scale: b.logScale, layers: layers, fail)
        var layerMaxima: [Double] = []
        var withBootstraps: [PlanLayer] = []
        for (index, layer) in layers.enumerated() {
            withBootstraps.append(layer)
            if index < maxima.count { layerMaxima.append(maxima[index]) }
            if placement.after.contains(index) {
                var step = b.step
                step.name = "bootstrap\(withBootstraps.filter { if case .bootstrap = $0 { return true } else { return false } }.count + 1)"
                step.slots = slots
                withBootstraps.append(.bootstrap(step))
                if index < maxima.count { layerMaxima.append(maxima[index]) }
            }
        }
        layers = withBootstraps
        var bounds = packing.bounds
        bounds.layerMaxima = layerMaxima
        let lowered = packing.lowered
        let plan = Plan(model: lowered.name, tile: tile,
                        parameters: CKKSParameterChoice(logN: b.logN, logQ: logQ, logP: [], logScale: b.logScale,
                                                        insecure: options.insecure),
                        inputFeatures: lowered.features, outputFeatures: packing.outputFeatures, layers: layers,
                        rotationSteps: Plan.rotationSteps(for: layers, tile: tile), depth: packing.depth,
                        inputPermutation: lowered.permutations.input, outputPermutation: lowered.permutations.output,
                        clientTail: lowered.tail, bounds: bounds)
        if options.shapeOnly { return plan }
        do { try plan.validate() } catch { throw fail("internal: \(error)") }
        return plan
    }

    /// Every layer's values fit the modulus at the level it ends on (as
    /// ``headroomViolation(_:depths:totalDepth:first:scale:)`` checks a leveled plan).
    func checkHeadroom(_ packing: Packing, placement: BootstrapPlacement, first: Int, scale: Int, layers: [PlanLayer],
                       _ fail: (String) -> PassError) throws(PassError) {
        var level = placement.levels
        for (index, maximum) in packing.bounds.layerMaxima.enumerated() where index < packing.depths.count {
            level -= packing.depths[index]
            let available = first + (level - 1) * scale - 1
            if !maximum.isFinite || log2(max(maximum, 1e-300)) >= Double(available) {
                throw fail(String(format: "values after %%%@ may reach %.3g but the bootstrapping chain holds at most 2^%d there: "
                                  + "scale the model down or compile with --calibration data for tighter bounds",
                                  layers[index].name, maximum, available))
            }
            if placement.after.contains(index) { level = placement.levels }
        }
    }

    /// The placement pass's estimate for a compiled plan: the number of
    /// bootstrap steps the dynamic program places for its layers at its levels
    /// between bootstraps (equal to the plan's bootstrap steps when the pass
    /// wrote it); `nil` for a plan without bootstraps.
    public static func bootstrapEstimate(_ plan: Plan) -> BootstrapPlacement? {
        guard plan.bootstraps else { return nil }
        var stripped = plan
        stripped.layers = plan.layers.filter { if case .bootstrap = $0 { return false } else { return true } }
        let live = stripped.layerCosts().map(\.outputCiphertexts)
        return BootstrapPlacement.place(depths: stripped.layers.map(Plan.depth(of:)), live: live, levels: plan.levelAfterBootstrap)
    }
}
