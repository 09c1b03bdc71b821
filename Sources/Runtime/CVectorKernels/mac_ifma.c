// The key-switch inner product with AVX-512 IFMA: 52-bit halves of each product accumulate in
// separate 64-bit lanes (4096 terms fit); the caller reduces hi·2^52 + lo once (exactly).
#include "hepexc_vector.h"

#include <immintrin.h>

#define TARGET_IFMA __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx512ifma")))

TARGET_IFMA void hepexc_mac52(uint64_t *lo0, uint64_t *hi0, uint64_t *lo1, uint64_t *hi1, const uint64_t *digits,
                              const int32_t *perm, const uint64_t *key, size_t count) {
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    for (size_t k = 0; k < count; k += 8) {
        __m512i x = perm != NULL
            ? _mm512_i32gather_epi64(_mm256_loadu_si256((const __m256i *)(perm + k)), (const void *)digits, 8)
            : _mm512_loadu_si512((const void *)(digits + k));
        __m512i k0 = _mm512_loadu_si512((const void *)(key + 2 * k));
        __m512i k1 = _mm512_loadu_si512((const void *)(key + 2 * k + 8));
        __m512i a = _mm512_permutex2var_epi64(k0, even, k1), b = _mm512_permutex2var_epi64(k0, odd, k1);
        _mm512_storeu_si512((void *)(lo0 + k), _mm512_madd52lo_epu64(_mm512_loadu_si512((const void *)(lo0 + k)), x, a));
        _mm512_storeu_si512((void *)(hi0 + k), _mm512_madd52hi_epu64(_mm512_loadu_si512((const void *)(hi0 + k)), x, a));
        _mm512_storeu_si512((void *)(lo1 + k), _mm512_madd52lo_epu64(_mm512_loadu_si512((const void *)(lo1 + k)), x, b));
        _mm512_storeu_si512((void *)(hi1 + k), _mm512_madd52hi_epu64(_mm512_loadu_si512((const void *)(hi1 + k)), x, b));
    }
}

TARGET_IFMA void hepexc_mac52_pair(uint64_t *lo0, uint64_t *hi0, uint64_t *lo1, uint64_t *hi1, const uint64_t *c0,
                                   const uint64_t *c1, const uint64_t *w, size_t count) {
    for (size_t k = 0; k < count; k += 8) {
        __m512i x = _mm512_loadu_si512((const void *)(c0 + k)), y = _mm512_loadu_si512((const void *)(c1 + k));
        __m512i a = _mm512_loadu_si512((const void *)(w + k));
        _mm512_storeu_si512((void *)(lo0 + k), _mm512_madd52lo_epu64(_mm512_loadu_si512((const void *)(lo0 + k)), x, a));
        _mm512_storeu_si512((void *)(hi0 + k), _mm512_madd52hi_epu64(_mm512_loadu_si512((const void *)(hi0 + k)), x, a));
        _mm512_storeu_si512((void *)(lo1 + k), _mm512_madd52lo_epu64(_mm512_loadu_si512((const void *)(lo1 + k)), y, a));
        _mm512_storeu_si512((void *)(hi1 + k), _mm512_madd52hi_epu64(_mm512_loadu_si512((const void *)(hi1 + k)), y, a));
    }
}

/// Barrett constants for `barrett52`: μ = ⌊2^(L+51)/q⌋ and the shift L − 1, L = bit width of q.
typedef struct { __m512i mu, q, negq, mask; int shift_low, shift_high; } barrett52_constants;

TARGET_IFMA static inline barrett52_constants barrett52_setup(uint64_t q) {
    const int width = 64 - __builtin_clzll(q);
    barrett52_constants c;
    uint64_t mu = (uint64_t)(((unsigned __int128)1 << (width + 51)) / q);
    c.mu = _mm512_set1_epi64((long long)mu);
    c.q = _mm512_set1_epi64((long long)q);
    c.negq = _mm512_set1_epi64((long long)((UINT64_C(1) << 52) - q));
    c.mask = _mm512_set1_epi64((long long)((UINT64_C(1) << 52) - 1));
    c.shift_low = width - 1;
    c.shift_high = 53 - width;
    return c;
}

/// (hi·2^52 + lo) mod q, fully reduced, for hi·2^52 + lo < 2^(L+51), lo < 2^64, q < 2^50.
/// Barrett with c1 = ⌊P/2^(L−1)⌋ < 2^52, c3 = ⌊c1·μ/2^52⌋ ∈ [⌊P/q⌋ − 2, ⌊P/q⌋]: P − c3·q < 3q < 2^52
/// is exact modulo 2^52, then two conditional subtractions.
TARGET_IFMA static inline __m512i barrett52(__m512i lo, __m512i hi, const barrett52_constants *c) {
    const __m512i zero = _mm512_setzero_si512();
    hi = _mm512_add_epi64(hi, _mm512_srli_epi64(lo, 52));
    lo = _mm512_and_si512(lo, c->mask);
    __m512i c1 = _mm512_or_si512(_mm512_sll_epi64(hi, _mm_cvtsi32_si128(c->shift_high)),
                                 _mm512_srl_epi64(lo, _mm_cvtsi32_si128(c->shift_low)));
    __m512i c3 = _mm512_madd52hi_epu64(zero, c1, c->mu);
    __m512i r = _mm512_and_si512(_mm512_madd52lo_epu64(lo, c3, c->negq), c->mask);
    r = _mm512_min_epu64(r, _mm512_sub_epi64(r, c->q));
    return _mm512_min_epu64(r, _mm512_sub_epi64(r, c->q));
}

TARGET_IFMA void hepexc_reduce52(uint64_t *out, const uint64_t *lo, const uint64_t *hi, size_t count, uint64_t q) {
    const barrett52_constants c = barrett52_setup(q);
    for (size_t k = 0; k < count; k += 8) {
        __m512i r = barrett52(_mm512_loadu_si512((const void *)(lo + k)), _mm512_loadu_si512((const void *)(hi + k)), &c);
        _mm512_storeu_si512((void *)(out + k), r);
    }
}

TARGET_IFMA void hepexc_tensor52(uint64_t *c0, uint64_t *c1, uint64_t *c2, const uint64_t *a0, const uint64_t *a1,
                                 const uint64_t *b0, const uint64_t *b1, size_t count, uint64_t q) {
    const barrett52_constants c = barrett52_setup(q);
    const __m512i zero = _mm512_setzero_si512();
    for (size_t k = 0; k < count; k += 8) {
        __m512i u0 = _mm512_loadu_si512((const void *)(a0 + k)), u1 = _mm512_loadu_si512((const void *)(a1 + k));
        __m512i v0 = _mm512_loadu_si512((const void *)(b0 + k)), v1 = _mm512_loadu_si512((const void *)(b1 + k));
        __m512i r0 = barrett52(_mm512_madd52lo_epu64(zero, u0, v0), _mm512_madd52hi_epu64(zero, u0, v0), &c);
        __m512i r2 = barrett52(_mm512_madd52lo_epu64(zero, u1, v1), _mm512_madd52hi_epu64(zero, u1, v1), &c);
        __m512i lo = _mm512_madd52lo_epu64(_mm512_madd52lo_epu64(zero, u0, v1), u1, v0);
        __m512i hi = _mm512_madd52hi_epu64(_mm512_madd52hi_epu64(zero, u0, v1), u1, v0);
        _mm512_storeu_si512((void *)(c0 + k), r0);
        _mm512_storeu_si512((void *)(c1 + k), barrett52(lo, hi, &c));
        _mm512_storeu_si512((void *)(c2 + k), r2);
    }
}

TARGET_IFMA void hepexc_multiply52(uint64_t *out, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q) {
    const barrett52_constants c = barrett52_setup(q);
    const __m512i zero = _mm512_setzero_si512();
    for (size_t k = 0; k < count; k += 8) {
        __m512i x = _mm512_loadu_si512((const void *)(a + k)), y = _mm512_loadu_si512((const void *)(b + k));
        _mm512_storeu_si512((void *)(out + k),
                            barrett52(_mm512_madd52lo_epu64(zero, x, y), _mm512_madd52hi_epu64(zero, x, y), &c));
    }
}
