internal import CHepexcVector
internal import HepexcRing

extension SecureRandom {
    /// The next ``blocksPerRefill`` ChaCha20 blocks into `buffer`.
    mutating func refill() {
        let blocks = Self.blocksPerRefill
        let start = counter
        counter &+= UInt64(blocks)
        index = 0
        let isa = Int32(level.rawValue)
        key.withUnsafeBufferPointer { k in
            buffer.withUnsafeMutableBufferPointer { out in
                if isa >= Int32(VectorISA.avx2.rawValue), let keyBase = k.baseAddress, let outBase = out.baseAddress {
                    hepexc_chacha20_blocks(isa, keyBase, start, blocks, outBase)
                } else {
                    for block in 0..<blocks { Self.block(k, counter: start &+ UInt64(block), into: out, at: 8 * block) }
                }
            }
        }
    }

    /// One ChaCha20 block (RFC 8439 §2.3; 96-bit nonce fixed to the 64-bit block counter), in Swift.
    @inline(__always)
    static func block(_ key: UnsafeBufferPointer<UInt32>, counter: UInt64, into out: UnsafeMutableBufferPointer<UInt64>, at offset: Int) {
        let s0: UInt32 = 0x6170_7865, s1: UInt32 = 0x3320_646E, s2: UInt32 = 0x7962_2D32, s3: UInt32 = 0x6B20_6574
        let k0 = key[0], k1 = key[1], k2 = key[2], k3 = key[3], k4 = key[4], k5 = key[5], k6 = key[6], k7 = key[7]
        let c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
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
        out[offset] = pair(x0 &+ s0, x1 &+ s1); out[offset + 1] = pair(x2 &+ s2, x3 &+ s3)
        out[offset + 2] = pair(x4 &+ k0, x5 &+ k1); out[offset + 3] = pair(x6 &+ k2, x7 &+ k3)
        out[offset + 4] = pair(x8 &+ k4, x9 &+ k5); out[offset + 5] = pair(x10 &+ k6, x11 &+ k7)
        out[offset + 6] = pair(x12 &+ c0, x13 &+ c1); out[offset + 7] = pair(x14, x15)
    }
}
