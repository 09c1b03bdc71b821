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
    private var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var index = 8

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
        if index == 8 { refill() }
        defer { index &+= 1 }
        switch index {
        case 0: return buffer.0
        case 1: return buffer.1
        case 2: return buffer.2
        case 3: return buffer.3
        case 4: return buffer.4
        case 5: return buffer.5
        case 6: return buffer.6
        default: return buffer.7
        }
    }

    /// One ChaCha20 block (RFC 8439 §2.3; 96-bit nonce fixed to the 64-bit block counter).
    private mutating func refill() {
        let s0: UInt32 = 0x6170_7865, s1: UInt32 = 0x3320_646E, s2: UInt32 = 0x7962_2D32, s3: UInt32 = 0x6B20_6574
        let (k0, k1, k2, k3, k4, k5, k6, k7) = key
        let c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
        counter &+= 1
        var x0 = s0, x1 = s1, x2 = s2, x3 = s3, x4 = k0, x5 = k1, x6 = k2, x7 = k3
        var x8 = k4, x9 = k5, x10 = k6, x11 = k7, x12 = c0, x13 = c1, x14: UInt32 = 0, x15: UInt32 = 0
        @inline(__always) func quarter(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
            a &+= b; d ^= a; d = d.rotl(16)
            c &+= d; b ^= c; b = b.rotl(12)
            a &+= b; d ^= a; d = d.rotl(8)
            c &+= d; b ^= c; b = b.rotl(7)
        }
        for _ in 0..<10 {
            quarter(&x0, &x4, &x8, &x12); quarter(&x1, &x5, &x9, &x13)
            quarter(&x2, &x6, &x10, &x14); quarter(&x3, &x7, &x11, &x15)
            quarter(&x0, &x5, &x10, &x15); quarter(&x1, &x6, &x11, &x12)
            quarter(&x2, &x7, &x8, &x13); quarter(&x3, &x4, &x9, &x14)
        }
        @inline(__always) func pair(_ lo: UInt32, _ hi: UInt32) -> UInt64 { UInt64(lo) | UInt64(hi) << 32 }
        buffer = (pair(x0 &+ s0, x1 &+ s1), pair(x2 &+ s2, x3 &+ s3), pair(x4 &+ k0, x5 &+ k1), pair(x6 &+ k2, x7 &+ k3),
                  pair(x8 &+ k4, x9 &+ k5), pair(x10 &+ k6, x11 &+ k7), pair(x12 &+ c0, x13 &+ c1), pair(x14, x15))
        index = 0
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotl(_ n: UInt32) -> UInt32 { (self << n) | (self >> (32 &- n)) }
}
