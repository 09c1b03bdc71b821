import HepexcModArith
import HepexcRing

extension CKKSParameters {
    /// Serializes the literal and the generated primes.
    public func serialized() -> [UInt8] {
        var payload: [UInt64] = [UInt64(logN), UInt64(literal.logScale), UInt64(digitCount), literal.insecure ? 1 : 0,
                                 UInt64(literal.logQ.count)]
        payload += literal.logQ.map(UInt64.init)
        payload.append(UInt64(literal.logP.count))
        payload += literal.logP.map(UInt64.init)
        payload += ciphertextModuli + specialModuli
        return Container.encode(.parameters, parameterHash: parameterHash, payload: payload)
    }

    /// Loads and re-validates parameters; the primes must regenerate identically.
    /// - Throws: `HEError` for corrupted data or parameters that no longer validate.
    public init(deserializing bytes: [UInt8]) throws {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .parameters, parameterHash: nil))
        let logN = try r.int("logN", in: 2...16)
        let logScale = try r.int("logScale", in: 1...200)
        let digits = try r.int("digits", in: 1...4096)
        let insecure = try r.int("insecure flag", in: 0...1) == 1
        let logQ = try r.words(r.int("logQ count", in: 1...4096), "logQ").map { Int(truncatingIfNeeded: $0) }
        let logP = try r.words(r.int("logP count", in: 0...4096), "logP").map { Int(truncatingIfNeeded: $0) }
        let primes = Array(try r.words(logQ.count + logP.count, "primes"))
        try r.finish()
        try self.init(Literal(logN: logN, logQ: logQ, logP: logP, logScale: logScale, digits: digits, insecure: insecure))
        guard ciphertextModuli + specialModuli == primes else {
            throw HEError.corruptedData("stored primes differ from the regenerated ones")
        }
    }
}

extension CKKSContext {
    /// Reads `count` residues per limb for `ring`, checking each is reduced.
    func readResidues(_ r: inout PayloadReader, ring: RingContext, what: String) throws -> [UInt64] {
        let n = ring.degree
        let data = Array(try r.words(ring.limbCount * n, what))
        for (limb, q) in ring.moduli.enumerated() {
            for k in 0..<n where data[limb * n + k] >= q.value {
                throw HEError.corruptedData("\(what): residue not reduced modulo q_\(limb)")
            }
        }
        return data
    }

    var hash: UInt64 { parameters.parameterHash }
}

extension Ciphertext {
    /// Serializes this ciphertext (size, level, scale, residues).
    public func serialized(context: CKKSContext) -> [UInt8] {
        var payload: [UInt64] = [UInt64(size), UInt64(level), scale.bitPattern]
        for p in polys { payload += p.data }
        return Container.encode(.ciphertext, parameterHash: context.hash, payload: payload)
    }

    /// - Throws: `HEError` on corruption, another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .ciphertext, parameterHash: context.hash))
        let size = try r.int("size", in: 2...3)
        let level = try r.int("level", in: 0...context.parameters.maxLevel)
        let scale = Double(bitPattern: try r.next("scale"))
        guard scale.isFinite, scale > 0 else { throw HEError.corruptedData("scale \(scale)") }
        let ring = context.levels[level]
        var polys: [Poly<Eval>] = []
        for i in 0..<size {
            polys.append(Poly<Eval>(context: ring, data: try context.readResidues(&r, ring: ring, what: "polynomial \(i)")))
        }
        try r.finish()
        self.init(polys: polys, scale: scale)
    }
}

extension Plaintext {
    /// Serializes this plaintext (level, scale, residues).
    public func serialized(context: CKKSContext) -> [UInt8] {
        Container.encode(.plaintext, parameterHash: context.hash, payload: [UInt64(level), scale.bitPattern] + poly.data)
    }

    /// - Throws: `HEError` on corruption, another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .plaintext, parameterHash: context.hash))
        let level = try r.int("level", in: 0...context.parameters.maxLevel)
        let scale = Double(bitPattern: try r.next("scale"))
        guard scale.isFinite, scale > 0 else { throw HEError.corruptedData("scale \(scale)") }
        let ring = context.levels[level]
        let data = try context.readResidues(&r, ring: ring, what: "plaintext")
        try r.finish()
        self.init(poly: Poly<Eval>(context: ring, data: data), scale: scale)
    }
}

extension SecretKey {
    /// Serializes the secret key into its own file type ("HXSK"). Keep it on the client.
    public func serialized(context: CKKSContext) -> [UInt8] {
        Container.encode(.secretKey, parameterHash: context.hash, payload: poly.data)
    }

    /// - Throws: `HEError` on corruption, another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .secretKey, parameterHash: context.hash))
        let data = try context.readResidues(&r, ring: context.keyRing, what: "secret key")
        try r.finish()
        self.init(poly: Poly<Eval>(context: context.keyRing, data: data), parameterHash: context.hash)
    }
}

extension PublicKey {
    /// Serializes the public key.
    public func serialized(context: CKKSContext) -> [UInt8] {
        Container.encode(.publicKey, parameterHash: context.hash, payload: b.data + a.data)
    }

    /// - Throws: `HEError` on corruption, another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var r = PayloadReader(words: try Container.decode(bytes, expecting: .publicKey, parameterHash: context.hash))
        let ring = context.levels[context.parameters.maxLevel]
        let b = try context.readResidues(&r, ring: ring, what: "public key b")
        let a = try context.readResidues(&r, ring: ring, what: "public key a")
        try r.finish()
        self.init(b: Poly<Eval>(context: ring, data: b), a: Poly<Eval>(context: ring, data: a), parameterHash: context.hash)
    }
}

extension RelinearizationKey {
    /// Serializes the relinearization key (format version 2 when it is level-trimmed, else 1).
    public func serialized(context: CKKSContext) -> [UInt8] {
        let version = KeySwitchKey.formatVersion([key], context: context)
        return Container.encode(.relinearizationKey, parameterHash: context.hash, payload: key.payload(version: version),
                                version: version)
    }

    /// Reads format version 1 (a full key) or 2 (a key with its level).
    /// - Throws: `HEError` on corruption, another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        let (version, words) = try Container.decodeVersioned(bytes, expecting: .relinearizationKey, parameterHash: context.hash,
                                                             versions: KeySwitchKey.formatVersions)
        var r = PayloadReader(words: words)
        let key = try KeySwitchKey.read(&r, context: context, version: version)
        try r.finish()
        self.init(key: key)
    }
}

extension GaloisKeys {
    /// Serializes the Galois keys (count, then Galois element and key for each), as format
    /// version 2 when any key is level-trimmed, else 1.
    public func serialized(context: CKKSContext) -> [UInt8] {
        let version = KeySwitchKey.formatVersion(Array(keys.values), context: context)
        var payload: [UInt64] = [UInt64(keys.count)]
        for g in galoisElements {
            guard let key = keys[g] else { continue }
            payload.append(UInt64(g))
            payload += key.payload(version: version)
        }
        return Container.encode(.galoisKeys, parameterHash: context.hash, payload: payload, version: version)
    }

    /// Reads format version 1 (full keys) or 2 (each key with its level).
    /// - Throws: `HEError` on corruption, another kind of file or other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        let (version, words) = try Container.decodeVersioned(bytes, expecting: .galoisKeys, parameterHash: context.hash,
                                                             versions: KeySwitchKey.formatVersions)
        var r = PayloadReader(words: words)
        let twoN = 2 * context.parameters.degree
        let count = try r.int("key count", in: 0...context.parameters.degree)
        var keys: [Int: KeySwitchKey] = [:]
        for _ in 0..<count {
            let g = try r.int("Galois element", in: 1...(twoN - 1))
            guard g % 2 == 1, keys[g] == nil else { throw HEError.corruptedData("Galois element \(g)") }
            keys[g] = try KeySwitchKey.read(&r, context: context, version: version)
        }
        try r.finish()
        self.init(keys: keys)
    }
}
