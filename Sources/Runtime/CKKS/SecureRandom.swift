/// The runtime's randomness: ChaCha20 (RFC 8439 block function) keyed with 256 bits.
///
/// By default the key comes from `SystemRandomNumberGenerator`, which reads the
/// operating system CSPRNG (`getrandom(2)` on Linux, `arc4random_buf` on Darwin).
/// Each `next()` on the system generator is a system call, so the runtime draws one
/// key per generator and expands it with ChaCha20. A fixed seed (`init(seed:)`) gives
/// reproducible streams for tests only.
public struct SecureRandom: RandomNumberGenerator, Sendable {
    private var key: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private var counter: UInt64 = 0
    /// Eight ChaCha20 blocks (counters `counter − 8 … counter − 1`), in stream order.
    private var buffer: [UInt64] = []
    private var index = 0

    /// Keys ChaCha20 from the system CSPRNG.
    public init() {
        var system = SystemRandomNumberGenerator()
        let a = system.next(), b = system.next(), c = system.next(), d = system.next()
        key = (UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: a >> 32),
               UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32),
               UInt32(truncatingIfNeeded: c), UInt32(truncatingIfNeeded: c >> 32),
               UInt32(truncatingIfNeeded: d), UInt32(truncatingIfNeeded: d >> 32))
    }

    /// A deterministic stream (tests and known-answer checks only).
    public init(seed: UInt64) {
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32), 0, 0, 0, 0, 0, 0x7465_7374)
    }

    /// The all-zero key (RFC 8439 test vectors only).
    public init(zeroKeyForTesting: Void) {
        key = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    public mutating func next() -> UInt64 {
        if index == buffer.count { refill() }
        defer { index &+= 1 }
        return buffer[index]
    }

    /// Eight ChaCha20 blocks at once (RFC 8439 §2.3; 96-bit nonce fixed to the
    /// 64-bit block counter), one block per SIMD lane: the same stream as one
    /// block at a time, block `counter + lane` in lane `lane`, emitted in
    /// counter order.
    private mutating func refill() {
        typealias V = SIMD8<UInt32>
        let s0: UInt32 = 0x6170_7865, s1: UInt32 = 0x3320_646E, s2: UInt32 = 0x7962_2D32, s3: UInt32 = 0x6B20_6574
        let (k0, k1, k2, k3, k4, k5, k6, k7) = key
        var c0 = V(repeating: 0), c1 = V(repeating: 0)
        for lane in 0..<8 {
            let c = counter &+ UInt64(lane)
            c0[lane] = UInt32(truncatingIfNeeded: c)
            c1[lane] = UInt32(truncatingIfNeeded: c >> 32)
        }
        counter &+= 8
        let initial: [V] = [V(repeating: s0), V(repeating: s1), V(repeating: s2), V(repeating: s3),
                            V(repeating: k0), V(repeating: k1), V(repeating: k2), V(repeating: k3),
                            V(repeating: k4), V(repeating: k5), V(repeating: k6), V(repeating: k7),
                            c0, c1, V(repeating: 0), V(repeating: 0)]
        var x0 = initial[0], x1 = initial[1], x2 = initial[2], x3 = initial[3]
        var x4 = initial[4], x5 = initial[5], x6 = initial[6], x7 = initial[7]
        var x8 = initial[8], x9 = initial[9], x10 = initial[10], x11 = initial[11]
        var x12 = initial[12], x13 = initial[13], x14 = initial[14], x15 = initial[15]
        @inline(__always) func rotl(_ v: V, _ n: UInt32) -> V { (v &<< n) | (v &>> (32 &- n)) }
        @inline(__always) func quarter(_ a: inout V, _ b: inout V, _ c: inout V, _ d: inout V) {
            a &+= b; d ^= a; d = rotl(d, 16)
            c &+= d; b ^= c; b = rotl(b, 12)
            a &+= b; d ^= a; d = rotl(d, 8)
            c &+= d; b ^= c; b = rotl(b, 7)
        }
        for _ in 0..<10 {
            quarter(&x0, &x4, &x8, &x12); quarter(&x1, &x5, &x9, &x13)
            quarter(&x2, &x6, &x10, &x14); quarter(&x3, &x7, &x11, &x15)
            quarter(&x0, &x5, &x10, &x15); quarter(&x1, &x6, &x11, &x12)
            quarter(&x2, &x7, &x8, &x13); quarter(&x3, &x4, &x9, &x14)
        }
        let words = [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15]
        if buffer.count != 64 { buffer = [UInt64](repeating: 0, count: 64) }
        for w in 0..<8 {
            let lo = words[2 * w] &+ initial[2 * w], hi = words[2 * w + 1] &+ initial[2 * w + 1]
            for lane in 0..<8 { buffer[lane * 8 + w] = UInt64(lo[lane]) | UInt64(hi[lane]) << 32 }
        }
        index = 0
    }
}

