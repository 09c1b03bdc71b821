internal import CHepexcVector
import HepexcRing

/// The runtime's randomness: ChaCha20 (RFC 8439 block function) keyed with 256 bits.
///
/// By default the key comes from `SystemRandomNumberGenerator`, which reads the
/// operating system CSPRNG (`getrandom(2)` on Linux, `arc4random_buf` on Darwin).
/// Each `next()` on the system generator is a system call, so the runtime draws one
/// key per generator and expands it with ChaCha20. A fixed seed (`init(seed:)`) gives
/// reproducible streams for tests only.
///
/// Blocks are made ``blocksPerRefill`` at a time — by the AVX-512 (16 blocks) or AVX2 (8 blocks)
/// kernels of `CHepexcVector` where the CPU has them, else by the Swift block function — and
/// handed out in counter order: the stream is the same words at every level.
public struct SecureRandom: RandomNumberGenerator, Sendable {
    /// ChaCha20 blocks generated per refill (one AVX-512 batch).
    static let blocksPerRefill = 16

    var key: [UInt32]
    var counter: UInt64 = 0
    var buffer: [UInt64]
    var index: Int
    /// The level the blocks are made at (fixed per generator: tests force it with `VectorISA.override`).
    let level: VectorISA

    /// Keys ChaCha20 from the system CSPRNG.
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(keyWords: [system.next(), system.next(), system.next(), system.next()])
    }

    /// A deterministic stream (tests and known-answer checks only).
    public init(seed: UInt64) {
        self.init(key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32), 0, 0, 0, 0, 0, 0x7465_7374])
    }

    /// The all-zero key (RFC 8439 test vectors only).
    public init(zeroKeyForTesting: Void) {
        self.init(key: [UInt32](repeating: 0, count: 8))
    }

    /// ChaCha20 keyed by four 64-bit words (little-endian: word i gives key words 2i, 2i + 1).
    init(keyWords words: [UInt64]) {
        self.init(key: words.flatMap { [UInt32(truncatingIfNeeded: $0), UInt32(truncatingIfNeeded: $0 >> 32)] })
    }

    init(key: [UInt32]) {
        self.key = key
        self.buffer = [UInt64](repeating: 0, count: 8 * Self.blocksPerRefill)
        self.index = buffer.count
        self.level = Self.chachaLevel
    }

    /// The ChaCha20 level: `VectorISA.override` (capped at the CPU's) in tests, else the C
    /// dispatcher's (the best supported, AVX2 included, capped by `HEPEXC_ISA`).
    static var chachaLevel: VectorISA {
        if let forced = VectorISA.override { return min(forced, VectorISA.supported) }
        return VectorISA(rawValue: Int(hepexc_chacha_isa())) ?? .scalar
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        if index == buffer.count { refill() }
        defer { index &+= 1 }
        return buffer[index]
    }
}

extension UInt32 {
    @inline(__always) func rotl(_ n: UInt32) -> UInt32 { (self << n) | (self >> (32 &- n)) }
}
