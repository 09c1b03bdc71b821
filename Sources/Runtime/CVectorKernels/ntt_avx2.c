// AVX2 NTTs (four lanes): the 64-bit Shoup form with 64×64 products built from 32×32 ones.
// Every value stays below 2^63, so signed compares stand in for the missing unsigned ones.
#include "kernels.h"

#include <immintrin.h>

#define TARGET_AVX2 __attribute__((target("avx2")))

TARGET_AVX2 static inline __m256i mulhi64(__m256i a, __m256i b) {
    const __m256i low32 = _mm256_set1_epi64x(0xffffffffLL);
    __m256i ah = _mm256_srli_epi64(a, 32), bh = _mm256_srli_epi64(b, 32);
    __m256i ll = _mm256_mul_epu32(a, b), lh = _mm256_mul_epu32(a, bh);
    __m256i hl = _mm256_mul_epu32(ah, b), hh = _mm256_mul_epu32(ah, bh);
    __m256i mid = _mm256_add_epi64(_mm256_add_epi64(_mm256_srli_epi64(ll, 32), _mm256_and_si256(lh, low32)),
                                   _mm256_and_si256(hl, low32));
    __m256i high = _mm256_add_epi64(hh, _mm256_add_epi64(_mm256_srli_epi64(lh, 32), _mm256_srli_epi64(hl, 32)));
    return _mm256_add_epi64(high, _mm256_srli_epi64(mid, 32));
}

TARGET_AVX2 static inline __m256i mullo64(__m256i a, __m256i b) {
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(a, _mm256_srli_epi64(b, 32)),
                                     _mm256_mul_epu32(_mm256_srli_epi64(a, 32), b));
    return _mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_slli_epi64(cross, 32));
}

TARGET_AVX2 static inline __m256i shoup(__m256i v, __m256i w, __m256i wq, __m256i q) {
    return _mm256_sub_epi64(mullo64(v, w), mullo64(mulhi64(v, wq), q));
}

/// x − bound if x ≥ bound (x, bound < 2^63).
TARGET_AVX2 static inline __m256i sub_if_exceeds(__m256i x, __m256i bound) {
    __m256i below = _mm256_cmpgt_epi64(bound, x);
    return _mm256_sub_epi64(x, _mm256_andnot_si256(below, bound));
}

#define FWD_BF(X, Y, W, WQ) do {                                   \
        __m256i u_ = sub_if_exceeds((X), v2q);                     \
        __m256i p_ = shoup((Y), (W), (WQ), vq);                    \
        (X) = _mm256_add_epi64(u_, p_);                            \
        (Y) = _mm256_add_epi64(_mm256_sub_epi64(u_, p_), v2q);     \
    } while (0)

#define INV_BF(X, Y, W, WQ) do {                                   \
        __m256i s_ = _mm256_add_epi64((X), (Y));                   \
        __m256i d_ = _mm256_add_epi64(_mm256_sub_epi64((X), (Y)), v2q); \
        (X) = sub_if_exceeds(s_, v2q);                             \
        (Y) = shoup(d_, (W), (WQ), vq);                            \
    } while (0)

#define LOAD(p) _mm256_loadu_si256((const __m256i *)(p))
#define STORE(p, v) _mm256_storeu_si256((__m256i *)(p), (v))

/// Stages with t ∈ {1, 2}: two vectors hold 8 / (2t) blocks.
TARGET_AVX2 static void small_stage(uint64_t *a, size_t n, size_t t, const uint64_t *table, int inverse,
                                    __m256i vq, __m256i v2q) {
    const size_t m = n / (2 * t);
    for (size_t b = 0; b < n; b += 8) {
        const uint64_t *tw = table + 2 * (m + b / (2 * t));
        __m256i v0 = LOAD(a + b), v1 = LOAD(a + b + 4), x, y, w, wq;
        if (t == 2) {
            __m256i t0 = LOAD(tw);
            w = _mm256_permute4x64_epi64(t0, _MM_SHUFFLE(2, 2, 0, 0));
            wq = _mm256_permute4x64_epi64(t0, _MM_SHUFFLE(3, 3, 1, 1));
            x = _mm256_permute2x128_si256(v0, v1, 0x20);
            y = _mm256_permute2x128_si256(v0, v1, 0x31);
        } else {
            __m256i t0 = LOAD(tw), t1 = LOAD(tw + 4);
            w = _mm256_unpacklo_epi64(t0, t1);
            wq = _mm256_unpackhi_epi64(t0, t1);
            x = _mm256_unpacklo_epi64(v0, v1);
            y = _mm256_unpackhi_epi64(v0, v1);
        }
        if (inverse) INV_BF(x, y, w, wq); else FWD_BF(x, y, w, wq);
        if (t == 2) {
            STORE(a + b, _mm256_permute2x128_si256(x, y, 0x20));
            STORE(a + b + 4, _mm256_permute2x128_si256(x, y, 0x31));
        } else {
            STORE(a + b, _mm256_unpacklo_epi64(x, y));
            STORE(a + b + 4, _mm256_unpackhi_epi64(x, y));
        }
    }
}

TARGET_AVX2 void hepexc_forward_avx2(uint64_t *a, const uint64_t *source, size_t n, uint64_t q,
                                     const uint64_t *table, int reduce) {
    const __m256i vq = _mm256_set1_epi64x((long long)q), v2q = _mm256_set1_epi64x((long long)(2 * q));
    size_t m = 1, t = n >> 1;
    if (source != NULL) {
        __m256i w = _mm256_set1_epi64x((long long)table[2]), wq = _mm256_set1_epi64x((long long)table[3]);
        for (size_t j = 0; j < t; j += 4) {
            __m256i x = LOAD(source + j), y = LOAD(source + j + t);
            FWD_BF(x, y, w, wq);
            STORE(a + j, x); STORE(a + j + t, y);
        }
        m = 2; t >>= 1;
    }
    for (; t >= 4; m <<= 1, t >>= 1) {
        uint64_t *x0 = a;
        for (size_t i = 0; i < m; i++, x0 += 2 * t) {
            __m256i w = _mm256_set1_epi64x((long long)table[2 * (m + i)]);
            __m256i wq = _mm256_set1_epi64x((long long)table[2 * (m + i) + 1]);
            for (size_t j = 0; j < t; j += 4) {
                __m256i x = LOAD(x0 + j), y = LOAD(x0 + j + t);
                FWD_BF(x, y, w, wq);
                STORE(x0 + j, x); STORE(x0 + j + t, y);
            }
        }
    }
    for (; t >= 1; t >>= 1) small_stage(a, n, t, table, 0, vq, v2q);
    if (reduce) {
        for (size_t k = 0; k < n; k += 4) STORE(a + k, sub_if_exceeds(sub_if_exceeds(LOAD(a + k), v2q), vq));
    }
}

TARGET_AVX2 void hepexc_inverse_avx2(uint64_t *a, size_t n, uint64_t q, const uint64_t *table,
                                     const hepexc_inverse_constants *c, int reduce) {
    const __m256i vq = _mm256_set1_epi64x((long long)q), v2q = _mm256_set1_epi64x((long long)(2 * q));
    size_t t = 1, h = n >> 1;
    for (; h > 1; t <<= 1, h >>= 1) {
        if (t < 4) { small_stage(a, n, t, table, 1, vq, v2q); continue; }
        uint64_t *x0 = a;
        for (size_t i = 0; i < h; i++, x0 += 2 * t) {
            __m256i w = _mm256_set1_epi64x((long long)table[2 * (h + i)]);
            __m256i wq = _mm256_set1_epi64x((long long)table[2 * (h + i) + 1]);
            for (size_t j = 0; j < t; j += 4) {
                __m256i x = LOAD(x0 + j), y = LOAD(x0 + j + t);
                INV_BF(x, y, w, wq);
                STORE(x0 + j, x); STORE(x0 + j + t, y);
            }
        }
    }
    __m256i ni = _mm256_set1_epi64x((long long)c->n_inverse), niq = _mm256_set1_epi64x((long long)c->n_inverse_quotient);
    __m256i la = _mm256_set1_epi64x((long long)c->last), laq = _mm256_set1_epi64x((long long)c->last_quotient);
    for (size_t j = 0; j < t; j += 4) {
        __m256i x = LOAD(a + j), y = LOAD(a + j + t);
        __m256i s = _mm256_add_epi64(x, y), d = _mm256_add_epi64(_mm256_sub_epi64(x, y), v2q);
        x = shoup(s, ni, niq, vq);
        y = shoup(d, la, laq, vq);
        if (reduce) { x = sub_if_exceeds(x, vq); y = sub_if_exceeds(y, vq); }
        STORE(a + j, x); STORE(a + j + t, y);
    }
}
