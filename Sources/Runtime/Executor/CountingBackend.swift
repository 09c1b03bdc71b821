internal import Foundation
public import HepexcPlan

/// Wraps a backend and counts every operation it performs, by kind.
public struct CountingBackend<Base: HEBackend>: HEBackend {
    public struct Plaintext: Sendable {
        public var base: Base.Plaintext
        public var purpose: PlaintextPurpose
    }
    public typealias Ciphertext = Base.Ciphertext

    public let base: Base
    private let counter = Counter()

    public init(_ base: Base) { self.base = base }

    /// The operations performed so far.
    public var counts: OpCounts { counter.value }
    public func resetCounts() { counter.update { $0 = OpCounts() } }

    public var slotCount: Int { base.slotCount }
    public var maxLevel: Int { base.maxLevel }
    public var defaultScale: Double { base.defaultScale }
    public func modulus(atLevel level: Int) -> Double { base.modulus(atLevel: level) }
    public func level(of ciphertext: Ciphertext) -> Int { base.level(of: ciphertext) }
    public func scale(of ciphertext: Ciphertext) -> Double { base.scale(of: ciphertext) }

    public func encode(_ values: [Double], level: Int, scale: Double, purpose: PlaintextPurpose) throws -> Plaintext {
        Plaintext(base: try base.encode(values, level: level, scale: scale, purpose: purpose), purpose: purpose)
    }
    public func encrypt(_ values: [Double], level: Int, scale: Double) throws -> Ciphertext {
        try base.encrypt(values, level: level, scale: scale)
    }
    public func decrypt(_ ciphertext: Ciphertext) throws -> [Double] { try base.decrypt(ciphertext) }

    public func add(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        counter.update { $0.additions += 1 }
        return try base.add(lhs, rhs)
    }
    public func add(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        counter.update { $0.plainAdditions += 1 }
        return try base.add(ciphertext, plain: plain.base)
    }
    public func add(_ ciphertext: Ciphertext, constant: Double) throws -> Ciphertext {
        counter.update { $0.plainAdditions += 1 }
        return try base.add(ciphertext, constant: constant)
    }
    public func multiply(_ ciphertext: Ciphertext, plain: Plaintext) throws -> Ciphertext {
        counter.update { if plain.purpose == .mask { $0.maskMultiplies += 1 } else { $0.plainMultiplies += 1 } }
        return try base.multiply(ciphertext, plain: plain.base)
    }
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], _ plaintexts: [Plaintext]) throws -> Ciphertext {
        counter.update {
            $0.plainMultiplies += ciphertexts.count
            $0.additions += max(ciphertexts.count - 1, 0)
        }
        return try base.multiplyAccumulate(ciphertexts, plaintexts.map(\.base))
    }
    public func innerProduct(_ lhs: [Ciphertext], _ rhs: [Ciphertext]) throws -> Ciphertext {
        counter.update {
            $0.cipherMultiplies += lhs.count
            $0.additions += max(lhs.count - 1, 0)
        }
        return try base.innerProduct(lhs, rhs)
    }
    public func multiply(_ lhs: Ciphertext, _ rhs: Ciphertext) throws -> Ciphertext {
        counter.update { $0.cipherMultiplies += 1 }
        return try base.multiply(lhs, rhs)
    }
    public func multiply(_ ciphertext: Ciphertext, constant: Double, scale: Double) throws -> Ciphertext {
        counter.update { $0.constantMultiplies += 1 }
        return try base.multiply(ciphertext, constant: constant, scale: scale)
    }
    public func multiplyAccumulate(_ ciphertexts: [Ciphertext], constants: [Double], scale: Double) throws -> Ciphertext {
        counter.update {
            $0.constantMultiplies += ciphertexts.count
            $0.additions += max(ciphertexts.count - 1, 0)
        }
        return try base.multiplyAccumulate(ciphertexts, constants: constants, scale: scale)
    }
    public func rescale(_ ciphertext: Ciphertext) throws -> Ciphertext {
        counter.update { $0.rescales += 1 }
        return try base.rescale(ciphertext)
    }
    public func dropLevel(_ ciphertext: Ciphertext, to level: Int) throws -> Ciphertext {
        counter.update { $0.levelDrops += 1 }
        return try base.dropLevel(ciphertext, to: level)
    }
    public func rotate(_ ciphertext: Ciphertext, by steps: Int) throws -> Ciphertext {
        counter.update { $0.rotations += 1 }
        return try base.rotate(ciphertext, by: steps)
    }

    public func rotations(_ ciphertext: Ciphertext, by steps: [Int]) throws -> [Ciphertext] {
        counter.update { $0.rotations += steps.count }
        return try base.rotations(ciphertext, by: steps)
    }

    public func prepareBootstrap(_ step: BootstrapStep) throws { try base.prepareBootstrap(step) }
    /// One bootstrap, with the key switches and products of its op-count model.
    public func bootstrap(_ ciphertext: Ciphertext, _ step: BootstrapStep, bound: Double) throws -> Ciphertext {
        counter.update {
            $0.bootstraps += 1
            $0.bootstrapRotations += step.rotationsPerCiphertext
            $0.bootstrapMultiplies += step.multipliesPerCiphertext
        }
        return try base.bootstrap(ciphertext, step, bound: bound)
    }
}

/// A lock-protected `OpCounts` shared by copies of a `CountingBackend`.
final class Counter: @unchecked Sendable {
    private var counts = OpCounts()
    private let lock = NSLock()

    var value: OpCounts {
        lock.lock(); defer { lock.unlock() }
        return counts
    }

    func update(_ body: (inout OpCounts) -> Void) {
        lock.lock(); defer { lock.unlock() }
        body(&counts)
    }
}
