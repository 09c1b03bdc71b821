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
    /// Eight consecutive blocks (64 words of 64 bits), computed side by side.
    private var buffer = SIMD64<UInt64>()
    private var index = 64

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
        if index == 64 { refill() }
        defer { index &+= 1 }
        return buffer[index]
    }

    /// Eight ChaCha20 blocks (RFC 8439 §2.3; the 96-bit nonce holds the 64-bit
    /// block counter), block b in lane b of sixteen 8-lane state vectors: the
    /// same stream as one block at a time, several times faster.
    private mutating func refill() {
        typealias Lanes = SIMD8<UInt32>
        let s0: UInt32 = 0x6170_7865, s1: UInt32 = 0x3320_646E, s2: UInt32 = 0x7962_2D32, s3: UInt32 = 0x6B20_6574
        let (k0, k1, k2, k3, k4, k5, k6, k7) = key
        var counters = SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)
        counters &+= SIMD8(repeating: counter)
        counter &+= 8
        let c0 = Lanes(truncatingIfNeeded: counters), c1 = Lanes(truncatingIfNeeded: counters &>> 32)
        var x0 = Lanes(repeating: s0), x1 = Lanes(repeating: s1), x2 = Lanes(repeating: s2), x3 = Lanes(repeating: s3)
        var x4 = Lanes(repeating: k0), x5 = Lanes(repeating: k1), x6 = Lanes(repeating: k2), x7 = Lanes(repeating: k3)
        var x8 = Lanes(repeating: k4), x9 = Lanes(repeating: k5), x10 = Lanes(repeating: k6), x11 = Lanes(repeating: k7)
        var x12 = c0, x13 = c1, x14 = Lanes(), x15 = Lanes()
        @inline(__always) func quarter(_ a: inout Lanes, _ b: inout Lanes, _ c: inout Lanes, _ d: inout Lanes) {
            a &+= b; d ^= a; d = (d &<< 16) | (d &>> 16)
            c &+= d; b ^= c; b = (b &<< 12) | (b &>> 20)
            a &+= b; d ^= a; d = (d &<< 8) | (d &>> 24)
            c &+= d; b ^= c; b = (b &<< 7) | (b &>> 25)
        }
        for _ in 0..<10 {
            quarter(&x0, &x4, &x8, &x12); quarter(&x1, &x5, &x9, &x13)
            quarter(&x2, &x6, &x10, &x14); quarter(&x3, &x7, &x11, &x15)
            quarter(&x0, &x5, &x10, &x15); quarter(&x1, &x6, &x11, &x12)
            quarter(&x2, &x7, &x8, &x13); quarter(&x3, &x4, &x9, &x14)
        }
        x0 &+= Lanes(repeating: s0); x1 &+= Lanes(repeating: s1); x2 &+= Lanes(repeating: s2); x3 &+= Lanes(repeating: s3)
        x4 &+= Lanes(repeating: k0); x5 &+= Lanes(repeating: k1); x6 &+= Lanes(repeating: k2); x7 &+= Lanes(repeating: k3)
        x8 &+= Lanes(repeating: k4); x9 &+= Lanes(repeating: k5); x10 &+= Lanes(repeating: k6); x11 &+= Lanes(repeating: k7)
        x12 &+= c0; x13 &+= c1
        @inline(__always) func pair(_ lo: Lanes, _ hi: Lanes) -> SIMD8<UInt64> {
            SIMD8<UInt64>(truncatingIfNeeded: lo) | (SIMD8<UInt64>(truncatingIfNeeded: hi) &<< 32)
        }
        let words = [pair(x0, x1), pair(x2, x3), pair(x4, x5), pair(x6, x7),
                     pair(x8, x9), pair(x10, x11), pair(x12, x13), pair(x14, x15)]
        for block in 0..<8 {
            for word in 0..<8 { buffer[block * 8 + word] = words[word][block] }
        }
        index = 0
    }
}

