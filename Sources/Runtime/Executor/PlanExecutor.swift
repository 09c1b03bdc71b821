internal import Foundation
public import HepexcPlan
internal import HepexcRing

/// Runs a plan on one batch tile of encrypted inputs, on any backend.
///
/// Weight plaintexts are encoded as ``WeightEncoding`` says: all once, at
/// construction, and kept (`.cached`, a server answering many requests), or
/// each just before its multiply-accumulate and freed after (`.streamed`,
/// one batch with the least memory). Masks are encoded at construction;
/// biases on first use at the scale the data reaches. A tile whose value is known in the clear (a tile row with no
/// surviving weights gives bias only) stays a cleartext slot vector and
/// costs no homomorphic operation.
public final class PlanExecutor<Backend: HEBackend>: @unchecked Sendable {
    public enum Tile: @unchecked Sendable {
        case cipher(Backend.Ciphertext)
        case plain([Double])
    }

    public let plan: Plan
    public let backend: Backend
    public let layout: TileLayout
    /// Weights are ciphertexts (the model owner's privacy) instead of plaintexts.
    public let encryptedWeights: Bool
    /// Worker threads for independent output tiles.
    public let threads: Int
    /// How weight plaintexts are held (encrypted weights are always cached).
    public let weightEncoding: WeightEncoding
    /// With `.cached`: at most this many bytes of encoded weight plaintexts
    /// (``PlanExecutor/plaintextBytes(level:)`` each) are kept; the layers at
    /// the lowest levels are cached first and the tiles past the budget are
    /// streamed. `nil`: no limit.
    public let weightCacheBytes: Int?
    /// Whether some weight tile is encoded during `run` (then every
    /// multiply-accumulate fetches its weights ``streamBlock`` at a time).
    private(set) var streamsWeights = false

    enum Operand { case plain(Backend.Plaintext), cipher(Backend.Ciphertext) }
    /// Per layer: the operands of its first stored tiles (aligned with
    /// `tiles`; the rest, or all when streamed, are encoded on use), the mask.
    var weights: [[Operand]] = []
    var masks: [Backend.Plaintext?] = []
    var inputLevels: [Int] = []
    private var biasCache: [String: Backend.Plaintext] = [:]
    private let lock = NSLock()

    /// - Parameters:
    ///   - weightEncoding: `.cached` (default) encodes every weight tile here
    ///     (up to `weightCacheBytes`); `.streamed` encodes them during each `run`.
    /// - Throws: `ExecutorError.input` when the backend does not fit the plan.
    public init(plan: Plan, backend: Backend, encryptedWeights: Bool = false, threads: Int = 1,
                weightEncoding: WeightEncoding = .cached, weightCacheBytes: Int? = nil) throws {
        self.plan = plan
        self.backend = backend
        self.layout = TileLayout(plan: plan)
        self.encryptedWeights = encryptedWeights
        self.threads = max(1, threads)
        self.weightEncoding = encryptedWeights ? .cached : weightEncoding
        self.weightCacheBytes = encryptedWeights ? nil : weightCacheBytes.map { max(0, $0) }
        guard backend.slotCount == plan.tile.slotCount else {
            throw ExecutorError.input("the backend has \(backend.slotCount) slots, the plan's tiles \(plan.tile.slotCount)")
        }
        if plan.bootstraps {
            guard backend.maxLevel == plan.parameters.maxLevel else {
                throw ExecutorError.input("the plan bootstraps on a chain of \(plan.parameters.maxLevel) levels, the backend has \(backend.maxLevel)")
            }
        } else {
            guard plan.depth <= backend.maxLevel else {
                throw ExecutorError.input("the plan needs \(plan.depth) levels, the parameters give \(backend.maxLevel)")
            }
        }
        try prepare()
    }

    /// The level inputs are encrypted at: the top, or with bootstraps the
    /// level a bootstrap lands on (``Plan/inputLevel``).
    public var inputLevel: Int { plan.bootstraps ? plan.inputLevel : backend.maxLevel }

    private func prepare() throws {
        var level = inputLevel
        if let step = plan.bootstrapSteps.first { try backend.prepareBootstrap(step) }
        let cachedCounts = cachedTileCounts()
        for (index, layer) in plan.layers.enumerated() {
            inputLevels.append(level)
            switch layer {
            case .fullyConnected(let fc):
                let tileLevel = level
                let schedule = self.schedule(fc)
                let cached = cachedCounts[index]
                if cached < fc.tiles.count { streamsWeights = true }
                weights.append(try parallelMap(Array(fc.tiles.prefix(cached))) { tile in
                    try self.makeOperand(fc, tile, schedule: schedule, level: tileLevel)
                })
                if fc.form == .typeA && !fc.isLast {
                    masks.append(try backend.encode(layout.maskSlots, level: level - 1,
                                                    scale: backend.modulus(atLevel: level - 1), purpose: .mask))
                } else {
                    masks.append(nil)
                }
                level -= fc.depth
            case .polynomial(let poly):
                weights.append([])
                masks.append(nil)
                level -= poly.depth
            case .packed(let packed):
                weights.append([])
                masks.append(nil)
                level -= packed.depth
            case .bootstrap:
                weights.append([])
                masks.append(nil)
                level = plan.levelAfterBootstrap
            }
        }
    }

    /// How many leading tiles of each layer are encoded at construction:
    /// none when streamed, all when cached without a budget; with
    /// `weightCacheBytes`, the layers by increasing level (fewest limbs, the
    /// most tiles per byte) until the budget is spent.
    private func cachedTileCounts() -> [Int] {
        var counts = plan.layers.map { layer -> Int in
            guard case .fullyConnected(let fc) = layer, weightEncoding == .cached else { return 0 }
            return fc.tiles.count
        }
        guard weightEncoding == .cached, var budget = weightCacheBytes else { return counts }
        var level = inputLevel
        var dense: [(index: Int, level: Int)] = []
        for (index, layer) in plan.layers.enumerated() {
            if case .fullyConnected = layer { dense.append((index, level)) }
            switch layer {
            case .fullyConnected(let fc): level -= fc.depth
            case .polynomial(let poly): level -= poly.depth
            case .packed(let packed): level -= packed.depth
            case .bootstrap: level = plan.levelAfterBootstrap
            }
        }
        for (index, tileLevel) in dense.sorted(by: { ($0.level, $0.index) < ($1.level, $1.index) }) {
            let bytes = Self.plaintextBytes(level: tileLevel, logN: plan.parameters.logN)
            let affordable = bytes > 0 ? budget / bytes : counts[index]
            counts[index] = min(counts[index], affordable)
            budget -= counts[index] * bytes
        }
        return counts
    }

    /// Bytes of one encoded CKKS plaintext at `level` (one word per
    /// coefficient and limb): what a cached weight tile holds.
    public static func plaintextBytes(level: Int, logN: Int) -> Int {
        guard (0...30).contains(logN), level >= 0 else { return 0 }
        return (level + 1).multipliedReportingOverflow(by: 8 << logN).overflow ? Int.max : (level + 1) * (8 << logN)
    }

    /// Per layer, the weight tiles encoded at construction (the rest are
    /// encoded on use; 0 for layers without weights).
    public var cachedWeightTileCounts: [Int] { weights.map(\.count) }

    /// The baby-step giant-step schedule a layer's diagonal tiles are encoded for.
    func schedule(_ fc: FullyConnectedLayer) -> DiagonalSchedule {
        fc.form == .rowDiagonal ? fc.rowDiagonalSchedule(t2: plan.tile.t2) : fc.diagonalSchedule(t2: plan.tile.t2)
    }

    /// One weight tile as the layer at `level` multiplies it: a plaintext at
    /// scale `modulus(atLevel: level)` (so a rescale restores the data's
    /// scale), or a ciphertext for encrypted weights.
    func makeOperand(_ fc: FullyConnectedLayer, _ tile: WeightTile, schedule: DiagonalSchedule, level: Int) throws -> Operand {
        let slots: [Double]
        switch fc.form {
        case .diagonal: slots = layout.diagonalSlots(of: tile, schedule: schedule)
        case .rowDiagonal: slots = layout.rowDiagonalSlots(of: tile, schedule: schedule)
        case .typeA, .typeB: slots = layout.slots(of: tile)
        }
        let scale = backend.modulus(atLevel: level)
        if encryptedWeights { return .cipher(try backend.encrypt(slots, level: level, scale: scale)) }
        return .plain(try backend.encode(slots, level: level, scale: scale, purpose: .weight))
    }

    /// Stored tile `index` of layer `layerIndex`: the cached operand, or
    /// (streamed) freshly encoded.
    func operand(_ fc: FullyConnectedLayer, layerIndex: Int, tile index: Int, schedule: DiagonalSchedule) throws -> Operand {
        let cached = weights[layerIndex]
        if index < cached.count { return cached[index] }
        return try makeOperand(fc, fc.tiles[index], schedule: schedule, level: inputLevels[layerIndex])
    }

    /// Runs every layer on one batch tile's input ciphertexts (as many as the
    /// first layer's input tiles) and returns the last layer's output tiles.
    /// The inputs are taken over: a caller that passes its last reference
    /// (`run(consume inputs)`) lets polynomial and packed layers free each
    /// input tile after its last reader (``TileStore``).
    public func run(_ inputs: consuming [Backend.Ciphertext]) throws -> [Tile] {
        guard inputs.count == plan.firstInputTileCount else {
            throw ExecutorError.input("expected \(plan.firstInputTileCount) input ciphertexts, got \(inputs.count)")
        }
        if let stray = inputs.first(where: { backend.level(of: $0) != inputLevel }) {
            throw ExecutorError.input("an input ciphertext is at level \(backend.level(of: stray)); the plan takes fresh ones at level \(inputLevel)")
        }
        var tiles = inputs.map { Tile.cipher($0) }
        inputs = []
        for (index, layer) in plan.layers.enumerated() {
            switch layer {
            case .fullyConnected(let fc) where fc.form == .diagonal:
                guard tiles.count == fc.inputTileCount else {
                    throw ExecutorError.input("layer \(fc.name) (Type D) needs \(fc.inputTileCount) input tiles, got \(tiles.count)")
                }
                tiles = [try diagonal(fc, layerIndex: index, tiles)]
            case .fullyConnected(let fc) where fc.form == .rowDiagonal:
                guard tiles.count == fc.inputTileCount else {
                    throw ExecutorError.input("layer \(fc.name) (row diagonals) needs \(fc.inputTileCount) input tiles, got \(tiles.count)")
                }
                tiles = try rowDiagonal(fc, layerIndex: index, tiles)
            case .fullyConnected(let fc):
                tiles = try fullyConnected(fc, layerIndex: index, tiles)
            case .polynomial(let poly):
                tiles = try polynomialLayer(poly.schedule, consume tiles)
            case .packed(let packed):
                tiles = try self.packed(packed, consume tiles)
            case .bootstrap(let step):
                tiles = try bootstrap(step, layerIndex: index, tiles)
            }
        }
        return tiles
    }

    /// Encrypts the client's encoded input tiles (in parallel, on the
    /// executor's workers) at the top level and the default scale.
    public func encrypt(_ tiles: [[Double]]) throws -> [Backend.Ciphertext] {
        try parallelMap(tiles) { slots in
            try self.backend.encrypt(slots, level: self.inputLevel, scale: self.backend.defaultScale)
        }
    }

    /// Weight tiles encoded and multiplied together when streaming (the
    /// plaintexts alive per worker).
    static var streamBlock: Int { 16 }

    /// `body` over `items` on up to `threads` workers, results in order.
    func parallelMap<T, R>(_ items: [T], _ body: (T) throws -> R) throws -> [R] {
        try Parallelism(threads: threads).map(items, body)
    }

    func cachedBias(_ key: String, _ make: () throws -> Backend.Plaintext) rethrows -> Backend.Plaintext {
        lock.lock()
        if let cached = biasCache[key] { lock.unlock(); return cached }
        lock.unlock()
        let plaintext = try make()
        lock.lock(); biasCache[key] = plaintext; lock.unlock()
        return plaintext
    }
}
