// AVX-512 NTTs: the 64-bit Shoup form (any modulus below 2^61, bit-identical to the Swift
// kernels) and the IFMA 52-bit form (moduli below 2^50, as in Intel HEXL, Boemer et al. 2021).
#include "kernels.h"

#include <immintrin.h>

#define TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
#define TARGET_IFMA __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx512ifma")))

/// ⌊a·b / 2^64⌋ per lane from four 32×32 products.
TARGET_AVX512 static inline __m512i mulhi64(__m512i a, __m512i b) {
    const __m512i low32 = _mm512_set1_epi64(0xffffffffLL);
    __m512i ah = _mm512_srli_epi64(a, 32), bh = _mm512_srli_epi64(b, 32);
    __m512i ll = _mm512_mul_epu32(a, b), lh = _mm512_mul_epu32(a, bh);
    __m512i hl = _mm512_mul_epu32(ah, b), hh = _mm512_mul_epu32(ah, bh);
    __m512i mid = _mm512_add_epi64(_mm512_add_epi64(_mm512_srli_epi64(ll, 32), _mm512_and_si512(lh, low32)),
                                   _mm512_and_si512(hl, low32));
    __m512i high = _mm512_add_epi64(hh, _mm512_add_epi64(_mm512_srli_epi64(lh, 32), _mm512_srli_epi64(hl, 32)));
    return _mm512_add_epi64(high, _mm512_srli_epi64(mid, 32));
}

/// Shoup with β = 2^64: v·w − ⌊v·w'/2^64⌋·q ∈ [0, 2q).
TARGET_AVX512 static inline __m512i shoup64(__m512i v, __m512i w, __m512i wq, __m512i q) {
    __m512i estimate = mulhi64(v, wq);
    return _mm512_sub_epi64(_mm512_mullo_epi64(v, w), _mm512_mullo_epi64(estimate, q));
}

/// Shoup with β = 2^52 (v < 2^52): the difference is below 2q < 2^52, so it is exact mod 2^52.
TARGET_IFMA static inline __m512i shoup52(__m512i v, __m512i w, __m512i wq, __m512i negq, __m512i mask) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i estimate = _mm512_madd52hi_epu64(zero, v, wq);
    __m512i product = _mm512_madd52lo_epu64(zero, v, w);
    return _mm512_and_si512(_mm512_madd52lo_epu64(product, estimate, negq), mask);
}

#define NAME(x) hepexc_##x##_avx512
#define TARGET TARGET_AVX512
#define SETUP                                                     \
    const __m512i vq = _mm512_set1_epi64((long long)q);           \
    const __m512i v2q = _mm512_set1_epi64((long long)(2 * q));    \
    const __m512i vnegq = vq, vmask = vq;
#define SHOUP(v, w, wq) shoup64((v), (w), (wq), vq)
#define LAST_QUOTIENT(field) field##_quotient
#include "ntt512_template.h"
#undef NAME
#undef TARGET
#undef SHOUP
#undef LAST_QUOTIENT

#define NAME(x) hepexc_##x##_ifma
#define TARGET TARGET_IFMA
#define SHOUP(v, w, wq) shoup52((v), (w), (wq), vnegq, vmask)
#define LAST_QUOTIENT(field) field##_quotient52
#undef SETUP
#define SETUP                                                                        \
    const __m512i vq = _mm512_set1_epi64((long long)q);                              \
    const __m512i v2q = _mm512_set1_epi64((long long)(2 * q));                       \
    const __m512i vmask = _mm512_set1_epi64((long long)((UINT64_C(1) << 52) - 1));   \
    const __m512i vnegq = _mm512_set1_epi64((long long)((UINT64_C(1) << 52) - q));
#include "ntt512_template.h"
