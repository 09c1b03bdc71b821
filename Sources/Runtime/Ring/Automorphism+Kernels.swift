extension Poly where Format == Eval {
    /// `σ_g(self)`: permutes every limb's evaluations (parallel over limbs).
    public func applying(_ automorphism: Automorphism) -> Poly {
        precondition(automorphism.sourceIndex.count == degree)
        let n = degree
        let result = [UInt64](unsafeUninitializedCapacity: data.count) { buffer, initialized in
            data.withUnsafeBufferPointer { input in
                automorphism.sourceIndex.withUnsafeBufferPointer { index in
                    let box = UncheckedSendableBox((input.baseAddress!, buffer.baseAddress!, index.baseAddress!))
                    context.parallelism.forEach(limbCount) { limb in
                        let (src, dst, perm) = box.value
                        let s = src + limb * n, d = dst + limb * n
                        for k in 0..<n { d[k] = s[Int(perm[k])] }
                    }
                }
            }
            initialized = data.count
        }
        return Poly(context: context, data: result)
    }
}
