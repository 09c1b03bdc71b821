/// The runtime's randomness: ChaCha20 (RFC 8439 block function) keyed with 256 bits.
///
/// By default the key comes from `SystemRandomNumberGenerator`, which reads the
/// operating system CSPRNG (`getrandom(2)` on Linux, `arc4random_buf` on Darwin).
/// Each `next()` on the system generator is a system call, so the runtime draws one
/// key per generator and expands it with ChaCha20. A fixed seed (`init(seed:)`) gives
/// reproducible streams for tests only.
public struct SecureRandom: RandomNumberGenerator, Sendable {
    private var key: [UInt32]
    private var counter: UInt64 = 0
    private var buffer = [UInt64](repeating: 0, count: 8)
    private var index = 8

    /// Keys ChaCha20 from the system CSPRNG.
    public init() {
        var system = SystemRandomNumberGenerator()
        var key: [UInt32] = []
        for _ in 0..<4 {
            let word = system.next()
            key.append(UInt32(truncatingIfNeeded: word))
            key.append(UInt32(truncatingIfNeeded: word >> 32))
        }
        self.key = key
    }

    /// A deterministic stream (tests and known-answer checks only).
    public init(seed: UInt64) {
        var key = [UInt32](repeating: 0, count: 8)
        key[0] = UInt32(truncatingIfNeeded: seed)
        key[1] = UInt32(truncatingIfNeeded: seed >> 32)
        key[7] = 0x7465_7374  // "test"
        self.key = key
    }

    public mutating func next() -> UInt64 {
        if index == 8 { refill() }
        defer { index += 1 }
        return buffer[index]
    }

    private mutating func refill() {
        var state: [UInt32] = [0x6170_7865, 0x3320_646E, 0x7962_2D32, 0x6B20_6574]
        state += key
        state += [UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0]
        counter &+= 1
        var x = state
        @inline(__always) func quarter(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
            x[a] &+= x[b]; x[d] ^= x[a]; x[d] = x[d].rotl(16)
            x[c] &+= x[d]; x[b] ^= x[c]; x[b] = x[b].rotl(12)
            x[a] &+= x[b]; x[d] ^= x[a]; x[d] = x[d].rotl(8)
            x[c] &+= x[d]; x[b] ^= x[c]; x[b] = x[b].rotl(7)
        }
        for _ in 0..<10 {
            quarter(0, 4, 8, 12); quarter(1, 5, 9, 13); quarter(2, 6, 10, 14); quarter(3, 7, 11, 15)
            quarter(0, 5, 10, 15); quarter(1, 6, 11, 12); quarter(2, 7, 8, 13); quarter(3, 4, 9, 14)
        }
        for i in 0..<8 {
            let lo = x[2 * i] &+ state[2 * i], hi = x[2 * i + 1] &+ state[2 * i + 1]
            buffer[i] = UInt64(lo) | (UInt64(hi) << 32)
        }
        index = 0
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotl(_ n: UInt32) -> UInt32 { (self << n) | (self >> (32 - n)) }
}
