public import HepexcExecutor
public import HepexcPlan

/// CKKS arithmetic with one scale per level, so every ciphertext at level ℓ
/// has scale Δ_ℓ and additions never mismatch: Δ_L is the default scale and
/// Δ_{ℓ−1} = Δ_ℓ² / q_ℓ (the scale a ct×ct product of two level-ℓ operands has
/// after its rescale). Plaintext and constant factors are encoded so their
/// products land on Δ_{ℓ−1} too. Operations that need a level refresh their
/// operands first when they have none: by a client round trip
/// (`RefreshMode.client`) or by bootstrapping on the server
/// (`RefreshMode.bootstrap`, `LeveledEvaluator+Bootstrap.swift`). With
/// bootstrapping, L is the bootstrap's output level (the levels above it are
/// the bootstrap's own), and one level stays in reserve for scaling a value
/// into the bootstrap's range.
///
/// Every operation goes through a `CountingBackend`, so `counts` holds the
/// exact homomorphic operation counts; `ledger` holds refreshes and bytes.
public final class LeveledEvaluator<Base: HEBackend> {
    public typealias Ciphertext = Base.Ciphertext
    public let backend: CountingBackend<Base>
    public let refreshMode: RefreshMode
    /// The server's bootstrap (`RefreshMode.bootstrap`).
    public let bootstrapper: TrainingBootstrap<Ciphertext>?
    /// Δ_ℓ for ℓ = 0 … L (above L, for the bootstrap's levels: the default scale).
    public let scales: [Double]
    /// L: the level of fresh encryptions and of refreshed ciphertexts.
    public let topLevel: Int
    /// Ring degree N, for the byte counts (2·(ℓ+1)·N words per ciphertext).
    public let degree: Int
    public internal(set) var ledger = TrafficLedger()
    /// Wall-clock seconds spent in refreshes (client round trips or bootstraps).
    public internal(set) var refreshSeconds = 0.0
    /// The bootstraps' op-count model (`TrainingBootstrap.step`), added to `counts`.
    var bootstrapCounts = OpCounts()
    private var plaintextCache: [String: CountingBackend<Base>.Plaintext] = [:]

    /// - Parameter bootstrapper: required for `RefreshMode.bootstrap` (the
    ///   first refresh fails with `bootstrapNotPossible` without it).
    public init(_ base: Base, refreshMode: RefreshMode, bootstrapper: TrainingBootstrap<Ciphertext>? = nil) {
        backend = CountingBackend(base)
        self.refreshMode = refreshMode
        self.bootstrapper = refreshMode == .bootstrap ? bootstrapper : nil
        let top = refreshMode == .bootstrap ? min(base.maxLevel, max(0, bootstrapper?.levelAfter ?? base.maxLevel)) : base.maxLevel
        var scales = [Double](repeating: base.defaultScale, count: base.maxLevel + 1)
        if top > 0 {
            for level in stride(from: top, to: 0, by: -1) {
                scales[level - 1] = scales[level] * scales[level] / base.modulus(atLevel: level)
            }
        }
        self.scales = scales
        topLevel = top
        degree = 2 * base.slotCount
    }

    public var counts: OpCounts { backend.counts + bootstrapCounts }
    public var slotCount: Int { backend.slotCount }
    /// The top level L of the training (see ``topLevel``).
    public var maxLevel: Int { topLevel }
    public func level(_ ciphertext: Ciphertext) -> Int { backend.level(of: ciphertext) }

    /// Bytes of a ciphertext with `level + 1` limbs (two polynomials of N words).
    public func ciphertextBytes(level: Int) -> Int { 2 * (level + 1) * degree * 8 }

    func run<T>(_ body: () throws -> T) throws(PrivateTrainingError) -> T {
        do { return try body() } catch let error as PrivateTrainingError { throw error } catch {
            throw PrivateTrainingError.backend("\(error)")
        }
    }

    // MARK: The client's side

    /// A fresh encryption at the top level (client → server).
    public func encrypt(_ values: [Double]) throws(PrivateTrainingError) -> Ciphertext {
        ledger.bytesToServer += ciphertextBytes(level: maxLevel)
        return try run { try backend.encrypt(values, level: maxLevel, scale: scales[maxLevel]) }
    }

    /// Decrypts a ciphertext the server sent to the client.
    public func decrypt(_ ciphertext: Ciphertext) throws(PrivateTrainingError) -> [Double] {
        ledger.bytesToClient += ciphertextBytes(level: level(ciphertext))
        return try run { try backend.decrypt(ciphertext) }
    }

    /// A fresh ciphertext at the top level: a client round trip (decrypt and
    /// re-encrypt) or a server-side bootstrap, per `refreshMode`.
    ///
    /// - Parameter bound: with bootstrapping, the largest magnitude the
    ///   ciphertext can hold (default: the bootstrapper's B).
    ///   - valid: with bootstrapping, the slots that hold values (a 0/1 mask
    ///     and its cache key): the others are cleared on the way in, so
    ///     garbage there (an inverse of 0 grows without bound) cannot push
    ///     the bootstrap out of its range.
    public func refresh(_ ciphertext: Ciphertext, for operation: String, bound: Double? = nil,
                        valid: (mask: [Double], key: String)? = nil) throws(PrivateTrainingError) -> Ciphertext {
        switch refreshMode {
        case .none: throw PrivateTrainingError.outOfLevels(operation: operation)
        case .bootstrap: return try bootstrapRefresh(ciphertext, for: operation, bound: bound, valid: valid)
        case .client:
            ledger.refreshes += 1
            let clock = ContinuousClock(), start = clock.now
            defer { refreshSeconds += (clock.now - start).seconds }
            return try encrypt(decrypt(ciphertext))
        }
    }

    // MARK: Levels

    /// Levels kept below every operation: one with bootstrapping (the 1/B
    /// scaling into the bootstrap's range needs it), none otherwise.
    public var reservedLevels: Int { refreshMode == .bootstrap ? 1 : 0 }

    /// `ciphertext` with at least `levels` levels left (above the reserved
    /// ones), refreshed if needed; `bound`, `valid` as in ``refresh(_:for:bound:valid:)``.
    public func ensure(_ ciphertext: Ciphertext, levels: Int, for operation: String, bound: Double? = nil,
                       valid: (mask: [Double], key: String)? = nil) throws(PrivateTrainingError) -> Ciphertext {
        if level(ciphertext) >= levels + reservedLevels { return ciphertext }
        let fresh = try refresh(ciphertext, for: operation, bound: bound, valid: valid)
        if refreshMode == .bootstrap, level(fresh) < levels + reservedLevels {
            throw PrivateTrainingError.bootstrapNotPossible("\(operation) needs \(levels + reservedLevels) levels but a "
                + "bootstrap leaves \(level(fresh)); use a longer chain")
        }
        return fresh
    }

    /// Moves a ciphertext down to `target` (one ct×constant 1 and one rescale
    /// when it is above it, landing exactly on Δ_target).
    public func lower(_ ciphertext: Ciphertext, to target: Int) throws(PrivateTrainingError) -> Ciphertext {
        let current = level(ciphertext)
        guard current > target else { return ciphertext }
        return try run {
            let dropped = current > target + 1 ? try backend.dropLevel(ciphertext, to: target + 1) : ciphertext
            let factor = scales[target] * backend.modulus(atLevel: target + 1) / backend.scale(of: dropped)
            return try backend.rescale(backend.multiply(dropped, constant: 1, scale: factor))
        }
    }

    func aligned(_ a: Ciphertext, _ b: Ciphertext) throws(PrivateTrainingError) -> (Ciphertext, Ciphertext) {
        let target = min(level(a), level(b))
        return (try lower(a, to: target), try lower(b, to: target))
    }

    // MARK: Arithmetic

    public func add(_ a: Ciphertext, _ b: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        let (x, y) = try aligned(a, b)
        return try run { try backend.add(x, y) }
    }

    /// Σ of a non-empty list.
    public func sum(_ terms: [Ciphertext]) throws(PrivateTrainingError) -> Ciphertext {
        guard var total = terms.first else { throw PrivateTrainingError.backend("internal: sum of no ciphertexts") }
        for term in terms.dropFirst() { total = try add(total, term) }
        return total
    }

    public func add(_ a: Ciphertext, constant: Double) throws(PrivateTrainingError) -> Ciphertext {
        try run { try backend.add(a, constant: constant) }
    }

    /// `a + values` slot-wise; `key` names the vector for the plaintext cache.
    public func add(_ a: Ciphertext, plain values: [Double], key: String) throws(PrivateTrainingError) -> Ciphertext {
        let plain = try plaintext(values, key: "+" + key, level: level(a), scale: scales[level(a)], purpose: .constant)
        return try run { try backend.add(a, plain: plain) }
    }

    /// `a ⊙ b`, relinearized and rescaled (one level).
    public func multiply(_ a: Ciphertext, _ b: Ciphertext) throws(PrivateTrainingError) -> Ciphertext {
        let x = try ensure(a, levels: 1, for: "ct×ct multiply")
        let y = try ensure(b, levels: 1, for: "ct×ct multiply")
        let (l, r) = try aligned(x, y)
        return try run { try backend.rescale(backend.multiply(l, r)) }
    }

    /// `Σ_i a_i ⊙ b_i`, relinearized once and rescaled (one level): cheaper than
    /// summing `multiply` results, which key-switch every product.
    public func innerProduct(_ a: [Ciphertext], _ b: [Ciphertext]) throws(PrivateTrainingError) -> Ciphertext {
        guard !a.isEmpty, a.count == b.count else {
            throw PrivateTrainingError.backend("internal: inner product of \(a.count) and \(b.count) ciphertexts")
        }
        let ready = try (a + b).map { ct throws(PrivateTrainingError) in try ensure(ct, levels: 1, for: "ct×ct multiply") }
        let target = ready.map(level).min() ?? 0
        let lowered = try ready.map { ct throws(PrivateTrainingError) in try lower(ct, to: target) }
        return try run { try backend.rescale(backend.innerProduct(Array(lowered[..<a.count]), Array(lowered[a.count...]))) }
    }

    public func square(_ a: Ciphertext) throws(PrivateTrainingError) -> Ciphertext { try multiply(a, a) }

    /// `constant · a`, rescaled (one level).
    public func multiply(_ a: Ciphertext, constant: Double) throws(PrivateTrainingError) -> Ciphertext {
        let x = try ensure(a, levels: 1, for: "ct×constant multiply")
        let l = level(x)
        let factor = scales[l - 1] * backend.modulus(atLevel: l) / scales[l]
        return try run { try backend.rescale(backend.multiply(x, constant: constant, scale: factor)) }
    }

    /// `a ⊙ values`, rescaled (one level); `key` names the vector for the
    /// cache, nil encodes it afresh (vectors that change every step).
    public func multiply(_ a: Ciphertext, plain values: [Double], key: String?,
                         purpose: PlaintextPurpose = .mask) throws(PrivateTrainingError) -> Ciphertext {
        let x = try ensure(a, levels: 1, for: "ct×pt multiply")
        let l = level(x)
        let factor = scales[l - 1] * backend.modulus(atLevel: l) / scales[l]
        let plain: CountingBackend<Base>.Plaintext
        if let key {
            plain = try plaintext(values, key: key, level: l, scale: factor, purpose: purpose)
        } else {
            plain = try run { try backend.encode(values, level: l, scale: factor, purpose: purpose) }
        }
        return try run { try backend.rescale(backend.multiply(x, plain: plain)) }
    }

    /// Left rotation by `steps` (negative: right).
    public func rotate(_ a: Ciphertext, by steps: Int) throws(PrivateTrainingError) -> Ciphertext {
        let n = slotCount
        let left = ((steps % n) + n) % n
        guard left != 0 else { return a }
        return try run { try backend.rotate(a, by: left) }
    }

    /// Several rotations of one ciphertext (hoisted where the backend can).
    public func rotations(_ a: Ciphertext, by steps: [Int]) throws(PrivateTrainingError) -> [Ciphertext] {
        let n = slotCount
        let lefts = steps.map { ((($0 % n) + n) % n) }
        let nonzero = lefts.filter { $0 != 0 }
        let rotated = nonzero.isEmpty ? [] : try run { try backend.rotations(a, by: nonzero) }
        var iterator = rotated.makeIterator()
        return lefts.map { $0 == 0 ? a : (iterator.next() ?? a) }
    }

    /// Σ over `count` (a power of two) positions `stride` apart:
    /// log2(count) rotate-and-adds; `stride < 0` sums to the right.
    public func rotateAndSum(_ a: Ciphertext, count: Int, stride: Int) throws(PrivateTrainingError) -> Ciphertext {
        var total = a
        var step = 1
        while step < count {
            total = try add(total, rotate(total, by: step * stride))
            step <<= 1
        }
        return total
    }

    /// Σᵢ rot(partsᵢ, −i): part i shifted right by i slots, by a binary tree
    /// (stage k adds the right neighbour rotated right by 2ᵏ): n − 1
    /// rotations by the keys 1, 2, 4, …, and n − 1 additions.
    public func shiftedSum(_ parts: [Ciphertext]) throws(PrivateTrainingError) -> Ciphertext {
        var parts = parts
        var shift = 1
        while shift < parts.count {
            for i in Swift.stride(from: 0, to: parts.count - shift, by: 2 * shift) {
                parts[i] = try add(parts[i], rotate(parts[i + shift], by: -shift))
            }
            shift <<= 1
        }
        guard let total = parts.first else { throw PrivateTrainingError.backend("internal: shifted sum of no ciphertexts") }
        return total
    }

    func plaintext(_ values: [Double], key: String, level: Int, scale: Double,
                   purpose: PlaintextPurpose) throws(PrivateTrainingError) -> CountingBackend<Base>.Plaintext {
        let cacheKey = "\(key)@\(level)"
        if let cached = plaintextCache[cacheKey] { return cached }
        if plaintextCache.count > 1024 { plaintextCache.removeAll(keepingCapacity: true) }
        let plain = try run { try backend.encode(values, level: level, scale: scale, purpose: purpose) }
        plaintextCache[cacheKey] = plain
        return plain
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
